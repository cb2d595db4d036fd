package io.vecstore.cluster;

/**
 * Decides where a namespace's requests are served, from this node's cached view (no ZooKeeper
 * round trip). During a move the source stays the owner until the transfer, so reads keep being
 * served by it and never fail for the move.
 *
 * <p>A request that already carries {@link Forwarder#FORWARDED_BY} must never be forwarded
 * again: when {@link #route} is not {@link Route.Local} for it, call {@link #routeFresh}
 * (the sender may have a newer view); serve it if that says Local, else answer 503
 * {@code not_owner} with Retry-After (404 for {@link Route.Unplaced}).
 *
 * <p>Thread-safe. Owned by {@link ClusterNode}.
 */
public final class Router {

  private final ClusterState state;
  private final Placements placements;

  Router(ClusterState state, Placements placements) {
    this.state = state;
    this.placements = placements;
  }

  /** The route by the cached view. */
  public Route route(String namespaceId) {
    return routeOf(state.placement(namespaceId));
  }

  /**
   * The route after reading the placement from ZooKeeper (one round trip; the read also updates
   * the cached view and so the fence). For forwarded requests whose cached route disagrees.
   *
   * @throws ClusterUnavailableException ZooKeeper did not answer
   */
  public Route routeFresh(String namespaceId) {
    StoredPlacement stored = placements.readSynced(namespaceId);
    // The view keeps the newest of what it had and what was read.
    return stored == null ? new Route.Unplaced() : route(namespaceId);
  }

  private Route routeOf(Placement placement) {
    if (placement == null) {
      return new Route.Unplaced();
    }
    if (placement.owner().equals(state.selfId())) {
      return new Route.Local(placement.epoch());
    }
    NodeInfo owner = state.node(placement.owner());
    if (owner == null) {
      return new Route.OwnerDown(placement.owner());
    }
    return new Route.Remote(owner.nodeId(), owner.advertiseUrl(), owner.grpcAddress());
  }
}
