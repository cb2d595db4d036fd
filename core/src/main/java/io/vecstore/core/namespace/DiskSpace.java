package io.vecstore.core.namespace;

import io.vecstore.core.error.UnavailableException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory's free space, checked before every write: a write is refused (507
 * insufficient_storage) when it would leave less than the configured minimum free, so the disk
 * does not fill in the middle of a log append or a Lucene flush. Reading the figure is one statfs
 * call, cheap enough for every write; a failed reading keeps the last one.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class DiskSpace {

  private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);

  private final Path root;
  private final long minFreeBytes;
  private volatile FileStore store;
  private volatile long lastFree = Long.MAX_VALUE;

  DiskSpace(Path root, long minFreeBytes) {
    this.root = root;
    this.minFreeBytes = minFreeBytes;
  }

  /** Bytes free now for this process. */
  long free() {
    try {
      FileStore s = store;
      if (s == null) {
        store = s = Files.getFileStore(root);
      }
      lastFree = s.getUsableSpace();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read free space of {}: {}", root, e.toString());
    }
    return lastFree;
  }

  /** Throws insufficient storage when writing {@code incomingBytes} would leave less than the minimum free. */
  void check(long incomingBytes) {
    long free = free();
    if (free - incomingBytes < minFreeBytes) {
      throw UnavailableException.insufficientStorage(free, minFreeBytes + incomingBytes);
    }
  }

  /** Whether {@code bytes} more can be written (a merge's new segment beside the old ones) above the minimum. */
  boolean roomFor(long bytes) {
    return free() - bytes >= minFreeBytes;
  }
}
