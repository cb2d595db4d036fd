package io.vecstore.cluster;

/**
 * Supplied by the server: copies one namespace to another node. {@link ClusterNode} only
 * orchestrates; it calls these methods one at a time, on its single move thread
 * ({@code vecstore-cluster-<nodeId>-mover-1}).
 *
 * <p>The order for one move is: {@link #move} (copy while writes continue, then pause writes,
 * copy the tail, return with writes still paused) → the placement is transferred in ZooKeeper
 * (owner = target, epoch + 1) → {@link #moveFinished}. From the return of {@code move} until
 * {@code moveFinished}, the {@link WriteFence} refuses writes of the namespace on this node.
 *
 * <p>Implementations must be safe to call from that one thread while the server's request
 * threads keep serving.
 */
public interface MoveExecutor {

  /**
   * Copies the namespace to {@code target} (snapshot copy + WAL tail). Writes keep being served
   * during the copy; before returning, pause them (drain the in-flight ones), copy the last of the
   * WAL, and return with writes still paused, so that every acknowledged write is on the target.
   * Reads must keep being served here throughout. Throw to abandon the move; the placement then
   * goes back to owned by this node and {@link #moveFinished} is called with false.
   *
   * @param epoch the ownership epoch of this node; the target owns the namespace at epoch + 1
   */
  void move(String namespaceId, NodeInfo target, long epoch) throws Exception;

  /**
   * Asked after {@link #move} returned: whether this node's copy stays as an in-sync replica of
   * the target (it holds every record the target holds, in the same numbering, and the target is
   * ready to ship it what comes next). If so, the transfer keeps this node as a replica in sync,
   * so a replicated namespace never loses its in-sync copy by moving. Default: no. Throw to
   * abandon the move (the target stopped answering: it must not be given the namespace).
   */
  default boolean staysInSync(String namespaceId, NodeInfo target, long epoch) throws Exception {
    return false;
  }

  /**
   * The move is over. {@code transferred}: the target owns the namespace now; resume the paused
   * writes (they now route to the target) and drop or keep the local copy as the server likes.
   * Otherwise this node still owns it: resume writes here. Must not throw.
   */
  default void moveFinished(String namespaceId, NodeInfo target, boolean transferred) {}
}
