package io.vecstore.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls every node's fence for one namespace on its own thread and records violations of
 * single ownership: two nodes Allowed in one round, two nodes Allowed at one epoch, or a node
 * Allowed at an epoch older than one another node was already Allowed at.
 */
final class FenceChecker implements AutoCloseable {

  private final List<ClusterNode> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final String namespaceId;
  private final Thread thread;
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> allowedCounts = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile long rounds;

  FenceChecker(List<ClusterNode> nodes, String namespaceId) {
    this.nodes.addAll(nodes);
    this.namespaceId = namespaceId;
    this.thread = new Thread(this::run, "fence-checker");
    thread.start();
  }

  private void run() {
    Map<Long, String> holderOfEpoch = new java.util.HashMap<>();
    long newestEpoch = 0;
    while (running) {
      List<String> allowed = new ArrayList<>();
      for (ClusterNode node : nodes) {
        if (node.fence().check(namespaceId) instanceof FenceResult.Allowed(long epoch)) {
          allowed.add(node.nodeId() + "@" + epoch);
          allowedCounts.merge(node.nodeId(), 1L, Long::sum);
          String holder = holderOfEpoch.putIfAbsent(epoch, node.nodeId());
          if (holder != null && !holder.equals(node.nodeId())) {
            violations.add(node.nodeId() + " allowed at epoch " + epoch + " held by " + holder);
          }
          if (epoch < newestEpoch) {
            violations.add(node.nodeId() + " allowed at epoch " + epoch + " after epoch " + newestEpoch);
          }
          newestEpoch = Math.max(newestEpoch, epoch);
        }
      }
      if (allowed.size() > 1) {
        violations.add("two nodes allowed at once: " + allowed);
      }
      rounds++;
      Thread.onSpinWait();
    }
  }

  /** Checks this node too from now on (a node restarted under an id already checked). */
  void add(ClusterNode node) {
    nodes.add(node);
  }

  long allowedCount(String nodeId) {
    return allowedCounts.getOrDefault(nodeId, 0L);
  }

  long rounds() {
    return rounds;
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Stops polling and waits for the poller; idempotent. */
  void stop() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
