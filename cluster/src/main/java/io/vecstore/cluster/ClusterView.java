package io.vecstore.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of the cluster as this node's caches saw it: the live nodes with their
 * published loads, and every namespace's placement. For {@code GET /admin/cluster} and for
 * cluster-wide listings; routing uses {@link Router}, which reads the caches without copying.
 *
 * <p>Immutable and thread-safe. Maps are sorted by id.
 *
 * @param selfId this node's id
 * @param selfIsLeader whether this node held the balancer's leadership when the view was taken
 * @param nodes live nodes by id
 * @param placements placements by namespace id, including those of nodes that are not live
 */
public record ClusterView(
    String selfId, boolean selfIsLeader, Map<String, NodeInfo> nodes, Map<String, Placement> placements) {

  public ClusterView {
    Ids.requireNodeId("selfId", selfId);
    nodes = Collections.unmodifiableMap(new TreeMap<>(nodes));
    placements = Collections.unmodifiableMap(new TreeMap<>(placements));
  }

  /** The live node with this id, or null. */
  public NodeInfo node(String nodeId) {
    return nodes.get(nodeId);
  }

  /** The namespace's placement, or null when it is not placed (does not exist). */
  public Placement placement(String namespaceId) {
    return placements.get(namespaceId);
  }

  /** Ids of the namespaces owned by the node, sorted. */
  public List<String> namespacesOf(String nodeId) {
    List<String> ids = new ArrayList<>();
    for (Placement placement : placements.values()) {
      if (placement.owner().equals(nodeId)) {
        ids.add(placement.namespaceId());
      }
    }
    return List.copyOf(ids);
  }

  /** Placements whose owner is not live: their namespaces answer 503 until the owner returns. */
  public List<Placement> orphaned() {
    List<Placement> orphans = new ArrayList<>();
    for (Placement placement : placements.values()) {
      if (!nodes.containsKey(placement.owner())) {
        orphans.add(placement);
      }
    }
    return List.copyOf(orphans);
  }
}
