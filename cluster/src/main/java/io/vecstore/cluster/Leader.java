package io.vecstore.cluster;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's leadership: a Curator LeaderLatch under {@code <root>/leader}. The leader runs
 * the {@link Balancer} when it gains leadership, when membership changes, when a move ends and
 * when namespaces are placed (at most once a second), and every balance interval, and issues each planned move by marking the placement moving (a versioned
 * write, so a stale plan fails harmlessly). Runs on the node's scheduler thread. Thread-safe.
 */
final class Leader implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(Leader.class);
  private static final long MIN_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final ClusterState state;
  private final Placements placements;
  private final Balancer balancer;
  private final ReplicaDuties replicas;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final LeaderLatch latch;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile long lastRunNanos = System.nanoTime() - MIN_SPACING_NANOS;

  Leader(CuratorFramework client, ZkLayout layout, ClusterState state, Placements placements, Balancer balancer,
      ScheduledExecutorService scheduler, Duration interval) {
    this.client = client;
    this.layout = layout;
    this.state = state;
    this.placements = placements;
    this.balancer = balancer;
    this.replicas = new ReplicaDuties(state, placements);
    this.scheduler = scheduler;
    this.interval = interval;
    this.latch = new LeaderLatch(client, layout.leader(), state.selfId());
  }

  void start() throws Exception {
    latch.addListener(new LeaderLatchListener() {
      @Override
      public void isLeader() {
        LOG.info("{} leads the cluster's balancing", state.selfId());
        trigger();
      }

      @Override
      public void notLeader() {
        LOG.info("{} no longer leads the cluster's balancing", state.selfId());
      }
    });
    latch.start();
    scheduler.scheduleWithFixedDelay(this::balanceIfLeader, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::replicaDutiesIfLeader, 1, 1, TimeUnit.SECONDS);
  }

  /** Failover and replica assignment (see {@link ReplicaDuties}), if this node leads. */
  void replicaDutiesIfLeader() {
    if (latch.hasLeadership()) {
      replicas.run();
    }
  }

  boolean isLeader() {
    return latch.hasLeadership();
  }

  /** Asks for a balancing run soon (debounced: at most one a second). */
  void trigger() {
    if (!latch.hasLeadership() || !pending.compareAndSet(false, true)) {
      return;
    }
    long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(100), lastRunNanos + MIN_SPACING_NANOS - System.nanoTime());
    try {
      scheduler.schedule(() -> {
        pending.set(false);
        balanceIfLeader();
      }, wait, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      pending.set(false);
    }
  }

  /** One balancing round, if this node leads; errors are logged (the next round retries). */
  void balanceIfLeader() {
    if (!latch.hasLeadership()) {
      return;
    }
    lastRunNanos = System.nanoTime();
    replicas.run(); // a membership change: fail over first, balance after
    try {
      List<Move> moves = balancer.plan(state.nodes().values(), state.placements().values(), namespaceVectors());
      for (Move move : moves) {
        CasResult result = placements.markMoving(move.namespaceId(), move.to(), move.epoch());
        if (result instanceof CasResult.Done) {
          LOG.info("balancer: moving {} from {} to {}", move.namespaceId(), move.from(), move.to());
        } else {
          LOG.debug("balancer: {} changed before it could be moved: {}", move.namespaceId(), result);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("balancing round failed; the next one retries", e);
    }
  }

  /** Vectors per namespace from every node's loads znode (the largest report wins). */
  private Map<String, Long> namespaceVectors() {
    Map<String, Long> vectors = new HashMap<>();
    try {
      List<String> nodes = ZkCall.run("list loads", () -> client.getChildren().forPath(layout.loads()));
      for (String node : nodes) {
        try {
          byte[] data = ZkCall.run("read loads", () -> client.getData().forPath(layout.loads(node)));
          Json.loads(data).forEach((id, load) -> vectors.merge(id, load.vectors(), Math::max));
        } catch (KeeperException.NoNodeException gone) {
          // The node left between the listing and the read.
        } catch (IllegalArgumentException bad) {
          LOG.warn("ignoring unreadable loads of node {}: {}", node, bad.getMessage());
        }
      }
    } catch (KeeperException e) {
      LOG.debug("no loads znodes yet", e);
    }
    return vectors;
  }

  /** Gives up leadership (another node takes over). Idempotent. */
  @Override
  public void close() throws IOException {
    if (latch.getState() == LeaderLatch.State.STARTED) {
      latch.close();
    }
  }
}
