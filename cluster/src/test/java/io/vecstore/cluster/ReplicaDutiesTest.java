package io.vecstore.cluster;

import static io.vecstore.cluster.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leader's replica work on a real ZooKeeper: assignment, failover to an in-sync replica only, replacement. */
class ReplicaDutiesTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();

  @Test
  void replicasAreAssignedAndAnInSyncReplicaIsPromotedWhenTheOwnerDies() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    ClusterNode c = zk.start("c");
    await(WAIT, () -> a.view().nodes().size() == 3 && c.view().nodes().size() == 3, "all see three nodes");
    Placement placed = ((ClaimResult.Claimed) a.placements().claim("docs", 2)).placement();
    assertEquals(2, placed.replicationFactor());
    await(WAIT, () -> a.view().placement("docs").replicas().size() == 1, "the leader assigns one replica");
    Placement assigned = a.view().placement("docs");
    String owner = assigned.owner();
    String replica = assigned.replicas().getFirst();
    assertTrue(!replica.equals(owner), "replica " + replica + " differs from owner " + owner);

    // Without an in-sync replica the owner's death moves nothing (the copy there may lack writes).
    ClusterNode ownerNode = node(owner, a, b, c);
    ClusterNode watcher = node(replica, a, b, c);
    assertInstanceOf(CasResult.Done.class,
        watcher.placements().updateCopies("docs", owner, assigned.epoch(), p -> p.withInSync(List.of(replica))));
    ownerNode.close();
    await(WAIT, () -> watcher.view().placement("docs").owner().equals(replica), "the in-sync replica is promoted");
    Placement promoted = watcher.view().placement("docs");
    assertEquals(assigned.epoch() + 1, promoted.epoch(), "promotion bumps the epoch");
    assertEquals(List.of(), promoted.inSync(), "no copy is in sync with the new owner yet");
    await(WAIT, () -> watcher.view().placement("docs").replicas().size() == 1
        && !watcher.view().placement("docs").replicas().contains(owner), "a replica on the third node replaces it");
  }

  @Test
  void anOwnerWithoutInSyncReplicasIsWaitedFor() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2 && b.view().nodes().size() == 2, "both see two nodes");
    Placement placed = ((ClaimResult.Claimed) a.placements().claimOn("docs", "a")).placement();
    CasResult raised = b.placements().updateCopies("docs", "a", placed.epoch(), p -> p.withCopies(2, List.of(), List.of()));
    assertInstanceOf(CasResult.Done.class, raised);
    await(WAIT, () -> b.view().placement("docs").replicas().equals(List.of("b")), "b is assigned");
    a.close();
    await(WAIT, () -> b.view().node("a") == null, "a is gone");
    Thread.sleep(2500); // two rounds of the leader's duties
    assertEquals("a", b.view().placement("docs").owner(), "an out-of-sync replica is never promoted");
    assertInstanceOf(CasResult.Conflict.class, b.placements().promote("docs", "b", placed.epoch()));
  }

  @Test
  void theFactorIsCheckedAgainstTheLiveNodes() throws Exception {
    ClusterNode a = zk.start("a");
    await(WAIT, () -> a.view().nodes().size() == 1, "a sees itself");
    assertEquals(1, a.placements().defaultReplicationFactor());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.placements().claim("docs", 2));
    assertEquals("replication_factor must be between 1 and 1 (at most the live nodes, 1), got: 2", e.getMessage());
  }

  private static ClusterNode node(String id, ClusterNode... nodes) {
    for (ClusterNode n : nodes) {
      if (n.nodeId().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no node " + id);
  }
}
