package io.vecstore.core.snapshot;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The .tar.gz format of an exported snapshot, on Apache Commons Compress: regular files only,
 * POSIX (PAX) headers for long names and sizes of 8 GiB and more, the fastest deflate level (float
 * vectors barely compress, and the default level costs ~5× the CPU). Stateless; each stream it
 * opens serves one archive and is not thread-safe.
 */
final class SnapshotArchive {

  private SnapshotArchive() {}

  /** A tar writer inside a gzip stream over {@code target}; closing it finishes both and leaves {@code target} open. */
  static TarArchiveOutputStream writer(OutputStream target) throws IOException {
    GzipParameters gzip = new GzipParameters();
    gzip.setCompressionLevel(Deflater.BEST_SPEED);
    return configure(new TarArchiveOutputStream(new GzipCompressorOutputStream(new NonClosing(target), gzip), 64 * 1024));
  }

  /** PAX headers for names over 100 bytes and sizes of 8 GiB and more (ustar's limits). */
  static TarArchiveOutputStream configure(TarArchiveOutputStream tar) {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  /** Adds a regular file of {@code size} bytes read from {@code content}. */
  static void add(TarArchiveOutputStream tar, String name, long size, long mtimeMillis, InputStream content)
      throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(size);
    entry.setModTime(mtimeMillis);
    tar.putArchiveEntry(entry);
    long copied = content.transferTo(tar);
    if (copied != size) {
      throw new IOException(name + " changed while being archived: " + copied + " bytes, expected " + size);
    }
    tar.closeArchiveEntry();
  }

  /** A tar reader of a .tar.gz stream; the caller checks every entry's name and type. */
  static TarArchiveInputStream reader(InputStream archive) throws IOException {
    return new TarArchiveInputStream(new GzipCompressorInputStream(archive));
  }

  /** Keeps the caller's stream open when the archive is finished. */
  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
