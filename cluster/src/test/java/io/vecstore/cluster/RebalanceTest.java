package io.vecstore.cluster;

import static io.vecstore.cluster.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RebalanceTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();

  @Test
  void theLeaderMovesNamespacesToAJoiningNodeUntilBalanced() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    ClusterNode c = zk.start("c");
    await(WAIT, () -> a.view().nodes().size() == 3, "a sees all three");
    for (int i = 0; i < 60; i++) {
      zk.create(a, "ns-" + i, 0);
    }
    await(WAIT, () -> counts(c.view()).values().stream().allMatch(n -> n == 20), "claims spread 20 each");

    ClusterNode d = zk.start("d");
    await(WAIT, () -> {
      ClusterView view = d.view();
      Map<String, Long> counts = counts(view);
      return counts.size() == 4 && Balancer.standard().isBalanced(counts.values())
          && view.placements().values().stream().noneMatch(Placement::isMoving);
    }, "balanced within 10% of 15 each: " + counts(d.view()));
    // The view shows a transfer just before the mover reports the move finished.
    await(WAIT, () -> zk.moves.calls.size() == zk.moves.finishes.size(), "every move finished");
    System.out.println("after d joined: " + counts(d.view()) + ", moves: " + zk.moves.finishes.size());
    assertTrue(zk.moves.movesTo("d") >= 14, "d received " + zk.moves.movesTo("d"));
    assertTrue(zk.moves.finishes.stream().allMatch(FakeMoves.Finish::transferred), zk.moves.finishes.toString());
    for (Placement p : d.view().placements().values()) {
      // Each move raised the epoch by one; nothing moved twice in this run except to balance.
      assertTrue(p.epoch() >= 1 && p.epoch() <= 3, p.toString());
    }
    assertTrue(List.of(a, b, c, d).stream().filter(ClusterNode::isLeader).count() <= 1);
  }

  @Test
  void handOffMovesEveryNamespaceAwayThenLeaves() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    ClusterNode c = zk.start("c");
    await(WAIT, () -> a.view().nodes().size() == 3, "a sees all three");
    for (int i = 0; i < 30; i++) {
      zk.create(b, "ns-" + i, 0);
    }
    await(WAIT, () -> a.view().placements().size() == 30, "a sees every placement");
    List<String> mine = a.view().namespacesOf("a");
    assertFalse(mine.isEmpty());

    HandOffReport report = a.handOff(Duration.ofSeconds(20));
    assertTrue(report.complete(), report.toString());
    assertTrue(a.fence().check(mine.get(0)) instanceof FenceResult.NotOwner, "a takes no writes once it left");
    assertEquals(mine, List.copyOf(report.moved().keySet()));
    a.close();
    await(WAIT, () -> b.view().node("a") == null, "a deregistered");
    await(WAIT, () -> b.view().namespacesOf("a").isEmpty(), "b sees nothing left on a");
    Map<String, Long> counts = counts(b.view());
    System.out.println("after a handed off: " + counts);
    assertEquals(30, counts.values().stream().mapToLong(Long::longValue).sum());
    assertTrue(Math.abs(counts.get("b") - counts.get("c")) <= 2, "least loaded first: " + counts);
    for (String id : mine) {
      assertTrue(b.view().placement(id).epoch() >= 2, b.view().placement(id).toString());
    }
  }

  @Test
  void aFailedMoveLeavesTheNamespaceOwnedWhereItWas() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2, "a sees b");
    Placement p = zk.create(a, "docs", 0);
    String target = p.owner().equals("a") ? "b" : "a";
    await(WAIT, () -> b.view().placement("docs") != null, "b sees the placement");
    zk.moves.failing.add("docs");
    assertTrue(a.placements().markMoving("docs", target, 1) instanceof CasResult.Done);
    await(WAIT, () -> !zk.moves.finishes.isEmpty(), "the move ended");
    assertEquals(List.of(new FakeMoves.Finish(p.owner(), "docs", target, false)), zk.moves.finishes);
    await(WAIT, () -> !b.view().placement("docs").isMoving(), "back to owned");
    assertEquals(p, b.view().placement("docs"));
    ClusterNode owner = p.owner().equals("a") ? a : b;
    assertEquals(new FenceResult.Allowed(1), owner.fence().check("docs"));
  }

  private static Map<String, Long> counts(ClusterView view) {
    Map<String, Long> counts = new TreeMap<>();
    view.nodes().keySet().forEach(id -> counts.put(id, 0L));
    view.placements().values().forEach(p -> counts.merge(p.owner(), 1L, Long::sum));
    return counts;
  }
}
