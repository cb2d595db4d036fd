package io.vecstore.cluster;

import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's membership in a cluster: the one entry point of the module. {@link #start}
 * connects to ZooKeeper, registers the node (ephemeral), loads the caches of nodes and
 * placements, publishes the node's load, joins the balancer's leader election and runs the moves
 * asked of it. The server then uses {@link #router()} for every request, {@link #fence()} before
 * acknowledging every write, {@link #placements()} to create and delete namespaces,
 * {@link #forwarder()} to reach owners, and {@link #view()} for admin listings.
 *
 * <p>At SIGTERM the server calls {@link #handOff} (moves its namespaces away) and then
 * {@link #close}. Thread-safe. The server's {@code Main} creates and closes it.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final ClusterConfig config;
  private final LoadSource loadSource;
  private final CuratorFramework client;
  private final ZkLayout layout;
  private final ClusterState state;
  private final Placements placements;
  private final WriteFence fence;
  private final ZkLiveness liveness;
  private final Router router;
  private final Mover mover;
  private final Membership membership;
  private final Leader leader;
  private final Caches caches;
  private final Forwarder forwarder;
  private final ScheduledExecutorService scheduler;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ClusterNode(ClusterConfig config, LoadSource loadSource, MoveExecutor moves, CuratorFramework client) {
    this.config = config;
    this.loadSource = loadSource;
    this.client = client;
    this.layout = new ZkLayout(config.rootPath());
    this.state = new ClusterState(config.nodeId());
    this.placements = new Placements(client, layout, state);
    this.liveness = new ZkLiveness(client.getZookeeperClient());
    this.fence = new WriteFence(state, liveness);
    this.router = new Router(state, placements);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        new NamedThreads("vecstore-cluster-" + config.nodeId() + "-scheduler"));
    this.mover = new Mover(state, placements, fence, moves, loadSource);
    NodeInfo self = new NodeInfo(config.nodeId(), config.advertiseUrl(), config.grpcAddress(), Load.EMPTY,
        Instant.now(), false);
    this.membership = new Membership(client, layout, self, config.sessionTimeout(), config.connectionTimeout());
    this.leader = new Leader(client, layout, state, placements, Balancer.standard(), scheduler, config.balanceInterval());
    this.caches = new Caches(client, layout, state);
    this.forwarder = new Forwarder(config.nodeId(), () -> state.nodes().values(), config.forwardTimeout());
    // Closed in reverse order; these hold threads (or may) from construction on.
    started.add(client);
    started.add(scheduler);
    started.add(forwarder);
    started.add(mover);
  }

  /**
   * Joins the cluster; returns once this node is registered, its caches are loaded and writes
   * of its namespaces are allowed.
   *
   * @param loads the sizes of this node's namespaces, polled every load-publish interval
   * @param moves copies a namespace to another node when the balancer or a hand-off asks
   * @throws ClusterUnavailableException ZooKeeper could not be reached within the connection timeout
   * @throws IllegalStateException another live node has this node id
   */
  public static ClusterNode start(ClusterConfig config, LoadSource loads, MoveExecutor moves) throws Exception {
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(config.connectString())
        .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
        .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
        .threadFactory(new NamedThreads("vecstore-cluster-" + config.nodeId() + "-curator"))
        .build();
    ClusterNode node = new ClusterNode(config, loads, moves, client);
    try {
      node.join();
      return node;
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
  }

  private void join() throws Exception {
    // ZooKeeper names its client threads after the thread that starts the client.
    Thread starter = new Thread(client::start, "vecstore-cluster-" + config.nodeId() + "-zk");
    starter.start();
    starter.join();
    if (!client.blockUntilConnected((int) config.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ClusterUnavailableException("could not reach ZooKeeper at " + config.connectString()
          + " within " + config.connectionTimeout(), null);
    }
    liveness.refresh();
    for (String path : List.of(layout.nodes(), layout.loads(), layout.namespaces())) {
      try {
        client.create().creatingParentsIfNeeded().forPath(path);
      } catch (KeeperException.NodeExistsException alreadyThere) {
        // Made by an earlier node.
      }
    }
    long generation = fence.close();
    client.getConnectionStateListenable().addListener((c, newState) -> onConnectionState(newState));
    state.onPlacement((before, after) -> mover.onPlacement(after));
    // A finished (or abandoned) move may let the next one start. New claims go to the least
    // loaded node, but nodes claiming at once see each other's claims a moment late, so a burst
    // of creates can land unevenly: a (debounced) balancing round after new placements evens it.
    state.onPlacement((before, after) -> {
      if (before == null || (before.isMoving() && !after.isMoving())) {
        leader.trigger();
      }
    });
    state.onMembership(leader::trigger);
    membership.register(namespaceLoads());
    started.add(membership);
    caches.start(config.connectionTimeout().multipliedBy(2));
    started.add(caches);
    fence.openIfCurrent(generation);
    long publishMillis = config.loadPublishInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::publishLoad, publishMillis, publishMillis, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(mover::sweep, publishMillis, publishMillis, TimeUnit.MILLISECONDS);
    leader.start();
    started.add(leader);
    LOG.info("node {} joined the cluster at {} ({} live nodes, {} namespaces placed)", config.nodeId(),
        config.connectString(), state.nodes().size(), state.placements().size());
  }

  private void onConnectionState(ConnectionState newState) {
    switch (newState) {
      case SUSPENDED, LOST -> {
        fence.close();
        LOG.warn("node {}: ZooKeeper connection {}; writes of its namespaces are refused", config.nodeId(), newState);
      }
      case RECONNECTED -> {
        long generation = fence.close();
        scheduler.execute(() -> verifyThenOpen(generation));
      }
      case CONNECTED, READ_ONLY -> {
        // CONNECTED comes once, before join() opens the fence; read-only servers get no writes.
      }
    }
  }

  /**
   * Allows writes again after a reconnect, once this node's znode is back in the current session
   * (so a {@link Placements#reassign} either failed or is already visible) and the placements of
   * the namespaces it owns were read again after a sync.
   */
  private void verifyThenOpen(long generation) {
    try {
      liveness.refresh();
      if (!membership.registeredInCurrentSession()) {
        // PersistentNode recreates it once the old session's znode is gone.
        throw new ClusterUnavailableException("this node's znode is not yet back in the new session", null);
      }
      CountDownLatch synced = new CountDownLatch(1);
      client.sync().inBackground((c, event) -> synced.countDown()).forPath(layout.namespaces());
      if (!synced.await(config.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ClusterUnavailableException("sync timed out", null);
      }
      long deletedBefore = client.checkExists().forPath(layout.namespaces()).getPzxid();
      for (Map.Entry<String, Placement> entry : state.placements().entrySet()) {
        if (entry.getValue().owner().equals(config.nodeId()) && placements.read(entry.getKey()) == null) {
          state.delete(entry.getKey(), deletedBefore);
        }
      }
      if (fence.openIfCurrent(generation)) {
        LOG.info("node {}: reconnected and placements verified; writes allowed again", config.nodeId());
      }
    } catch (Exception e) {
      LOG.debug("node {}: not yet verified after reconnect ({}); retrying", config.nodeId(), e.getMessage());
      if (!closed.get()) {
        scheduler.schedule(() -> verifyThenOpen(generation), 200, TimeUnit.MILLISECONDS);
      }
    }
  }

  private Map<String, NamespaceLoad> namespaceLoads() {
    return Map.copyOf(loadSource.namespaceLoads());
  }

  /** Publishes this node's load now if it changed (it is also done every load-publish interval). */
  public void publishLoad() {
    try {
      membership.publish(namespaceLoads());
    } catch (Exception e) {
      LOG.warn("node {}: publishing load failed; retried next interval", config.nodeId(), e);
    }
  }

  public String nodeId() {
    return config.nodeId();
  }

  public ClusterConfig config() {
    return config;
  }

  /** A snapshot of nodes and placements (copies every placement: for admin pages, not per request). */
  public ClusterView view() {
    return state.snapshot(leader.isLeader());
  }

  public Router router() {
    return router;
  }

  public WriteFence fence() {
    return fence;
  }

  public Placements placements() {
    return placements;
  }

  public Forwarder forwarder() {
    return forwarder;
  }

  /** The Curator client, for tests that break its session. */
  CuratorFramework curator() {
    return client;
  }

  /** The live nodes by id, as this node sees them (a copy of the nodes only: cheap, unlike {@link #view()}). */
  public Map<String, NodeInfo> liveNodes() {
    return state.nodes();
  }

  /** How many nodes are live, as this node sees them (for the {@code vecstore_cluster_nodes} gauge). */
  public int liveNodeCount() {
    return state.nodeCount();
  }

  /** Whether this node currently runs the balancer. */
  public boolean isLeader() {
    return leader.isLeader();
  }

  /**
   * Leaves cleanly: marks this node leaving (no new namespaces, no moves to it), gives up
   * leadership, moves every namespace it owns to the other live nodes (least loaded first, one
   * at a time, through the {@link MoveExecutor}) and deregisters. Call {@link #close} afterwards.
   */
  public HandOffReport handOff(Duration timeout) throws Exception {
    membership.markLeaving();
    leader.close();
    HandOffReport report = mover.handOff(timeout);
    // What could not be moved stays here unwritable: once deregistered it could be reassigned.
    fence.retire();
    membership.close();
    if (!report.complete()) {
      LOG.warn("node {}: hand-off left {} namespaces here: {}", config.nodeId(), report.failed().size(), report.failed());
    }
    return report;
  }

  /** Leaves the cluster: stops moves and publishing, deletes this node's znodes, disconnects. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    fence.retire();
    for (int i = started.size() - 1; i >= 0; i--) {
      AutoCloseable resource = started.get(i);
      try {
        if (resource == scheduler) {
          scheduler.shutdownNow();
        } else {
          resource.close();
        }
      } catch (Exception e) {
        LOG.warn("node {}: closing {} failed", config.nodeId(), resource, e);
      }
    }
  }
}
