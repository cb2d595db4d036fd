package io.vecstore.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Node-wide limits that keep many namespaces cheap: idle namespaces are closed, and the server as
 * a whole refuses to grow past what its memory, file handles and disk can hold. Indexing buffers
 * need no budget of their own: every written namespace is refreshed (its buffers flushed) each
 * refresh interval, and each writer's buffer is capped by its RAM buffer size.
 *
 * @param maxOpenNamespaces namespaces kept open (IndexWriter, searcher, log) at once; the least
 *     recently used beyond this are committed and closed in the background
 * @param idleClose a namespace unused this long is closed
 * @param maxNamespaces namespaces this server holds at most
 * @param minFreeDiskBytes writes are refused while the data directory's file system has less free
 */
public record Capacity(
    int maxOpenNamespaces, Duration idleClose, int maxNamespaces, long minFreeDiskBytes) {

  public Capacity {
    if (maxOpenNamespaces < 1) {
      throw new IllegalArgumentException("maxOpenNamespaces must be at least 1, got: " + maxOpenNamespaces);
    }
    Objects.requireNonNull(idleClose, "idleClose");
    if (idleClose.isNegative() || idleClose.isZero()) {
      throw new IllegalArgumentException("idleClose must be positive, got: " + idleClose);
    }
    if (maxNamespaces < 1 || minFreeDiskBytes < 0) {
      throw new IllegalArgumentException(
          "maxNamespaces must be positive and minFreeDiskBytes not negative, got: " + maxNamespaces + ", " + minFreeDiskBytes);
    }
  }

  public static Capacity defaults() {
    return new Capacity(256, Duration.ofMinutes(5), 100_000, 256L * 1024 * 1024);
  }
}
