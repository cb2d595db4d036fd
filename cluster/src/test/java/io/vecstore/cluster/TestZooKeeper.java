package io.vecstore.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Nodes publish loads every 200 ms; the leader balances on membership changes and finished
 * moves (its periodic run, every 30 s, never comes within a test).
 *
 * An in-process ZooKeeper (curator-test's TestingServer) on 127.0.0.1 with a 200 ms tick, so
 * sessions of 2 s are allowed, plus the nodes started on it; closes them all. A JUnit extension:
 * {@code @RegisterExtension final TestZooKeeper zk = new TestZooKeeper();} starts ZooKeeper before
 * each test (and before the class's {@code @BeforeEach} methods) and closes everything after it.
 */
final class TestZooKeeper implements BeforeEachCallback, AfterEachCallback {

  static final Duration SESSION = Duration.ofSeconds(2);

  TestingServer server;
  final FakeMoves moves = new FakeMoves();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final Map<String, FakeLoads> loads = new ConcurrentHashMap<>();
  private int nextPort = 18080;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1,
        Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    server = new TestingServer(spec, true);
  }

  ClusterConfig config(String nodeId) {
    return ClusterConfig.of(server.getConnectString(), nodeId, URI.create("http://127.0.0.1:" + nextPort++))
        .withTimeouts(SESSION, Duration.ofSeconds(2))
        .withIntervals(Duration.ofMillis(200), Duration.ofSeconds(30))
        .withForwardTimeout(Duration.ofSeconds(2));
  }

  ClusterNode start(String nodeId) throws Exception {
    return start(config(nodeId));
  }

  synchronized ClusterNode start(ClusterConfig config) throws Exception {
    FakeLoads nodeLoads = loads.computeIfAbsent(config.nodeId(), id -> new FakeLoads());
    ClusterNode node = ClusterNode.start(config, nodeLoads, moves.forNode(config.nodeId(), loads));
    nodes.add(node);
    return node;
  }

  /** Claims the namespace through {@code via} and, like a server would, creates it on its owner. */
  Placement create(ClusterNode via, String namespaceId, long vectors) {
    ClaimResult result = via.placements().claim(namespaceId, 1); // unreplicated: these tests are about placement
    if (!(result instanceof ClaimResult.Claimed claimed)) {
      throw new AssertionError("expected a claim of " + namespaceId + ", got: " + result);
    }
    loads(claimed.placement().owner()).sizes.put(namespaceId, new NamespaceLoad(vectors, vectors * 100));
    return claimed.placement();
  }

  FakeLoads loads(String nodeId) {
    return loads.computeIfAbsent(nodeId, id -> new FakeLoads());
  }

  /** Polls every 20 ms until the condition holds, or fails with the message. */
  static void await(Duration timeout, BooleanSupplier condition, String message) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + message);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) throws java.io.IOException {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    server.close();
  }
}
