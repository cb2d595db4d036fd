package io.vecstore.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's replica work, run after every membership change and every second:
 *
 * <ul>
 *   <li><b>Failover</b>: a namespace whose owner has no live node znode is given to one of its
 *       in-sync replicas that is live ({@link Placements#promote}: the epoch grows, the old
 *       owner's absence is checked in the same transaction). Without a live in-sync replica it
 *       waits for the owner (503 {@code owner_down} meanwhile).
 *   <li><b>Assignment</b>: a namespace owned by a live node gets {@code replication_factor - 1}
 *       replicas on live, non-leaving nodes other than the owner (those holding the fewest copies
 *       first); replicas on nodes that are gone or leaving are unassigned (and so out of sync).
 *       The owner builds each new replica's copy and marks it in sync.
 * </ul>
 *
 * Every change is a versioned write of the placement, so a plan made on a stale view fails
 * harmlessly and is made again from the next view. Runs on the node's scheduler thread;
 * thread-safe.
 */
final class ReplicaDuties {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaDuties.class);

  private final ClusterState state;
  private final Placements placements;
  private final Set<String> reportedStuck = ConcurrentHashMap.newKeySet();

  ReplicaDuties(ClusterState state, Placements placements) {
    this.state = state;
    this.placements = placements;
  }

  void run() {
    Map<String, NodeInfo> live = state.nodes();
    // Failover first, all of a dead owner's namespaces in one transaction: they are unavailable.
    Map<String, Map<String, String>> promotions = new HashMap<>();
    for (Placement p : state.placements().values()) {
      if (!live.containsKey(p.owner())) {
        String to = promotionTarget(p, live);
        if (to != null) {
          promotions.computeIfAbsent(p.owner(), o -> new HashMap<>()).put(p.namespaceId(), to);
        }
      }
    }
    try {
      promotions.forEach((owner, byNamespace) -> {
        long start = System.nanoTime();
        List<String> promoted = placements.promoteAll(owner, byNamespace);
        for (String id : promoted) {
          reportedStuck.remove(id);
          LOG.info("Namespace {}: owner {} is down; promoted in-sync replica {}", id, owner, byNamespace.get(id));
        }
        LOG.info("Owner {} is down: promoted {} of its {} namespaces with a live in-sync replica in {} ms", owner,
            promoted.size(), byNamespace.size(), (System.nanoTime() - start) / 1_000_000);
      });
    } catch (ClusterUnavailableException e) {
      LOG.debug("failover waits for ZooKeeper: {}", e.getMessage());
      return;
    }
    Map<String, Integer> copies = copiesPerNode();
    for (Placement p : state.placements().values()) {
      try {
        if (live.containsKey(p.owner()) && !p.isMoving()) {
          assign(p, live, copies);
        }
      } catch (ClusterUnavailableException e) {
        LOG.debug("replica duties for {} wait for ZooKeeper: {}", p.namespaceId(), e.getMessage());
        return;
      } catch (RuntimeException e) {
        LOG.warn("replica duties for {} failed; the next round retries", p.namespaceId(), e);
      }
    }
  }

  /** A live in-sync replica to promote (a non-leaving one first), or null: then the namespace waits for its owner. */
  private String promotionTarget(Placement p, Map<String, NodeInfo> live) {
    String to = p.inSync().stream().filter(r -> live.containsKey(r) && !live.get(r).leaving()).findFirst()
        .orElse(p.inSync().stream().filter(live::containsKey).findFirst().orElse(null));
    if (to == null && p.replicationFactor() > 1 && reportedStuck.add(p.namespaceId())) {
      LOG.warn("Namespace {}: owner {} is down and no in-sync replica is live (in sync: {}); it waits for the owner",
          p.namespaceId(), p.owner(), p.inSync());
    }
    return to;
  }

  private void assign(Placement p, Map<String, NodeInfo> live, Map<String, Integer> copies) {
    reportedStuck.remove(p.namespaceId());
    List<String> wanted = wantedReplicas(p, live, copies);
    if (wanted.equals(p.replicas())) {
      return;
    }
    CasResult result = placements.updateCopies(p.namespaceId(), p.owner(), p.epoch(), current -> {
      List<String> next = wantedReplicas(current, live, copies);
      List<String> inSync = current.inSync().stream().filter(next::contains).toList();
      return current.withCopies(current.replicationFactor(), next, inSync);
    });
    if (result instanceof CasResult.Done done) {
      for (String r : done.placement().replicas()) {
        if (!p.replicas().contains(r)) {
          copies.merge(r, 1, Integer::sum);
        }
      }
      LOG.info("Namespace {}: replicas {} (were {}; in sync {})", p.namespaceId(), done.placement().replicas(), p.replicas(),
          done.placement().inSync());
    }
  }

  /** The replicas a placement should have: its live ones (in-sync first), topped up or trimmed to the factor. */
  private static List<String> wantedReplicas(Placement p, Map<String, NodeInfo> live, Map<String, Integer> copies) {
    int want = Math.min(p.replicationFactor() - 1,
        (int) live.values().stream().filter(n -> !n.leaving() && !n.nodeId().equals(p.owner())).count());
    List<String> keep = new ArrayList<>();
    for (String r : p.inSync()) {
      if (usable(r, live) && keep.size() < want) {
        keep.add(r);
      }
    }
    for (String r : p.replicas()) {
      if (!keep.contains(r) && usable(r, live) && keep.size() < want) {
        keep.add(r);
      }
    }
    List<NodeInfo> candidates = live.values().stream()
        .filter(n -> !n.leaving() && !n.nodeId().equals(p.owner()) && !keep.contains(n.nodeId()))
        .sorted(Comparator.comparingInt((NodeInfo n) -> copies.getOrDefault(n.nodeId(), 0)).thenComparing(NodeInfo::nodeId))
        .toList();
    for (NodeInfo n : candidates) {
      if (keep.size() >= want) {
        break;
      }
      keep.add(n.nodeId());
    }
    // Keep the stored order for the ones kept, so an unchanged set is not rewritten.
    List<String> ordered = new ArrayList<>(p.replicas().stream().filter(keep::contains).toList());
    keep.stream().filter(r -> !ordered.contains(r)).forEach(ordered::add);
    return ordered;
  }

  private static boolean usable(String nodeId, Map<String, NodeInfo> live) {
    NodeInfo n = live.get(nodeId);
    return n != null && !n.leaving();
  }

  private Map<String, Integer> copiesPerNode() {
    Map<String, Integer> copies = new HashMap<>();
    for (Placement p : state.placements().values()) {
      copies.merge(p.owner(), 1, Integer::sum);
      p.replicas().forEach(r -> copies.merge(r, 1, Integer::sum));
    }
    return copies;
  }
}
