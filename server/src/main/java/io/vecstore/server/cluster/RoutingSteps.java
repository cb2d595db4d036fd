package io.vecstore.server.cluster;

import io.vecstore.cluster.ClaimResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.Placement;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.UnavailableException;

/**
 * The steps of routing a namespace that the REST and the gRPC routing take alike: reading its
 * route fresh from ZooKeeper, claiming the placement of a new namespace, and releasing the
 * placement of one deleted here. Each step turns the cluster's failures into the error the client
 * gets, so both transports answer them the same way.
 *
 * <p>Stateless and thread-safe.
 */
final class RoutingSteps {

  /** Owners a request is sent to, one after another while the namespace keeps moving, before an answer stands. */
  static final int MAX_FORWARDS = 3;

  private RoutingSteps() {}

  /** The route of {@code id} read from ZooKeeper rather than this node's cache. */
  static Route fresh(ClusterNode n, String id) {
    try {
      return n.router().routeFresh(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable to find its owner", 2);
    }
  }

  /** Claims the placement of a new namespace: on the least loaded node, or on this one. */
  static ClaimResult claim(ClusterNode n, String id, boolean onThisNode) {
    return claim(n, id, onThisNode, null);
  }

  /** As above, asking for {@code replicationFactor} copies (null: the cluster's default). */
  static ClaimResult claim(ClusterNode n, String id, boolean onThisNode, Integer replicationFactor) {
    try {
      if (onThisNode) {
        return n.placements().claimOn(id, n.nodeId());
      }
      return replicationFactor == null ? n.placements().claim(id) : n.placements().claim(id, replicationFactor);
    } catch (IllegalArgumentException e) {
      throw new io.vecstore.core.error.InvalidRequestException(e.getMessage());
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "the cluster cannot place it now (" + e.getMessage() + ")", 2);
    }
  }

  /** The placement a claim made or found; without one the id is taken (409). */
  static Placement placement(ClaimResult claim, String id) {
    Placement placement = switch (claim) {
      case ClaimResult.Claimed c -> c.placement();
      case ClaimResult.AlreadyPlaced a -> a.existing();
    };
    if (placement == null) {
      throw new AlreadyExistsException(id);
    }
    return placement;
  }

  /** Releases the placement of a namespace deleted here, when this node still owns it. */
  static void release(ClusterNode n, String id) {
    Placement p = n.placements().cached(id);
    try {
      if (p != null && p.owner().equals(n.nodeId())) {
        n.placements().release(id, p.epoch());
      }
    } catch (ClusterUnavailableException e) {
      // This node's sweep of local copies releases it later (owned here, not on disk).
    }
  }
}
