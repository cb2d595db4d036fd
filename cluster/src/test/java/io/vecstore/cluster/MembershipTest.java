package io.vecstore.cluster;

import static io.vecstore.cluster.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.KillSession;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MembershipTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();

  @Test
  void threeNodesJoinAndAClosedNodeDisappears() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    ClusterNode c = zk.start("c");
    for (ClusterNode node : new ClusterNode[] {a, b, c}) {
      await(WAIT, () -> node.view().nodes().keySet().equals(Set.of("a", "b", "c")), node.nodeId() + " sees all three");
    }
    Stat stat = a.curator().checkExists().forPath("/vecstore/nodes/c");
    assertNotEquals(0, stat.getEphemeralOwner(), "node znodes are ephemeral");
    NodeInfo seen = a.view().node("c");
    assertEquals(c.config().advertiseUrl(), seen.advertiseUrl());

    c.close();
    await(WAIT, () -> a.view().nodes().keySet().equals(Set.of("a", "b")), "a sees c leave");
    await(WAIT, () -> b.view().nodes().keySet().equals(Set.of("a", "b")), "b sees c leave");
    assertNull(a.curator().checkExists().forPath("/vecstore/nodes/c"));
    assertNull(a.curator().checkExists().forPath("/vecstore/loads/c"));
  }

  @Test
  void refusesADuplicateNodeId() throws Exception {
    zk.start("a");
    long start = System.nanoTime();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> zk.start("a"));
    assertTrue(e.getMessage().startsWith("node id 'a' is already live in the cluster (/vecstore/nodes/a = {"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("Give this node another --node-id, or stop the other one."), e.getMessage());
    // It first waits out a session timeout, in case the holder is a crashed earlier run.
    assertTrue(System.nanoTime() - start >= TestZooKeeper.SESSION.toNanos());
  }

  @Test
  void failsToStartWhenZooKeeperIsUnreachable() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    ClusterConfig config = ClusterConfig.of("127.0.0.1:" + closedPort, "lonely", java.net.URI.create("http://127.0.0.1:1"))
        .withTimeouts(TestZooKeeper.SESSION, Duration.ofMillis(500));
    ClusterUnavailableException e = assertThrows(ClusterUnavailableException.class,
        () -> ClusterNode.start(config, Map::of, (id, target, epoch) -> {}));
    assertEquals("could not reach ZooKeeper at 127.0.0.1:" + closedPort + " within PT0.5S", e.getMessage());
    assertEquals("cluster_unavailable", e.code());
  }

  @Test
  void publishesLoadWhenItChanges() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    zk.loads("a").sizes.put("x", new NamespaceLoad(1000, 5000));
    zk.loads("a").sizes.put("y", new NamespaceLoad(24, 100));
    await(WAIT, () -> new Load(1024, 5100, 2).equals(b.view().node("a").load()), "b sees a's load");
    assertEquals(Load.EMPTY, a.view().node("b").load());
  }

  @Test
  void recreatesItsZnodeInANewSessionAfterExpiry() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    long oldSession = a.curator().checkExists().forPath("/vecstore/nodes/a").getEphemeralOwner();
    KillSession.kill(a.curator().getZookeeperClient().getZooKeeper());
    await(WAIT, () -> {
      try {
        Stat stat = b.curator().checkExists().forPath("/vecstore/nodes/a");
        return stat != null && stat.getEphemeralOwner() != oldSession;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "a's znode is back, held by its new session");
    await(WAIT, () -> b.view().node("a") != null, "b sees a again");
    // a's own view catches up on its own watch, not necessarily before b's (a race seen under load).
    await(WAIT, () -> a.view().node("a") != null, "a sees itself again");
  }
}
