package io.vecstore.server.cluster;

import io.vecstore.cluster.FenceResult;
import io.vecstore.cluster.WriteFence;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.namespace.WriteCheck;

/**
 * The cluster's answer to core's {@link WriteCheck}: a write of a namespace is allowed, and
 * acknowledged, only while the {@link WriteFence} says this node owns it, in verified contact
 * with ZooKeeper, at the ownership epoch the request was routed under (set per request thread by
 * the REST and gRPC routing, see {@link #routedAt}). Otherwise 503 {@code not_owner} with the
 * fence's Retry-After.
 *
 * <p>Thread-safe; the epoch is per thread and set again by every routed request.
 */
final class OwnershipCheck implements WriteCheck {

  private final ThreadLocal<long[]> epoch = ThreadLocal.withInitial(() -> new long[] {-1});
  private volatile WriteFence fence;
  private volatile ReplicaShipping replicas;

  /** Writes of replicated namespaces are confirmed by their in-sync replicas from now on. */
  void replicatedBy(ReplicaShipping shipping) {
    this.replicas = shipping;
  }

  @Override
  public boolean ownsAgain(String namespaceId) {
    WriteFence f = fence;
    return f != null && f.check(namespaceId) instanceof FenceResult.Allowed;
  }

  @Override
  public void confirm(String namespaceId, long lastLoggedSeq) {
    ReplicaShipping shipping = replicas;
    if (shipping != null) {
      shipping.confirm(namespaceId, lastLoggedSeq);
    }
  }

  /** Writes are refused until the node has joined. */
  void joined(WriteFence joinedFence) {
    this.fence = joinedFence;
  }

  /** The request on this thread was routed here at {@code routedEpoch} (-1: no epoch known). */
  void routedAt(long routedEpoch) {
    epoch.get()[0] = routedEpoch;
  }

  @Override
  public void check(String namespaceId) {
    WriteFence f = fence;
    if (f == null) {
      throw UnavailableException.notOwner(namespaceId, "this node has not joined the cluster yet", 2);
    }
    long expected = epoch.get()[0];
    FenceResult result = expected >= 0 ? f.check(namespaceId, expected) : f.check(namespaceId);
    if (result instanceof FenceResult.NotOwner refused) {
      String reason = !f.isOpen() ? "this node is out of contact with ZooKeeper"
          : refused.ownerUrl() != null ? "it is owned by (or moving to) " + refused.ownerUrl()
          : "this node does not own it (any more)";
      throw UnavailableException.notOwner(namespaceId, reason, refused.retryAfterSeconds());
    }
  }
}
