package io.vecstore.core.namespace;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The smallest tar (ustar) writer and reader that snapshot export and import need: regular files
 * only, inside a gzip stream. Sizes of 8 GiB and more use the GNU base-256 size field. Written by
 * hand because two dozen lines beat a dependency for one archive layout we control on both ends.
 * Instances are not thread-safe; each serves one stream.
 */
final class TarGz {

  private static final int BLOCK = 512;

  private TarGz() {}

  /** The stream is not a tar archive this reader accepts (as opposed to an I/O failure). */
  static final class FormatException extends IOException {
    FormatException(String message) {
      super(message);
    }
  }

  /** Writes entries to a .tar.gz stream. */
  static final class Writer implements AutoCloseable {
    private final GZIPOutputStream out;

    Writer(OutputStream target) throws IOException {
      // Fastest deflate: float vectors barely compress, and the default level costs ~5x the CPU.
      this.out = new GZIPOutputStream(target, 64 * 1024) {
        {
          def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
      };
    }

    /** Adds a regular file of {@code size} bytes read from {@code content}. */
    void add(String name, long size, long mtimeSeconds, InputStream content) throws IOException {
      out.write(header(name, size, mtimeSeconds));
      byte[] buf = new byte[64 * 1024];
      long left = size;
      while (left > 0) {
        int n = content.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException(name + " ended " + left + " bytes early");
        }
        out.write(buf, 0, n);
        left -= n;
      }
      int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
      out.write(new byte[pad]);
    }

    void add(String name, byte[] content, long mtimeSeconds) throws IOException {
      add(name, content.length, mtimeSeconds, new java.io.ByteArrayInputStream(content));
    }

    /** Writes the end-of-archive blocks and finishes the gzip stream (the target stays open). */
    void finish() throws IOException {
      out.write(new byte[2 * BLOCK]);
      out.finish();
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static byte[] header(String name, long size, long mtimeSeconds) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + name);
    }
    byte[] h = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    if (size < 077777777777L) {
      octal(h, 124, 12, size);
    } else {
      h[124] = (byte) 0x80; // GNU base-256: big-endian binary in the remaining 11 bytes
      for (int i = 0; i < 8; i++) {
        h[135 - i] = (byte) (size >>> (8 * i));
      }
    }
    octal(h, 136, 12, mtimeSeconds);
    h[156] = '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = String.format("%0" + (len - 1) + "o", value);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  /** One entry read from an archive: its name and size; read its bytes from {@link Reader#content()}. */
  record Entry(String name, long size) {}

  /** Reads a .tar.gz stream entry by entry. */
  static final class Reader {
    private final InputStream in;
    private long remaining; // bytes of the current entry not yet read
    private long padding;

    Reader(InputStream source) throws IOException {
      this.in = new GZIPInputStream(source, 64 * 1024);
    }

    /** The next regular file, or null at the end of the archive; directories are skipped. */
    Entry next() throws IOException {
      skip(remaining + padding);
      remaining = 0;
      padding = 0;
      while (true) {
        byte[] h = in.readNBytes(BLOCK);
        if (h.length < BLOCK) {
          throw new FormatException("archive is truncated (no end-of-archive marker)");
        }
        if (isZero(h)) {
          return null;
        }
        verifyChecksum(h);
        String name = string(h, 0, 100);
        String prefix = string(h, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = size(h);
        char type = (char) h[156];
        if (type == '5') {
          continue;
        }
        if (type != '0' && type != 0) {
          throw new FormatException("unsupported tar entry type '" + type + "' for " + name + " (only regular files)");
        }
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        return new Entry(name, size);
      }
    }

    /** The current entry's bytes; read it before calling {@link #next()} again. */
    InputStream content() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (remaining == 0) {
            return -1;
          }
          int n = in.read(b, off, (int) Math.min(len, remaining));
          if (n < 0) {
            throw new EOFException("archive is truncated");
          }
          remaining -= n;
          return n;
        }
      };
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long skipped = in.skip(n);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new EOFException("archive is truncated");
          }
          skipped = 1;
        }
        n -= skipped;
      }
    }
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void verifyChecksum(byte[] h) throws IOException {
    long stored = parseOctal(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
    }
    if (sum != stored) {
      throw new FormatException("tar header checksum mismatch");
    }
  }

  private static long size(byte[] h) throws IOException {
    if ((h[124] & 0x80) != 0) {
      long v = 0;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      if (v < 0) {
        throw new FormatException("tar entry size out of range");
      }
      return v;
    }
    return parseOctal(h, 124, 12);
  }

  private static long parseOctal(byte[] h, int off, int len) throws IOException {
    int i = off;
    int end = off + len;
    while (i < end && h[i] == ' ') {
      i++;
    }
    long v = 0;
    for (; i < end && h[i] != 0 && h[i] != ' '; i++) {
      if (h[i] < '0' || h[i] > '7') {
        throw new FormatException("malformed number in tar header");
      }
      v = (v << 3) + (h[i] - '0');
    }
    return v;
  }

  private static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }
}
