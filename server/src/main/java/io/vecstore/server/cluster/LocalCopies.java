package io.vecstore.server.cluster;

import io.vecstore.cluster.CasResult;
import io.vecstore.cluster.ClaimResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterView;
import io.vecstore.cluster.Placement;
import io.vecstore.core.namespace.NamespaceManager;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's data directory and the cluster's placements in agreement, at start-up and
 * every few seconds, while the node is in verified contact with ZooKeeper:
 *
 * <ul>
 *   <li>a namespace on disk that no node owns (a server that ran alone before, or a ZooKeeper
 *       whose data was lost) is placed on this node;
 *   <li>a copy of a namespace that another node owns and that does not name this node a replica
 *       (handed off by a move, left by a move that crashed, an unassigned replica) is dropped after a grace of {@link #GRACE_NANOS}, so requests still running on
 *       it finish; an incoming copy of an abandoned move likewise, after {@link #STRAY_NANOS};
 *   <li>an incoming copy that this node owns by now is activated (if the source's word was lost);
 *   <li>a placement of this node without a namespace here (a create that failed after its
 *       placement, a deletion that could not release it) is released once it has been so for
 *       {@link #ORPHAN_NANOS}.
 * </ul>
 *
 * <p>Thread-safe; sweeps run on one scheduler thread.
 */
final class LocalCopies {

  private static final Logger LOG = LoggerFactory.getLogger(LocalCopies.class);
  static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final long STRAY_NANOS = TimeUnit.SECONDS.toNanos(60);
  static final long ORPHAN_NANOS = TimeUnit.SECONDS.toNanos(30);
  /**
   * Held while a local copy is dropped or a replica's copy installed, so that a drop decided on
   * an older view never removes a copy installed a moment ago.
   */
  static final Object COPY_LIFECYCLE = new Object();

  private final NamespaceManager manager;
  private final Supplier<ClusterNode> node;
  private final Map<String, Long> staleSince = new ConcurrentHashMap<>();
  private final Map<String, Long> orphanSince = new ConcurrentHashMap<>();

  LocalCopies(NamespaceManager manager, Supplier<ClusterNode> node) {
    this.manager = manager;
    this.node = node;
  }

  /** A move handed the namespace off: its local copy is dropped after the grace. */
  void handedOff(String namespaceId) {
    staleSince.putIfAbsent(namespaceId, System.nanoTime());
  }

  /** Drops every handed-off copy now (at shutdown, once no request runs any more). */
  void dropHandedOff() {
    for (String id : List.copyOf(staleSince.keySet())) {
      drop(id);
    }
  }

  void sweep() {
    ClusterNode n = node.get();
    if (n == null || !n.fence().isOpen()) {
      return; // only a verified view may decide what to drop
    }
    try {
      sweep(n, n.view());
    } catch (RuntimeException e) {
      LOG.warn("Checking local namespaces against the cluster's placements failed (retried): {}", e.toString());
    }
  }

  private void sweep(ClusterNode n, ClusterView view) {
    String self = n.nodeId();
    long now = System.nanoTime();
    Set<String> local = new HashSet<>(manager.ids());
    for (String id : local) {
      Placement p = view.placement(id);
      boolean incoming = manager.moves().incoming(id);
      if (p == null) {
        if (incoming) {
          dropAfter(id, now, STRAY_NANOS);
        } else if (n.placements().claimOn(id, self) instanceof ClaimResult.Claimed) {
          LOG.info("Namespace {} was on this node's disk and placed nowhere: placed on {}", id, self);
        }
      } else if (p.owner().equals(self)) {
        staleSince.remove(id);
        if (incoming) {
          manager.moves().activate(id, null);
        }
      } else if (p.state() == Placement.State.MOVING && self.equals(p.target())) {
        staleSince.remove(id); // a move to this node in progress
      } else if (p.isReplica(self)) {
        staleSince.remove(id); // a replica's copy
      } else {
        dropAfter(id, now, incoming ? STRAY_NANOS : GRACE_NANOS);
      }
    }
    staleSince.keySet().retainAll(local);
    List<String> mine = view.namespacesOf(self);
    for (String id : mine) {
      Placement p = view.placement(id);
      if (local.contains(id) || p.state() == Placement.State.MOVING) {
        orphanSince.remove(id);
      } else if (now - orphanSince.computeIfAbsent(id, k -> now) > ORPHAN_NANOS
          && !manager.ids().contains(id)
          && n.placements().release(id, p.epoch()) instanceof CasResult.Done) {
        orphanSince.remove(id);
        LOG.warn("Released the placement of namespace {}: owned by {} but not on its disk", id, self);
      }
    }
    orphanSince.keySet().retainAll(new HashSet<>(mine));
  }

  private void dropAfter(String id, long now, long grace) {
    if (now - staleSince.computeIfAbsent(id, k -> now) >= grace) {
      drop(id);
    }
  }

  private void drop(String id) {
    try {
      synchronized (COPY_LIFECYCLE) {
        ClusterNode n = node.get();
        Placement p = n == null ? null : n.placements().cached(id);
        if (p != null && (p.owner().equals(n.nodeId()) || p.isReplica(n.nodeId())
            || p.state() == Placement.State.MOVING && n.nodeId().equals(p.target()))) {
          staleSince.remove(id); // wanted here again by now
          return;
        }
        manager.moves().discard(id);
      }
    } catch (RuntimeException e) {
      LOG.warn("Dropping this node's copy of {} failed (retried): {}", id, e.toString());
      return;
    }
    staleSince.remove(id);
  }
}
