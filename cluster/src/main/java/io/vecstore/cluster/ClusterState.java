package io.vecstore.cluster;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * This node's parsed view of the nodes and placements znodes, fed by the CuratorCache listeners
 * and by fresh reads. Placement observations are applied in zxid order: an older one never
 * replaces a newer one, whichever path it came by. Thread-safe.
 */
final class ClusterState {

  private final String selfId;
  private final Map<String, NodeInfo> nodes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, StoredPlacement> placements = new ConcurrentHashMap<>();
  private final List<BiConsumer<Placement, Placement>> placementListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> membershipListeners = new CopyOnWriteArrayList<>();

  ClusterState(String selfId) {
    this.selfId = selfId;
  }

  String selfId() {
    return selfId;
  }

  /** Called with (before or null, after) for every applied placement change, on the thread that applied it. */
  void onPlacement(BiConsumer<Placement, Placement> listener) {
    placementListeners.add(listener);
  }

  /** Called after a node joined, left, or changed anything but its load (loads change all the time). */
  void onMembership(Runnable listener) {
    membershipListeners.add(listener);
  }

  NodeInfo node(String nodeId) {
    return nodes.get(nodeId);
  }

  int nodeCount() {
    return nodes.size();
  }

  Map<String, NodeInfo> nodes() {
    return Map.copyOf(nodes);
  }

  void putNode(NodeInfo node) {
    NodeInfo previous = nodes.put(node.nodeId(), node);
    if (previous == null || !previous.withLoad(node.load()).equals(node)) {
      membershipListeners.forEach(Runnable::run);
    }
  }

  void removeNode(String nodeId) {
    if (nodes.remove(nodeId) != null) {
      membershipListeners.forEach(Runnable::run);
    }
  }

  Placement placement(String namespaceId) {
    StoredPlacement stored = placements.get(namespaceId);
    return stored == null ? null : stored.placement();
  }

  StoredPlacement stored(String namespaceId) {
    return placements.get(namespaceId);
  }

  /** Applies the observation unless a newer one is already known; returns whether it applied. */
  boolean apply(StoredPlacement observed) {
    String id = observed.placement().namespaceId();
    boolean[] applied = {false};
    StoredPlacement[] before = {null};
    placements.compute(id, (key, current) -> {
      if (observed.notOlderThan(current)) {
        applied[0] = current == null || !current.equals(observed);
        before[0] = current;
        return observed;
      }
      return current;
    });
    if (applied[0]) {
      Placement previous = before[0] == null ? null : before[0].placement();
      placementListeners.forEach(listener -> listener.accept(previous, observed.placement()));
    }
    return applied[0];
  }

  /** Forgets the namespace if what is known is not newer than the deleted znode. */
  void delete(String namespaceId, long deletedZxid) {
    placements.computeIfPresent(namespaceId, (key, current) -> current.modifiedZxid() <= deletedZxid ? null : current);
  }

  Map<String, Placement> placements() {
    Map<String, Placement> copy = new HashMap<>();
    placements.forEach((id, stored) -> copy.put(id, stored.placement()));
    return copy;
  }

  /** Namespaces per live node, counting what the placements say (fresher than published loads). */
  Map<String, Integer> ownedCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (StoredPlacement stored : placements.values()) {
      counts.merge(stored.placement().owner(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * The eligible node with the least load: fewest vectors, then storage bytes (as published,
   * plus what {@code added} says was given to it since), then fewest placements (as the
   * placements say now, fresher than published counts), then the smallest id; null if none.
   */
  NodeInfo leastLoaded(Predicate<NodeInfo> eligible, Map<String, NamespaceLoad> added) {
    Map<String, Integer> counts = ownedCounts();
    Comparator<NodeInfo> order = Comparator
        .comparingLong((NodeInfo n) -> n.load().vectors() + added.getOrDefault(n.nodeId(), NamespaceLoad.EMPTY).vectors())
        .thenComparingLong(n -> n.load().storageBytes() + added.getOrDefault(n.nodeId(), NamespaceLoad.EMPTY).storageBytes())
        .thenComparingInt(n -> counts.getOrDefault(n.nodeId(), 0))
        .thenComparing(NodeInfo::nodeId);
    return nodes.values().stream().filter(eligible).min(order).orElse(null);
  }

  ClusterView snapshot(boolean selfIsLeader) {
    return new ClusterView(selfId, selfIsLeader, nodes, placements());
  }
}
