package io.vecstore.cluster;

import static io.vecstore.cluster.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PlacementTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();

  @Test
  void concurrentClaimsFromThreeNodesLandBalancedAndEachIdOnce() throws Exception {
    List<ClusterNode> nodes = List.of(zk.start("a"), zk.start("b"), zk.start("c"));
    for (ClusterNode node : nodes) {
      await(WAIT, () -> node.view().nodes().size() == 3, node.nodeId() + " sees three nodes");
    }
    long seed = new Random().nextLong();
    System.out.println("PlacementTest seed: " + seed);
    Random random = new Random(seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      ids.add("ns-" + i);
    }
    Map<String, String> claimedBy = new ConcurrentHashMap<>();
    Map<String, String> owners = new ConcurrentHashMap<>();
    List<String> doubles = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (ClusterNode node : nodes) {
        List<String> order = new ArrayList<>(ids);
        Collections.shuffle(order, new Random(random.nextLong()));
        runs.add(pool.submit(() -> {
          for (String id : order) {
            ClaimResult result = node.placements().claim(id);
            if (result instanceof ClaimResult.Claimed claimed) {
              if (claimedBy.putIfAbsent(id, node.nodeId()) != null) {
                doubles.add(id);
              }
              owners.put(id, claimed.placement().owner());
            }
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(List.of(), doubles, "claimed twice (seed " + seed + ")");
    assertEquals(300, claimedBy.size());
    Map<String, Integer> perOwner = new TreeMap<>();
    owners.values().forEach(owner -> perOwner.merge(owner, 1, Integer::sum));
    System.out.println("claims per owner: " + perOwner);
    for (String node : List.of("a", "b", "c")) {
      int count = perOwner.getOrDefault(node, 0);
      assertTrue(count >= 90 && count <= 110, "within 10% of 100 (seed " + seed + "): " + perOwner);
    }
    await(WAIT, () -> nodes.stream().allMatch(n -> n.view().placements().size() == 300), "every view has all 300");
    for (String id : ids) {
      Placement p = nodes.get(2).view().placement(id);
      if (p.epoch() == 1) {
        assertEquals(owners.get(id), p.owner());
      } // else the leader moved it while claims were still landing unevenly.
    }
  }

  @Test
  void claimPicksTheLeastVectorsThenStorageThenCount() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    ClusterNode c = zk.start("c");
    zk.loads("a").sizes.put("big", new NamespaceLoad(500, 10));
    zk.loads("b").sizes.put("small", new NamespaceLoad(100, 999));
    zk.loads("c").sizes.put("small2", new NamespaceLoad(100, 50));
    await(WAIT, () -> a.view().node("c").load().vectors() == 100 && a.view().node("b").load().vectors() == 100,
        "a sees the loads");
    // b and c tie on vectors; c has fewer storage bytes.
    assertEquals("c", ((ClaimResult.Claimed) a.placements().claim("n1")).placement().owner());
    zk.loads("b").sizes.put("small", new NamespaceLoad(100, 50));
    await(WAIT, () -> a.view().node("b").load().storageBytes() == 50, "a sees b's new storage");
    // Now b and c tie on both; c already owns one placement more.
    assertEquals("b", ((ClaimResult.Claimed) a.placements().claim("n2")).placement().owner());
  }

  @Test
  void claimingAPlacedNamespaceSaysWhereItIs() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    Placement placed = zk.create(a, "docs", 0);
    ClaimResult again = b.placements().claim("docs");
    assertEquals(new ClaimResult.AlreadyPlaced(placed), again);
  }

  @Test
  void claimOnPlacesOnTheGivenLiveNodeAndCurrentReadsFresh() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2, "a sees b");
    ClaimResult claimed = a.placements().claimOn("on-b", "b");
    assertEquals("b", assertInstanceOf(ClaimResult.Claimed.class, claimed).placement().owner());
    assertInstanceOf(ClaimResult.AlreadyPlaced.class, a.placements().claimOn("on-b", "a"));
    assertThrows(IllegalArgumentException.class, () -> a.placements().claimOn("x", "nobody"));
    // b reads it fresh even before its cache has heard of the claim
    assertEquals("b", b.placements().current("on-b").owner());
    assertEquals(null, b.placements().current("never-placed"));
  }

  @Test
  void compareAndSetChangesRefuseAStaleEpoch() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2, "a sees b");
    Placement p = zk.create(a, "docs", 0);
    String other = p.owner().equals("a") ? "b" : "a";
    Placements placements = a.placements();

    assertEquals(new CasResult.Done(new Placement("docs", other, 2, Placement.State.OWNED, null)),
        placements.transfer("docs", p.owner(), other, 1));
    CasResult stale = placements.transfer("docs", other, p.owner(), 1);
    assertEquals(new CasResult.Conflict(new Placement("docs", other, 2, Placement.State.OWNED, null)), stale);
    assertInstanceOf(CasResult.Conflict.class, placements.markMoving("docs", p.owner(), 1));
    assertInstanceOf(CasResult.Conflict.class, placements.release("docs", 1));

    assertInstanceOf(CasResult.Done.class, placements.markMoving("docs", p.owner(), 2));
    assertInstanceOf(CasResult.Conflict.class, placements.markMoving("docs", p.owner(), 2), "already moving");
    assertInstanceOf(CasResult.Conflict.class, placements.transfer("docs", other, "c", 2), "moving elsewhere");
    assertEquals(new CasResult.Done(new Placement("docs", other, 2, Placement.State.OWNED, null)),
        placements.cancelMove("docs", 2));
    assertInstanceOf(CasResult.Done.class, placements.release("docs", 2));
    assertInstanceOf(CasResult.Conflict.class, placements.release("docs", 2));
    await(WAIT, () -> b.view().placement("docs") == null, "b sees the release");
  }

  @Test
  void aReleaseIsNotRefusedBecauseTheCopiesChangedMeanwhile() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2 && b.view().nodes().size() == 2, "a and b see each other");
    for (int round = 0; round < 20; round++) {
      String id = "docs-" + round;
      Placement p = zk.create(a, id, 0);
      String other = p.owner().equals("a") ? "b" : "a";
      java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
      // The other node keeps toggling the in-sync set, as a replica catching up does.
      Thread toggler = Thread.ofPlatform().name("copies-toggler").start(() -> {
        for (int i = 0; i < 200 && !released.get(); i++) {
          boolean inSync = i % 2 == 0;
          CasResult r = b.placements().updateCopies(id, p.owner(), p.epoch(),
              q -> q.withCopies(2, List.of(other), inSync ? List.of(other) : List.of()));
          if (r instanceof CasResult.Conflict) {
            return; // released
          }
        }
      });
      Thread.sleep(round % 5);
      CasResult result = a.placements().release(id, p.epoch());
      released.set(true);
      toggler.join();
      assertInstanceOf(CasResult.Done.class, result, "round " + round);
    }
  }

  @Test
  void routesLocalRemoteUnplacedAndOwnerDown() throws Exception {
    ClusterNode a = zk.start("a");
    ClusterNode b = zk.start("b");
    await(WAIT, () -> a.view().nodes().size() == 2 && b.view().nodes().size() == 2, "both see both");
    Placement p = zk.create(a, "docs", 0);
    ClusterNode owner = p.owner().equals("a") ? a : b;
    ClusterNode other = owner == a ? b : a;
    await(WAIT, () -> other.view().placement("docs") != null && owner.view().placement("docs") != null,
        "both see the placement");

    assertEquals(new Route.Local(1), owner.router().route("docs"));
    assertEquals(new Route.Remote(owner.nodeId(), owner.config().advertiseUrl(), null), other.router().route("docs"));
    assertEquals(new Route.Unplaced(), other.router().route("nope"));
    assertEquals(new Route.Unplaced(), other.router().routeFresh("nope"));

    owner.close();
    await(WAIT, () -> other.router().route("docs") instanceof Route.OwnerDown, "owner gone");
    assertEquals(new Route.OwnerDown(owner.nodeId()), other.router().route("docs"));
  }

  @Test
  void rejectsInvalidNamespaceIds() throws Exception {
    ClusterNode a = zk.start("a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.placements().claim("../x"));
    assertEquals("namespace id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$, got: '../x'", e.getMessage());
  }
}
