package io.vecstore.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** The archive's tar settings: a size past ustar's 8 GiB field and a long name survive a round trip. */
class SnapshotArchiveTest {

  @Test
  void headersRoundTripLargeSizesAndLongNames() throws IOException {
    long big = 9L * 1024 * 1024 * 1024; // past ustar's 8 GiB octal field
    String longName = "index/" + "x".repeat(150) + ".cfs"; // past ustar's 100-byte name field
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // One 512-byte record per block, so each header reaches the stream as soon as it is written.
    TarArchiveOutputStream tar = SnapshotArchive.configure(new TarArchiveOutputStream(out, 512));
    TarArchiveEntry entry = new TarArchiveEntry(longName);
    entry.setSize(big);
    tar.putArchiveEntry(entry); // the header only: the entry cannot be closed without its 9 GiB
    tar.flush();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      TarArchiveEntry read = in.getNextEntry();
      assertEquals(longName, read.getName());
      assertEquals(big, read.getSize());
    }
  }
}
