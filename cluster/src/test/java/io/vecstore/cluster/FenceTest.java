package io.vecstore.cluster;

import static io.vecstore.cluster.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.curator.test.KillSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FenceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();
  private ClusterNode owner;
  private ClusterNode other;

  @BeforeEach
  void startTwoNodesAndANamespace() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2, "a sees b");
    Placement p = zk.create(a, "docs", 0);
    owner = p.owner().equals("a") ? a : b;
    other = owner == a ? b : a;
    await(WAIT, () -> other.view().placement("docs") != null && owner.view().placement("docs") != null,
        "both see the placement (the claim may have placed it on the node that did not claim)");
  }

  @Test
  void onlyTheOwnerIsAllowedAndOthersLearnWhereItIs() {
    assertEquals(new FenceResult.Allowed(1), owner.fence().check("docs"));
    assertEquals(new FenceResult.Allowed(1), owner.fence().check("docs", 1));
    assertEquals(new FenceResult.NotOwner(null, 1), owner.fence().check("docs", 7));
    assertEquals(new FenceResult.NotOwner(owner.config().advertiseUrl(), 1), other.fence().check("docs"));
    assertEquals(new FenceResult.NotOwner(null, 1), other.fence().check("unknown"));
  }

  @Test
  void aSealedNamespaceRefusesWritesUntilUnsealed() {
    owner.fence().seal("docs");
    assertInstanceOf(FenceResult.NotOwner.class, owner.fence().check("docs"));
    owner.fence().unseal("docs");
    assertEquals(new FenceResult.Allowed(1), owner.fence().check("docs"));
  }

  /**
   * The owner's session is expired: it is refused at once. While it is out, the namespace is
   * marked moving to the other node (as the leader would); once back, the owner runs the move
   * and transfers. A checker polling both fences throughout never sees two owners.
   */
  @Test
  void anExpiredOwnerIsRefusedAtOnceAndAMoveMeanwhileNeverOverlaps() throws Exception {
    try (FenceChecker checker = new FenceChecker(List.of(owner, other), "docs")) {
      await(WAIT, () -> checker.allowedCount(owner.nodeId()) > 0, "the checker saw the owner allowed");
      KillSession.kill(owner.curator().getZookeeperClient().getZooKeeper());
      assertInstanceOf(FenceResult.NotOwner.class, owner.fence().check("docs"), "refused right after the kill");

      assertInstanceOf(CasResult.Done.class, other.placements().markMoving("docs", other.nodeId(), 1));
      await(WAIT, () -> other.fence().check("docs") instanceof FenceResult.Allowed, "the new owner is allowed");
      assertEquals(new FenceResult.Allowed(2), other.fence().check("docs"));
      await(WAIT, owner.fence()::isOpen, "the old owner is back and verified");
      assertEquals(new FenceResult.NotOwner(other.config().advertiseUrl(), 1), owner.fence().check("docs"));
      assertEquals(List.of(new FakeMoves.Call(owner.nodeId(), "docs", other.nodeId(), 1)), zk.moves.calls);
      await(WAIT, () -> checker.allowedCount(other.nodeId()) > 100, "the checker saw the new owner allowed");
      checker.stop();
      assertEquals(List.of(), checker.violations(), "after " + checker.rounds() + " rounds");
    }
  }

  /**
   * A lost node's namespace is reassigned (refused while the node is live); the node comes back
   * under its id and is refused, the new owner allowed, never both.
   */
  @Test
  void reassignTakesOnlyADeadOwnersNamespace() throws Exception {
    try (FenceChecker checker = new FenceChecker(List.of(owner, other), "docs")) {
      CasResult refused = other.placements().reassign("docs", other.nodeId(), 1);
      assertEquals(new CasResult.Conflict(new Placement("docs", owner.nodeId(), 1, Placement.State.OWNED, null)), refused);

      owner.close();
      await(WAIT, () -> other.view().node(owner.nodeId()) == null, "the owner is gone");
      assertEquals(new CasResult.Done(new Placement("docs", other.nodeId(), 2, Placement.State.OWNED, null)),
          other.placements().reassign("docs", other.nodeId(), 1));
      assertEquals(new FenceResult.Allowed(2), other.fence().check("docs"));

      ClusterNode back = zk.start(owner.nodeId());
      checker.add(back);
      assertEquals(new FenceResult.NotOwner(other.config().advertiseUrl(), 1), back.fence().check("docs"));
      assertEquals(new Route.Remote(other.nodeId(), other.config().advertiseUrl(), null), back.router().route("docs"));
      await(WAIT, () -> checker.allowedCount(other.nodeId()) > 100, "the checker saw the new owner allowed");
      checker.stop();
      assertEquals(List.of(), checker.violations(), "after " + checker.rounds() + " rounds");
    }
  }

  @Test
  void losingTheServerFencesEveryNodeAndAReconnectReopens() throws Exception {
    try (FenceChecker checker = new FenceChecker(List.of(owner, other), "docs")) {
      zk.server.stop();
      // The client sees its connection drop at once; the fence must not wait for Curator's events.
      await(Duration.ofMillis(500), () -> !owner.fence().isOpen(), "the owner is fenced");
      assertEquals(new FenceResult.NotOwner(null, 2), owner.fence().check("docs"));
      zk.server.restart();
      await(WAIT, owner.fence()::isOpen, "the owner is verified and reopened");
      await(WAIT, () -> owner.fence().check("docs") instanceof FenceResult.Allowed, "the owner is allowed again");
      assertEquals(new FenceResult.Allowed(1), owner.fence().check("docs"));
      checker.stop();
      assertEquals(List.of(), checker.violations());
    }
    assertTrue(other.fence().check("docs") instanceof FenceResult.NotOwner);
  }

  @Test
  void aDeletedNamespaceIsNoLongerWritable() throws Exception {
    assertInstanceOf(CasResult.Done.class, other.placements().release("docs", 1));
    await(WAIT, () -> owner.fence().check("docs") instanceof FenceResult.NotOwner, "owner hears of the delete");
    assertEquals(new FenceResult.NotOwner(null, 1), owner.fence().check("docs"));
  }
}
