package io.vecstore.server.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vecstore.cluster.ClusterNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The cluster's meters, in the server's registry beside its REST and gRPC series:
 * {@code vecstore_cluster_nodes} (live nodes as this node sees them),
 * {@code vecstore_cluster_namespaces_owned}, {@code vecstore_cluster_leader} (1 while this node
 * runs the balancer), {@code vecstore_cluster_writes_allowed} (0 while out of contact with
 * ZooKeeper), {@code vecstore_cluster_forwarded_requests_total{protocol,node}} (requests this node
 * replayed on another), {@code vecstore_cluster_moves_total{result}} and
 * {@code vecstore_cluster_move_seconds} (moves of namespaces away from this node).
 *
 * <p>Thread-safe.
 */
final class ClusterMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> forwards = new ConcurrentHashMap<>();

  ClusterMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the gauges of a joined node. */
  void bind(Supplier<ClusterNode> node) {
    Gauge.builder("vecstore_cluster_nodes", () -> value(node, n -> n.liveNodeCount()))
        .description("Live nodes of the cluster, as this node sees them").register(registry);
    Gauge.builder("vecstore_cluster_namespaces_owned", () -> value(node, n -> n.view().namespacesOf(n.nodeId()).size()))
        .description("Namespaces this node owns").register(registry);
    Gauge.builder("vecstore_cluster_leader", () -> value(node, n -> n.isLeader() ? 1 : 0))
        .description("1 while this node runs the cluster's balancer").register(registry);
    Gauge.builder("vecstore_cluster_writes_allowed", () -> value(node, n -> n.fence().isOpen() ? 1 : 0))
        .description("0 while this node is out of contact with ZooKeeper and refuses writes").register(registry);
  }

  private static double value(Supplier<ClusterNode> node, java.util.function.ToIntFunction<ClusterNode> f) {
    ClusterNode n = node.get();
    return n == null ? 0 : f.applyAsInt(n);
  }

  /** One request replayed on node {@code target}. */
  void forwarded(String protocol, String target) {
    forwards.computeIfAbsent(protocol + ' ' + target, k -> Counter.builder("vecstore_cluster_forwarded_requests")
        .description("Requests this node forwarded to the namespace's owner, by protocol and owner node")
        .tag("protocol", protocol).tag("node", target).register(registry)).increment();
  }

  /** One move away from this node ended. */
  void moveEnded(boolean moved, long nanos) {
    registry.counter("vecstore_cluster_moves", "result", moved ? "moved" : "failed").increment();
    Timer.builder("vecstore_cluster_move_seconds").description("Time to move a namespace away from this node")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }
}
