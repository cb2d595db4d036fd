package io.vecstore.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plans namespace moves that even out the load of the live nodes. A pure function of its inputs.
 *
 * <p><b>Load.</b> A namespace weighs {@code 1 + vectors} (its vectors as last published by any
 * node; 0 when unknown). A node's load is the sum of the weights of the namespaces it owns. The
 * 1 makes empty namespaces count, so a cluster of empty namespaces balances by namespace count,
 * and a large namespace counts by its vectors. Storage bytes are not weighed (they follow
 * vectors). Only live nodes that are not leaving take part; namespaces of other nodes are left
 * where they are.
 *
 * <p><b>Balanced</b> means every node's load is within {@code tolerance} (10%) of the mean. A
 * move from node s to node t of a namespace of weight w <i>improves</i> the balance when
 * {@code w < load(s) - load(t)}: it then strictly lowers the sum of squared loads, so planning
 * rounds always end. Each round, the most loaded node with an improving move sends the namespace
 * that best halves its gap to the least loaded node, until the cluster is balanced or no source
 * has an improving move.
 *
 * <p><b>Bounds.</b> A namespace already moving is never moved; it counts at its target (where it
 * will be), and its source sends nothing else this round. A node is the source of at most
 * {@code maxMovesPerSource} planned moves per round.
 *
 * <p>Immutable and thread-safe.
 */
public final class Balancer {

  private final double tolerance;
  private final int maxMovesPerSource;

  /**
   * @param tolerance how far from the mean a node's load may be, as a fraction (0.10 = 10%)
   * @param maxMovesPerSource how many moves one node may be the source of at a time
   */
  public Balancer(double tolerance, int maxMovesPerSource) {
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be in (0, 1), got: " + tolerance);
    }
    if (maxMovesPerSource < 1) {
      throw new IllegalArgumentException("maxMovesPerSource must be at least 1, got: " + maxMovesPerSource);
    }
    this.tolerance = tolerance;
    this.maxMovesPerSource = maxMovesPerSource;
  }

  /** Within 10%, one move per source. */
  public static Balancer standard() {
    return new Balancer(0.10, 1);
  }

  /** The weight of a namespace with this many vectors. */
  public static long weight(long vectors) {
    return 1 + vectors;
  }

  /**
   * Plans this round's moves.
   *
   * @param nodes the live nodes (leaving ones take no part)
   * @param placements every placement
   * @param namespaceVectors vectors per namespace id, as published; missing ids weigh as empty
   */
  public List<Move> plan(Collection<NodeInfo> nodes, Collection<Placement> placements, Map<String, Long> namespaceVectors) {
    Map<String, Long> load = new TreeMap<>();
    for (NodeInfo node : nodes) {
      if (!node.leaving()) {
        load.put(node.nodeId(), 0L);
      }
    }
    if (load.size() < 2) {
      return List.of();
    }
    Map<String, Integer> budget = new HashMap<>();
    Map<String, List<Placement>> movable = new HashMap<>();
    for (Placement p : placements) {
      long weight = weight(namespaceVectors.getOrDefault(p.namespaceId(), 0L));
      if (p.isMoving()) {
        budget.merge(p.owner(), 1, Integer::sum);
        String at = load.containsKey(p.target()) ? p.target() : p.owner();
        load.computeIfPresent(at, (id, l) -> l + weight);
      } else if (load.containsKey(p.owner())) {
        load.computeIfPresent(p.owner(), (id, l) -> l + weight);
        movable.computeIfAbsent(p.owner(), id -> new ArrayList<>()).add(p);
      }
    }
    List<Move> moves = new ArrayList<>();
    while (!isBalanced(load.values())) {
      Move move = bestMove(load, budget, movable, namespaceVectors);
      if (move == null) {
        break;
      }
      long weight = weight(namespaceVectors.getOrDefault(move.namespaceId(), 0L));
      load.merge(move.from(), -weight, Long::sum);
      load.merge(move.to(), weight, Long::sum);
      budget.merge(move.from(), 1, Integer::sum);
      movable.get(move.from()).removeIf(p -> p.namespaceId().equals(move.namespaceId()));
      moves.add(move);
    }
    return List.copyOf(moves);
  }

  /** Whether every load is within the tolerance of their mean. */
  public boolean isBalanced(Collection<Long> loads) {
    if (loads.isEmpty()) {
      return true;
    }
    double mean = loads.stream().mapToLong(Long::longValue).sum() / (double) loads.size();
    double slack = tolerance * mean;
    return loads.stream().allMatch(l -> Math.abs(l - mean) <= slack);
  }

  private Move bestMove(Map<String, Long> load, Map<String, Integer> budget,
      Map<String, List<Placement>> movable, Map<String, Long> vectors) {
    Comparator<Map.Entry<String, Long>> heaviestFirst =
        Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());
    String target = load.entrySet().stream()
        .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow().getKey();
    List<Map.Entry<String, Long>> sources = load.entrySet().stream().sorted(heaviestFirst).toList();
    for (Map.Entry<String, Long> source : sources) {
      long gap = source.getValue() - load.get(target);
      if (gap <= 1 || budget.getOrDefault(source.getKey(), 0) >= maxMovesPerSource) {
        continue;
      }
      Placement best = null;
      long bestMiss = Long.MAX_VALUE;
      for (Placement p : movable.getOrDefault(source.getKey(), List.of())) {
        long weight = weight(vectors.getOrDefault(p.namespaceId(), 0L));
        long miss = Math.abs(gap - 2 * weight);
        // Never onto a node that holds one of its replicas: that copy would be replaced mid-move.
        if (weight < gap && !p.isReplica(target) && (miss < bestMiss || miss == bestMiss && p.namespaceId().compareTo(best.namespaceId()) < 0)) {
          best = p;
          bestMiss = miss;
        }
      }
      if (best != null) {
        return new Move(best.namespaceId(), source.getKey(), target, best.epoch());
      }
    }
    return null;
  }
}
