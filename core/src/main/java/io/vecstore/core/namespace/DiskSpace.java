package io.vecstore.core.namespace;

import io.vecstore.core.error.UnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory's free space, read by the maintenance thread and checked by every write: a
 * write is refused (507) while less than the configured minimum is free, so the disk never fills
 * in the middle of a Lucene flush.
 *
 * <p>Thread-safety: safe for concurrent use; the figure is a volatile read.
 */
final class DiskSpace {

  private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);

  private final Path root;
  private final long minFreeBytes;
  private volatile long freeBytes = Long.MAX_VALUE;

  DiskSpace(Path root, long minFreeBytes) {
    this.root = root;
    this.minFreeBytes = minFreeBytes;
  }

  void refresh() {
    try {
      freeBytes = Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      LOG.warn("Cannot read free space of {}: {}", root, e.toString());
    }
  }

  /** Throws insufficient storage while less than the minimum is free. */
  void check() {
    long free = freeBytes;
    if (free < minFreeBytes) {
      throw UnavailableException.insufficientStorage(free, minFreeBytes);
    }
  }
}
