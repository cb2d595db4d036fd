package io.vecstore.cluster;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The check the server makes before acknowledging each write of a namespace: allowed only while
 * this node is in verified contact with ZooKeeper and its view says it owns the namespace (at the
 * epoch the write started under, when given) and the namespace is not in the last step of a move.
 *
 * <p>Closed at once, for every namespace, when the connection is SUSPENDED or LOST, and whenever
 * the ZooKeeper client is not connected; reopened after a RECONNECTED only once the placements of
 * the namespaces this node owns were read again from ZooKeeper. See {@code package-info} for what
 * this guarantees and what it cannot.
 *
 * <p>Thread-safe and cheap (a few volatile and map reads). Owned by {@link ClusterNode}.
 */
public final class WriteFence {

  /** Retry-After when the namespace is elsewhere or moving: the new owner is known in ~1 s. */
  static final int RETRY_MOVED_SECONDS = 1;
  /** Retry-After while this node is out of touch with ZooKeeper. */
  static final int RETRY_DISCONNECTED_SECONDS = 2;

  private final ClusterState state;
  private final BooleanSupplier connected;
  private final Set<String> sealed = ConcurrentHashMap.newKeySet();
  private long generation;
  private boolean retired;
  private volatile boolean open;

  WriteFence(ClusterState state, BooleanSupplier connected) {
    this.state = state;
    this.connected = connected;
  }

  /** May this node acknowledge a write of the namespace now? */
  public FenceResult check(String namespaceId) {
    return check(namespaceId, -1);
  }

  /**
   * Like {@link #check(String)}, but also refuses unless the ownership epoch is still
   * {@code expectedEpoch} (the epoch of the {@link Route.Local} the write was routed under), so a
   * write begun before the namespace moved away and back is not acknowledged.
   */
  public FenceResult check(String namespaceId, long expectedEpoch) {
    Placement placement = state.placement(namespaceId);
    if (!open || !connected.getAsBoolean()) {
      return new FenceResult.NotOwner(ownerUrl(placement), RETRY_DISCONNECTED_SECONDS);
    }
    if (placement == null || !placement.owner().equals(state.selfId())) {
      return new FenceResult.NotOwner(ownerUrl(placement), RETRY_MOVED_SECONDS);
    }
    if (sealed.contains(namespaceId)) {
      NodeInfo target = placement.target() == null ? null : state.node(placement.target());
      return new FenceResult.NotOwner(target == null ? null : target.advertiseUrl(), RETRY_MOVED_SECONDS);
    }
    if (expectedEpoch >= 0 && placement.epoch() != expectedEpoch) {
      return new FenceResult.NotOwner(null, RETRY_MOVED_SECONDS);
    }
    return new FenceResult.Allowed(placement.epoch());
  }

  /** Whether writes can be allowed at all (connected and verified). */
  public boolean isOpen() {
    return open && connected.getAsBoolean();
  }

  /** Refuses every write until {@link #openIfCurrent}; returns the generation to reopen with. */
  synchronized long close() {
    open = false;
    return ++generation;
  }

  /** Refuses every write from now on: the node left the cluster or is closing. */
  synchronized void retire() {
    retired = true;
    open = false;
    generation++;
  }

  /** Reopens unless the connection changed again since {@code expectedGeneration} was handed out. */
  synchronized boolean openIfCurrent(long expectedGeneration) {
    if (generation == expectedGeneration && !retired) {
      open = true;
    }
    return open;
  }

  /** Refuses writes of the namespace: its data is being handed to the move's target. */
  void seal(String namespaceId) {
    sealed.add(namespaceId);
  }

  void unseal(String namespaceId) {
    sealed.remove(namespaceId);
  }

  private URI ownerUrl(Placement placement) {
    if (placement == null || placement.owner().equals(state.selfId())) {
      return null;
    }
    NodeInfo owner = state.node(placement.owner());
    return owner == null ? null : owner.advertiseUrl();
  }
}
