package io.vecstore.core.namespace;

import java.time.Duration;
import java.util.Objects;

/**
 * Node-wide limits that keep many namespaces cheap: idle namespaces are closed, and the server as
 * a whole refuses to grow past what its memory, file handles and disk can hold.
 *
 * @param maxOpenNamespaces namespaces kept open (IndexWriter, searcher, log) at once; the least
 *     recently used beyond this are committed and closed in the background
 * @param idleClose a namespace unused this long is closed
 * @param ramBudgetBytes indexing buffers of all open namespaces together; above it the largest
 *     buffers are flushed to disk
 * @param maxNamespaces namespaces this server holds at most
 * @param minFreeDiskBytes writes are refused while the data directory's file system has less free
 */
public record Capacity(
    int maxOpenNamespaces, Duration idleClose, long ramBudgetBytes, int maxNamespaces, long minFreeDiskBytes) {

  public Capacity {
    if (maxOpenNamespaces < 1) {
      throw new IllegalArgumentException("maxOpenNamespaces must be at least 1, got: " + maxOpenNamespaces);
    }
    Objects.requireNonNull(idleClose, "idleClose");
    if (idleClose.isNegative() || idleClose.isZero()) {
      throw new IllegalArgumentException("idleClose must be positive, got: " + idleClose);
    }
    if (ramBudgetBytes < 1 || maxNamespaces < 1 || minFreeDiskBytes < 0) {
      throw new IllegalArgumentException("capacity limits must be positive: " + ramBudgetBytes + ", " + maxNamespaces
          + ", " + minFreeDiskBytes);
    }
  }

  public static Capacity defaults() {
    return new Capacity(256, Duration.ofMinutes(5), 1024L * 1024 * 1024, 100_000, 256L * 1024 * 1024);
  }
}
