package io.vecstore.core.namespace;

import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.meta.SizeSnapshot;
import io.vecstore.core.wal.WriteAheadLog;
import java.nio.file.Path;

/**
 * The size a closed namespace recorded at its last clean close, trusted only once checked against
 * its files: the last commit is the one it was taken at, the write-ahead log holds nothing more,
 * and the commit's metadata reads back. Checked once per close, so listing idle namespaces reads
 * no index.
 *
 * <p>Thread-safety: volatile fields; the namespace calls it under its lifecycle lock.
 */
final class ClosedSize {

  private volatile SizeSnapshot trusted; // null while open, unchecked or not trusted
  private volatile boolean checked;

  /** The index is open (or failed to open): no recorded size applies. */
  void open() {
    trusted = null;
    checked = true;
  }

  /** Closed cleanly with this size, just measured. */
  void closed(SizeSnapshot size) {
    trusted = size;
    checked = true;
  }

  /** The files changed under a closed index (a restore): check the recorded size again. */
  void unknown() {
    trusted = null;
    checked = false;
  }

  /** The recorded size if it still describes the files in {@code indexDir} and {@code walDir}, else null. */
  SizeSnapshot get(SizeSnapshot recorded, Path indexDir, Path walDir) {
    if (!checked) {
      boolean valid = recorded != null
          && recorded.commitGeneration() == IndexFiles.lastCommitGeneration(indexDir)
          && WriteAheadLog.isEmpty(walDir)
          && IndexFiles.commitReadable(indexDir);
      trusted = valid ? recorded : null;
      checked = true;
    }
    return trusted;
  }
}
