package io.vecstore.server.cluster;

import io.grpc.ServerInterceptor;
import io.vecstore.cluster.ClusterConfig;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.HandOffReport;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.ClusterHooks;
import io.vecstore.http.ServerConfig;
import io.vecstore.http.metrics.HttpMetrics;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server in cluster mode: joins the cluster (the cluster module's {@link ClusterNode}, on
 * ZooKeeper) and plugs it into the server's parts. Core gets the ownership {@link OwnershipCheck
 * write check}, REST the {@link RestRouting routing hooks} and the cluster's routes, gRPC the
 * {@link GrpcRouting routing interceptor}; the node gets this server's namespace sizes
 * ({@link NamespaceLoads}) and its way of moving a namespace ({@link NamespaceMover}).
 *
 * <p>Order of use, by {@code Main}: construct (before the transports, which take the hooks),
 * start REST and gRPC, {@link #join} (now the ports are known), serve; at SIGTERM
 * {@link #handOff} while still serving, stop the transports, {@link #dropHandedOff}, close the
 * manager, {@link #close}. Until joined, namespace requests are answered 503 {@code not_ready}
 * and writes are refused.
 *
 * <p>Thread-safe. {@code Main} closes it.
 */
public final class ClusterRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRuntime.class);

  private final ClusterOptions options;
  private final NamespaceManager manager;
  private final OwnershipCheck check = new OwnershipCheck();
  private final NodeClient client;
  private final ClusterMetrics metrics;
  private final RestRouting rest;
  private final GrpcRouting grpc;
  private final LocalCopies copies;
  private final NamespaceMover mover;
  private final NamespaceLoads loads;
  private final ReplicaShipping replicas;
  private final ScheduledExecutorService janitor;
  private volatile ClusterNode node;

  public ClusterRuntime(ClusterOptions options, ServerConfig config, NamespaceManager manager, HttpMetrics httpMetrics) {
    this.options = options;
    this.manager = manager;
    manager.writeCheck(check);
    this.client = new NodeClient(options.nodeId(), config.adminKey());
    this.metrics = new ClusterMetrics(httpMetrics.registry());
    this.replicas = new ReplicaShipping(manager, client, this::node, options.nodeId());
    check.replicatedBy(replicas);
    ReplicaRoutes replicaRoutes = new ReplicaRoutes(this::node, manager, replicas::lag);
    InternalRoutes internal = new InternalRoutes(this::node, manager, replicaRoutes, replicas);
    this.rest = new RestRouting(this::node, manager, check, metrics, client, internal, config.maxBodyBytes(),
        config.pinecone());
    this.grpc = new GrpcRouting(this::node, check, metrics);
    this.copies = new LocalCopies(manager, this::node);
    this.mover = new NamespaceMover(manager, client, metrics, copies::handedOff, this::node, replicaRoutes);
    this.loads = new NamespaceLoads(manager, rest::presents);
    this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vecstore-cluster-" + options.nodeId() + "-copies");
      t.setDaemon(true);
      return t;
    });
  }

  private ClusterNode node() {
    return node;
  }

  public ClusterHooks restHooks() {
    return rest;
  }

  public ServerInterceptor grpcRouting() {
    return grpc;
  }

  /** Whether this node owns the namespace (its listings and totals show only those). */
  public boolean presents(String namespaceId) {
    return rest.presents(namespaceId);
  }

  /**
   * Joins the cluster once REST (and gRPC, when {@code grpcPort} is not 0) listen: registers the
   * node, loads the placements, places namespaces found on disk that no node owns, and schedules
   * the checks of local copies.
   *
   * @throws Exception ZooKeeper cannot be reached, or the node id is live elsewhere
   */
  public void join(String host, int httpPort, int grpcPort) throws Exception {
    URI advertise = options.advertise();
    if (advertise == null) {
      if (isWildcard(host)) {
        throw new IllegalArgumentException("--advertise URL is needed when listening on " + host
            + ": the other nodes must know an address of this one");
      }
      advertise = URI.create("http://" + forUrl(host) + ":" + httpPort);
    }
    String grpcAddress = options.grpcAdvertise();
    if (grpcAddress == null && grpcPort != 0) {
      grpcAddress = forUrl(advertise.getHost()) + ":" + grpcPort;
    }
    ClusterConfig config = ClusterConfig.of(options.connect(), options.nodeId(), advertise)
        .withGrpcAddress(grpcAddress)
        .withTimeouts(options.sessionTimeout(), Duration.ofSeconds(5));
    ClusterNode joined = ClusterNode.start(config, loads, mover);
    check.joined(joined.fence());
    node = joined;
    metrics.bind(this::node);
    copies.sweep();
    janitor.scheduleWithFixedDelay(copies::sweep, 5, 5, TimeUnit.SECONDS);
    janitor.scheduleWithFixedDelay(replicas::sweep, 1, 1, TimeUnit.SECONDS);
    LOG.info("Node {} joined the cluster at {} as {} (gRPC {}); {} live nodes", options.nodeId(), options.connect(),
        advertise, grpcAddress == null ? "off" : grpcAddress, joined.liveNodeCount());
  }

  /** Moves every namespace this node owns to the others (SIGTERM); the node keeps serving meanwhile. */
  public HandOffReport handOff() throws Exception {
    ClusterNode n = node;
    if (n == null) {
      return new HandOffReport(java.util.Map.of(), java.util.Map.of());
    }
    if (!n.fence().isOpen()) {
      // Out of contact with ZooKeeper: nothing can change hands; the namespaces stay here.
      LOG.warn("Not handing off: this node is out of contact with ZooKeeper; its namespaces stay here");
      return new HandOffReport(java.util.Map.of(), java.util.Map.of());
    }
    long start = System.nanoTime();
    HandOffReport report = n.handOff(options.handOffTimeout());
    LOG.info("Handed off {} namespaces in {} ms{}", report.moved().size(), (System.nanoTime() - start) / 1_000_000,
        report.complete() ? "" : "; " + report.failed().size() + " stay here (unreachable until this node returns): "
            + report.failed());
    return report;
  }

  /** Drops the local copies of handed-off namespaces; call once no request runs any more. */
  public void dropHandedOff() {
    copies.dropHandedOff();
  }

  /**
   * Leaves the cluster (its znodes are deleted) and stops the threads. Waits at most 5 s for
   * ZooKeeper: out of contact, the node's znodes go when its session expires anyway.
   */
  @Override
  public void close() {
    janitor.shutdownNow();
    replicas.close();
    ClusterNode n = node;
    if (n != null) {
      Thread closing = Thread.ofPlatform().daemon().name("vecstore-cluster-close").start(n::close);
      try {
        if (!closing.join(Duration.ofSeconds(5))) {
          LOG.warn("Leaving the cluster did not finish within 5 s (ZooKeeper unreachable?); its session expires instead");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    grpc.close();
    client.close();
  }

  private static boolean isWildcard(String host) {
    try {
      return InetAddress.getByName(host).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String forUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
