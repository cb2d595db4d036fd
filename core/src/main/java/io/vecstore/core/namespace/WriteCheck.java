package io.vecstore.core.namespace;

/**
 * Whether this server may write a namespace right now: asked before every write of a namespace
 * (upserts, deletes, quota, status and key changes, restores, deleting it) and again after the
 * write is applied and durable, before it is acknowledged. A single server always may
 * ({@link #ALWAYS}); in cluster mode the server plugs in its ownership check, which throws
 * {@link io.vecstore.core.error.UnavailableException#notOwner} to refuse. A write refused after it
 * was applied is not acknowledged: the caller gets the error, and the write stays only in this
 * server's copy.
 *
 * <p>Implementations must be thread-safe and cheap (no I/O): they run on every write.
 */
@FunctionalInterface
public interface WriteCheck {

  /** Every write allowed: a server that is not part of a cluster. */
  WriteCheck ALWAYS = namespaceId -> { };

  /** Throws to refuse the write (or its acknowledgment); returns normally to allow it. */
  void check(String namespaceId);

  /**
   * Whether this server owns a namespace it had handed off again (cluster mode: a copy kept as a
   * replica after a move was promoted); its writes then pass the gate once more. Never on a
   * single server.
   */
  default boolean ownsAgain(String namespaceId) {
    return false;
  }

  /**
   * After a write of the namespace is applied and durable here, before the second {@link #check}
   * and the acknowledgment: {@code lastLoggedSeq} is the namespace's last log record then (-1
   * without a log), which covers this write. Cluster mode confirms the write on the namespace's
   * in-sync replicas here, so unlike {@link #check} it may block (bounded by the replicas'
   * timeout). Throws to refuse the acknowledgment.
   */
  default void confirm(String namespaceId, long lastLoggedSeq) {}
}
