package io.vecstore.core.wal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.vector.VectorRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of log records. A frame is
 * {@code [payload length: int][crc32c of the rest: int][seq: long][type: byte][payload]}; the
 * checksum covers seq, type and payload, so a torn or corrupted frame is detected on reading.
 * Stateless and thread-safe.
 */
final class WalCodec {

  static final int HEADER_BYTES = 4 + 4 + 8 + 1;
  static final int MAX_PAYLOAD_BYTES = 512 * 1024 * 1024;
  private static final byte UPSERT = 1;
  private static final byte DELETE = 2;
  /** An upsert whose records may carry text: each record ends with {@code [has text][UTF-8 length][bytes]}. */
  private static final byte UPSERT_TEXT = 3;
  private static final ObjectMapper JSON = new ObjectMapper()
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private WalCodec() {}

  static ByteBuffer encode(WalRecord record) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    byte type = switch (record) {
      case WalRecord.Upsert u -> {
        boolean withText = u.vectors().stream().anyMatch(v -> v.text() != null);
        out.writeInt(u.vectors().size());
        for (VectorRecord v : u.vectors()) {
          out.writeUTF(v.id());
          out.writeInt(v.values().length);
          for (float f : v.values()) {
            out.writeFloat(f);
          }
          byte[] metadata = v.metadata() == null ? new byte[0] : JSON.writeValueAsBytes(v.metadata());
          out.writeBoolean(v.metadata() != null);
          out.writeInt(metadata.length);
          out.write(metadata);
          if (withText) {
            writeText(out, v.text());
          }
        }
        yield withText ? UPSERT_TEXT : UPSERT;
      }
      case WalRecord.Delete d -> {
        out.writeInt(d.ids().size());
        for (String id : d.ids()) {
          out.writeUTF(id);
        }
        yield DELETE;
      }
    };
    out.flush();
    byte[] payload = bytes.toByteArray();
    ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length).order(ByteOrder.BIG_ENDIAN);
    frame.putInt(payload.length);
    frame.putInt(0); // checksum, filled below
    frame.putLong(record.seq());
    frame.put(type);
    frame.put(payload);
    CRC32C crc = new CRC32C();
    crc.update(frame.array(), 8, frame.capacity() - 8);
    frame.putInt(4, (int) crc.getValue());
    frame.flip();
    return frame;
  }

  /** Text may exceed writeUTF's 64 KiB, so its length is an int. */
  private static void writeText(DataOutputStream out, String text) throws IOException {
    out.writeBoolean(text != null);
    byte[] bytes = text == null ? new byte[0] : text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readText(DataInputStream in) throws IOException {
    boolean present = in.readBoolean();
    byte[] bytes = in.readNBytes(in.readInt());
    return present ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : null;
  }

  /** Checks a frame's checksum given its header fields and body (seq, type, payload). */
  static boolean checksumMatches(int expected, byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    return (int) crc.getValue() == expected;
  }

  /** Decodes seq, type and payload (the checksummed body of a frame). */
  static WalRecord decode(byte[] body) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(body);
    long seq = b.getLong();
    byte type = b.get();
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, 9, body.length - 9));
    int count = in.readInt();
    switch (type) {
      case UPSERT, UPSERT_TEXT -> {
        List<VectorRecord> vectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          String id = in.readUTF();
          float[] values = new float[in.readInt()];
          for (int d = 0; d < values.length; d++) {
            values[d] = in.readFloat();
          }
          boolean hasMetadata = in.readBoolean();
          byte[] metadata = in.readNBytes(in.readInt());
          String text = type == UPSERT_TEXT ? readText(in) : null;
          vectors.add(new VectorRecord(id, values, hasMetadata ? (ObjectNode) JSON.readTree(metadata) : null, text));
        }
        return new WalRecord.Upsert(seq, vectors);
      }
      case DELETE -> {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          ids.add(in.readUTF());
        }
        return new WalRecord.Delete(seq, ids);
      }
      default -> throw new IOException("unknown record type " + type + " at seq " + seq);
    }
  }
}
