package io.vecstore.cluster;

import java.net.URI;

/**
 * Whether this node may acknowledge a write of a namespace now. Immutable and thread-safe.
 */
public sealed interface FenceResult {

  /** This node owns the namespace at {@code epoch} and is in contact with ZooKeeper. */
  record Allowed(long epoch) implements FenceResult {}

  /**
   * Refuse the write: answer 503 with code {@code not_owner} and {@code Retry-After:
   * retryAfterSeconds}. {@code ownerUrl} is where the namespace is (or is going), when known and
   * live; else null.
   */
  record NotOwner(URI ownerUrl, int retryAfterSeconds) implements FenceResult {
    public NotOwner {
      if (retryAfterSeconds < 1) {
        throw new IllegalArgumentException("retryAfterSeconds must be at least 1, got: " + retryAfterSeconds);
      }
    }
  }
}
