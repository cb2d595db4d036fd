package io.vecstore.core.wal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Log records as bytes for another node: the log's own checksummed frames, one after the other
 * (see {@link WalCodec}), so a record travels exactly as it was logged and a damaged transfer is
 * detected. Used by namespace moves to ship the log written after a snapshot.
 *
 * <p>Stateless and thread-safe.
 */
public final class WalFrames {

  private WalFrames() {}

  /** The records' frames, concatenated. */
  public static byte[] encode(List<WalRecord> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (WalRecord r : records) {
      ByteBuffer frame = WalCodec.encode(r);
      out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    }
    return out.toByteArray();
  }

  /**
   * Reads frames until the stream ends; a frame cut short or failing its checksum is an
   * IOException (nothing is returned then).
   */
  public static List<WalRecord> decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    List<WalRecord> out = new ArrayList<>();
    while (true) {
      int length;
      try {
        length = data.readInt();
      } catch (EOFException end) {
        return out;
      }
      if (length < 0 || length > WalCodec.MAX_PAYLOAD_BYTES) {
        throw new IOException("log frame " + out.size() + " has an invalid length: " + length);
      }
      int crc = data.readInt();
      byte[] body = new byte[9 + length];
      data.readFully(body);
      if (!WalCodec.checksumMatches(crc, body)) {
        throw new IOException("log frame " + out.size() + " fails its checksum");
      }
      out.add(WalCodec.decode(body));
    }
  }
}
