package io.vecstore.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's outgoing moves, one at a time on a single named thread: those the leader asks
 * for (a placement of ours marked moving) and those of a hand-off. Each move: fresh read →
 * {@link MoveExecutor#move} → seal the fence → transfer (versioned write) → unseal →
 * {@link MoveExecutor#moveFinished}; on failure the placement goes back to owned. Thread-safe.
 */
final class Mover implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Mover.class);

  /** How one move ended. */
  record Outcome(String namespaceId, String newOwner, String failure) {
    boolean moved() {
      return failure == null;
    }
  }

  private final ClusterState state;
  private final Placements placements;
  private final WriteFence fence;
  private final MoveExecutor executor;
  private final LoadSource loads;
  private final ExecutorService thread;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile boolean handingOff;

  Mover(ClusterState state, Placements placements, WriteFence fence, MoveExecutor executor, LoadSource loads) {
    this.state = state;
    this.placements = placements;
    this.fence = fence;
    this.executor = executor;
    this.loads = loads;
    this.thread = Executors.newSingleThreadExecutor(new NamedThreads("vecstore-cluster-" + state.selfId() + "-mover"));
  }

  /** Placement listener: a namespace of ours marked moving gets its move queued. */
  void onPlacement(Placement placement) {
    if (placement.isMoving() && placement.owner().equals(state.selfId())) {
      enqueue(placement.namespaceId());
    }
  }

  /** Queues any move of ours not yet queued (a trigger lost to a failure is found again here). */
  void sweep() {
    state.placements().values().forEach(this::onPlacement);
  }

  private void enqueue(String namespaceId) {
    if (closed || !queued.add(namespaceId)) {
      return;
    }
    try {
      thread.execute(() -> {
        // Dequeued before running, so a change during the move queues a fresh look afterwards.
        queued.remove(namespaceId);
        Outcome outcome = runMove(namespaceId);
        if (!outcome.moved()) {
          LOG.debug("move of {} not done: {}", namespaceId, outcome.failure());
        }
      });
    } catch (RejectedExecutionException closing) {
      queued.remove(namespaceId);
    }
  }

  /** Moves every namespace this node owns to the other live nodes, least loaded first, one by one. */
  HandOffReport handOff(Duration timeout) {
    handingOff = true; // this node leaves: its copies are not worth keeping as replicas
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, NamespaceLoad> sizes = sizes();
    Map<String, NamespaceLoad> added = new ConcurrentHashMap<>();
    List<Future<Outcome>> futures = new ArrayList<>();
    List<String> mine = state.placements().values().stream()
        .filter(p -> p.owner().equals(state.selfId())).map(Placement::namespaceId).sorted().toList();
    for (String id : mine) {
      futures.add(thread.submit(() -> handOffOne(id, sizes.getOrDefault(id, NamespaceLoad.EMPTY), added)));
    }
    Map<String, String> moved = new HashMap<>();
    Map<String, String> failed = new HashMap<>();
    for (int i = 0; i < mine.size(); i++) {
      try {
        Outcome outcome = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (outcome.moved()) {
          moved.put(outcome.namespaceId(), outcome.newOwner());
        } else {
          failed.put(outcome.namespaceId(), outcome.failure());
        }
      } catch (TimeoutException e) {
        futures.get(i).cancel(false);
        failed.put(mine.get(i), "hand-off timed out after " + timeout);
      } catch (ExecutionException e) {
        failed.put(mine.get(i), String.valueOf(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.put(mine.get(i), "interrupted");
      }
    }
    return new HandOffReport(moved, failed);
  }

  private Outcome handOffOne(String id, NamespaceLoad size, Map<String, NamespaceLoad> added) {
    StoredPlacement current = placements.read(id);
    if (current == null) {
      return new Outcome(id, null, "deleted during the hand-off");
    }
    Placement p = current.placement();
    if (!p.owner().equals(state.selfId())) {
      return new Outcome(id, p.owner(), null);
    }
    if (p.isMoving()) {
      NodeInfo target = state.node(p.target());
      if (target != null && !target.leaving()) {
        return runMove(id);
      }
      placements.cancelMove(id, p.epoch());
    }
    // Published loads lag up to one publish interval: add what this hand-off already gave.
    // Not onto a node holding one of its replicas if another will do: that copy would be replaced.
    NodeInfo target = state.leastLoaded(n -> !n.leaving() && !n.nodeId().equals(state.selfId()) && !p.isReplica(n.nodeId()),
        added);
    if (target == null) {
      target = state.leastLoaded(n -> !n.leaving() && !n.nodeId().equals(state.selfId()), added);
    }
    if (target == null) {
      return new Outcome(id, null, "no other live node to hand it to");
    }
    CasResult marked = placements.markMoving(id, target.nodeId(), p.epoch());
    if (!(marked instanceof CasResult.Done)) {
      return new Outcome(id, null, "placement changed before the move: " + marked);
    }
    Outcome outcome = runMove(id);
    if (outcome.moved()) {
      added.merge(target.nodeId(), size,
          (was, more) -> new NamespaceLoad(was.vectors() + more.vectors(), was.storageBytes() + more.storageBytes()));
    }
    return outcome;
  }

  private Outcome runMove(String id) {
    StoredPlacement current;
    try {
      current = placements.read(id);
    } catch (ClusterUnavailableException e) {
      return new Outcome(id, null, e.getMessage());
    }
    if (current == null || !current.placement().owner().equals(state.selfId()) || !current.placement().isMoving()) {
      return new Outcome(id, null, "not a move of this node (now " + (current == null ? "deleted" : current.placement()) + ")");
    }
    Placement p = current.placement();
    NodeInfo target = state.node(p.target());
    if (target == null || target.leaving()) {
      cancel(p);
      return new Outcome(id, null, "target " + p.target() + " is not live or is leaving");
    }
    boolean keep;
    try {
      executor.move(id, target, p.epoch());
      keep = !handingOff && p.replicationFactor() > 1 && executor.staysInSync(id, target, p.epoch());
    } catch (Exception e) {
      LOG.warn("move of {} to {} failed; it stays on {}", id, target.nodeId(), state.selfId(), e);
      cancel(p);
      executor.moveFinished(id, target, false);
      return new Outcome(id, null, "move failed: " + e);
    }
    fence.seal(id);
    boolean transferred = false;
    try {
      CasResult result = transferUntilKnown(p, target, keep);
      transferred = result instanceof CasResult.Done;
      if (!transferred) {
        LOG.warn("move of {} to {} copied but not transferred: {}", id, target.nodeId(), result);
      }
    } finally {
      fence.unseal(id);
    }
    executor.moveFinished(id, target, transferred);
    if (transferred) {
      LOG.info("moved {} from {} to {} (epoch {})", id, state.selfId(), target.nodeId(), p.epoch() + 1);
      return new Outcome(id, target.nodeId(), null);
    }
    return new Outcome(id, null, "placement changed during the move");
  }

  /** Transfers; while ZooKeeper does not answer, the outcome is unknown: writes stay sealed and it retries. */
  private CasResult transferUntilKnown(Placement p, NodeInfo target, boolean keepSourceInSync) {
    while (true) {
      try {
        return placements.transfer(p.namespaceId(), p.owner(), target.nodeId(), p.epoch(), keepSourceInSync);
      } catch (ClusterUnavailableException e) {
        if (closed) {
          throw e;
        }
        LOG.warn("transfer of {} to {}: ZooKeeper did not answer; retrying", p.namespaceId(), target.nodeId());
        try {
          Thread.sleep(500);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void cancel(Placement p) {
    try {
      placements.cancelMove(p.namespaceId(), p.epoch());
    } catch (ClusterUnavailableException e) {
      LOG.warn("could not cancel the move of {}; it is retried later", p.namespaceId(), e);
    }
  }

  private Map<String, NamespaceLoad> sizes() {
    try {
      return Map.copyOf(loads.namespaceLoads());
    } catch (RuntimeException e) {
      LOG.warn("load source failed; handing off with unknown sizes", e);
      return Map.of();
    }
  }

  /** Stops taking moves; waits a little for the running one. Idempotent. */
  @Override
  public void close() {
    closed = true;
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
