package io.vecstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BalancerTest {

  private final Balancer balancer = Balancer.standard();

  @Test
  void emptyNamespacesBalanceByCount() {
    List<NodeInfo> nodes = nodes("a", "b", "c");
    Map<String, Placement> placements = new TreeMap<>();
    for (int i = 0; i < 30; i++) {
      placements.put("ns" + i, owned("ns" + i, "a", 1));
    }
    int rounds = runToEnd(nodes, placements, Map.of());
    Map<String, Long> counts = loads(nodes, placements, Map.of());
    // Within 10% of the mean of 10: 9..11 each; the balancer stops as soon as that holds.
    assertTrue(counts.values().stream().allMatch(c -> c >= 9 && c <= 11), counts.toString());
    assertTrue(rounds >= 30 - counts.get("a"), "a sends one move per round; rounds: " + rounds + ", " + counts);
  }

  @Test
  void largeNamespacesCountByTheirVectors() {
    List<NodeInfo> nodes = nodes("a", "b");
    Map<String, Placement> placements = new TreeMap<>();
    Map<String, Long> vectors = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      placements.put("small" + i, owned("small" + i, "b", 1));
    }
    placements.put("big", owned("big", "a", 1));
    placements.put("mid", owned("mid", "a", 1));
    vectors.put("big", 1000L);
    vectors.put("mid", 990L);
    runToEnd(nodes, placements, vectors);
    // a: 1001 + 991 vs b: 10 → moving "mid" (991) gives 1001 vs 1001: balanced.
    assertEquals("b", placements.get("mid").owner());
    assertEquals("a", placements.get("big").owner());
    assertTrue(balancer.isBalanced(loads(nodes, placements, vectors).values()));
  }

  @Test
  void neverMovesANamespaceOntoOneOfItsReplicas() {
    List<NodeInfo> nodes = nodes("a", "b");
    List<Placement> placements = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      placements.add(new Placement("r" + i, "a", 1, Placement.State.OWNED, null, 2, List.of("b"), List.of("b")));
    }
    assertEquals(List.of(), balancer.plan(nodes, placements, Map.of()), "the only lighter node holds every replica");
    placements.add(owned("plain", "a", 1));
    assertEquals(List.of("plain"), balancer.plan(nodes, placements, Map.of()).stream().map(Move::namespaceId).toList());
  }

  @Test
  void balancedClusterPlansNothing() {
    List<NodeInfo> nodes = nodes("a", "b");
    List<Placement> placements = List.of(owned("x", "a", 1), owned("y", "b", 1), owned("z", "b", 3));
    // 1 vs 2 is 33% off the mean, but moving one empty namespace only swaps the imbalance.
    assertEquals(List.of(), balancer.plan(nodes, placements, Map.of()));
  }

  @Test
  void neverMovesAMovingNamespaceAndItsSourceWaits() {
    List<NodeInfo> nodes = nodes("a", "b", "c");
    List<Placement> placements = new ArrayList<>();
    placements.add(new Placement("moving", "a", 4, Placement.State.MOVING, "b"));
    for (int i = 0; i < 9; i++) {
      placements.add(owned("a" + i, "a", 1));
    }
    List<Move> moves = balancer.plan(nodes, placements, Map.of());
    assertTrue(moves.stream().noneMatch(m -> m.namespaceId().equals("moving")), moves.toString());
    assertTrue(moves.stream().noneMatch(m -> m.from().equals("a")), "a already has a move running: " + moves);
  }

  @Test
  void leavingNodesAreNeitherTargetsNorCounted() {
    List<NodeInfo> nodes = List.of(node("a", false), node("b", false), node("c", true));
    List<Placement> placements = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      placements.add(owned("a" + i, "a", 1));
    }
    List<Move> moves = balancer.plan(nodes, placements, Map.of());
    assertEquals(1, moves.size(), moves.toString());
    assertEquals("b", moves.get(0).to());
  }

  @Test
  void rejectsBadSettings() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new Balancer(1.5, 1));
    assertEquals("tolerance must be in (0, 1), got: 1.5", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Balancer(0.1, 0));
    assertEquals("maxMovesPerSource must be at least 1, got: 0", e.getMessage());
  }

  /**
   * Random clusters, some namespaces already moving: the first round never touches those nor
   * their sources and sends at most one move per source; after the rounds run out every node is
   * within 10% of the mean, or no single move of any namespace could lower the imbalance.
   */
  @Test
  void randomClustersEndBalancedOrWithNoImprovingMove() {
    long seed = new Random().nextLong();
    System.out.println("BalancerTest seed: " + seed);
    Random random = new Random(seed);
    for (int trial = 0; trial < 300; trial++) {
      int nodeCount = 2 + random.nextInt(7);
      List<NodeInfo> nodes = new ArrayList<>();
      for (int n = 0; n < nodeCount; n++) {
        nodes.add(node("n" + n, false));
      }
      Map<String, Placement> placements = new TreeMap<>();
      Map<String, Long> vectors = new HashMap<>();
      int nsCount = random.nextInt(120);
      boolean skewed = random.nextBoolean();
      for (int i = 0; i < nsCount; i++) {
        String id = "ns" + i;
        // Skewed clusters put most namespaces on one node.
        String owner = skewed && random.nextInt(4) > 0 ? "n0" : "n" + random.nextInt(nodeCount);
        String target = "n" + random.nextInt(nodeCount);
        boolean moving = random.nextInt(15) == 0 && !target.equals(owner);
        placements.put(id, new Placement(id, owner, 1 + random.nextInt(3),
            moving ? Placement.State.MOVING : Placement.State.OWNED, moving ? target : null));
        if (random.nextInt(3) == 0) {
          vectors.put(id, (long) Math.pow(10, random.nextDouble() * 5));
        }
      }
      String context = "seed " + seed + ", trial " + trial;
      List<Move> first = balancer.plan(nodes, placements.values(), vectors);
      Set<String> sources = new HashSet<>();
      for (Move move : first) {
        Placement p = placements.get(move.namespaceId());
        assertFalse(p.isMoving(), context + ": moved a moving namespace " + p);
        assertEquals(p.owner(), move.from(), context);
        assertTrue(sources.add(move.from()), context + ": two moves from " + move.from() + ": " + first);
        assertTrue(placements.values().stream().noneMatch(q -> q.isMoving() && q.owner().equals(move.from())),
            context + ": source " + move.from() + " already has a move running");
      }
      apply(placements, first);
      // The moves already running finish too.
      placements.replaceAll((id, p) -> p.isMoving() ? p.transferredTo(p.target()) : p);
      runToEnd(nodes, placements, vectors);
      Map<String, Long> loads = loads(nodes, placements, vectors);
      if (!balancer.isBalanced(loads.values())) {
        for (Placement p : placements.values()) {
          long weight = Balancer.weight(vectors.getOrDefault(p.namespaceId(), 0L));
          for (String to : loads.keySet()) {
            if (weight < loads.get(p.owner()) - loads.get(to)) {
              fail(context + ": unbalanced " + loads + " yet moving " + p.namespaceId() + " (" + weight
                  + ") from " + p.owner() + " to " + to + " would improve it");
            }
          }
        }
      }
    }
  }

  private int runToEnd(List<NodeInfo> nodes, Map<String, Placement> placements, Map<String, Long> vectors) {
    for (int round = 0; round < 10_000; round++) {
      List<Move> moves = balancer.plan(nodes, placements.values(), vectors);
      if (moves.isEmpty()) {
        return round;
      }
      apply(placements, moves);
    }
    throw new AssertionError("the balancer did not settle in 10000 rounds");
  }

  private static void apply(Map<String, Placement> placements, List<Move> moves) {
    for (Move move : moves) {
      placements.put(move.namespaceId(), placements.get(move.namespaceId()).transferredTo(move.to()));
    }
  }

  private static Map<String, Long> loads(List<NodeInfo> nodes, Map<String, Placement> placements, Map<String, Long> vectors) {
    Map<String, Long> loads = new TreeMap<>();
    nodes.forEach(n -> loads.put(n.nodeId(), 0L));
    placements.values().forEach(p ->
        loads.merge(p.owner(), Balancer.weight(vectors.getOrDefault(p.namespaceId(), 0L)), Long::sum));
    return loads;
  }

  private static List<NodeInfo> nodes(String... ids) {
    return java.util.Arrays.stream(ids).map(id -> node(id, false)).toList();
  }

  static NodeInfo node(String id, boolean leaving) {
    return new NodeInfo(id, URI.create("http://127.0.0.1:9000"), null, Load.EMPTY, Instant.EPOCH, leaving);
  }

  private static Placement owned(String id, String owner, long epoch) {
    return new Placement(id, owner, epoch, Placement.State.OWNED, null);
  }
}
