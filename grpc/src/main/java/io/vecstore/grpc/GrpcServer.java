package io.vecstore.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.vecstore.core.auth.Authorizer;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * VecStore's gRPC server (proto/vecstore.proto): the admin and data services over a
 * {@link NamespaceManager}, key checks by {@link AuthInterceptor}, the standard
 * {@code grpc.health.v1.Health} service and server reflection (v1). Netty (shaded) on its own
 * port; calls run on {@code vecstore-grpc-N} threads, the network on {@code vecstore-grpc-io-N}.
 *
 * <p>Thread-safety: safe for concurrent use. Who closes it: the caller ({@code Main} or a test),
 * before closing the manager: {@link #shutdown()} stops taking calls, {@link #awaitTermination}
 * lets the running ones finish, {@link #close()} does both.
 */
public final class GrpcServer implements AutoCloseable {

  /**
   * How the server runs.
   *
   * @param port 0 for any free port
   * @param adminKey the admin key, or null for no authentication (then bind loopback only)
   * @param maxMessageBytes largest request message (REST: the body limit)
   * @param authFailureCounter told the reason of every failed authentication (for metrics)
   * @param calls told every finished call of the VecStore services (for metrics)
   */
  public record Options(String host, int port, String adminKey, int maxMessageBytes, Consumer<String> authFailureCounter,
      CallRecorder calls, ServerInterceptor routing, Predicate<String> presented) {

    /** A single server's options: no routing, listings over every namespace. */
    public Options(String host, int port, String adminKey, int maxMessageBytes, Consumer<String> authFailureCounter,
        CallRecorder calls) {
      this(host, port, adminKey, maxMessageBytes, authFailureCounter, calls, null, id -> true);
    }

    public Options {
      Objects.requireNonNull(presented, "presented");
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got: " + port);
      }
      if (maxMessageBytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes must be positive, got: " + maxMessageBytes);
      }
      Objects.requireNonNull(authFailureCounter, "authFailureCounter");
      Objects.requireNonNull(calls, "calls");
    }

    /** Loopback, no key, 64 MiB messages, failures and calls not counted. */
    public static Options defaults(int port) {
      return new Options("127.0.0.1", port, null, 64 * 1024 * 1024, reason -> { }, CallRecorder.NONE);
    }

    public Options withAdminKey(String key) {
      return new Options(host, port, key, maxMessageBytes, authFailureCounter, calls, routing, presented);
    }

    /**
     * Cluster mode: {@code routing} sees every call of the VecStore services first, before
     * authentication (it forwards calls to the node owning their namespace); {@code presented}
     * picks the local namespaces that ListNamespaces and GetAggregateStats show.
     */
    public Options withRouting(ServerInterceptor routing, Predicate<String> presented) {
      return new Options(host, port, adminKey, maxMessageBytes, authFailureCounter, calls, routing, presented);
    }
  }

  /** Told each finished call: its full method name, its status code's name, and how long it took. */
  @FunctionalInterface
  public interface CallRecorder {
    void record(String fullMethodName, String code, long nanos);

    CallRecorder NONE = (method, code, nanos) -> { };
  }

  private final Server server;
  private final HealthStatusManager health;
  private final ExecutorService executor;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  private GrpcServer(Server server, HealthStatusManager health, ExecutorService executor, EventLoopGroup boss,
      EventLoopGroup workers) {
    this.server = server;
    this.health = health;
    this.executor = executor;
    this.boss = boss;
    this.workers = workers;
  }

  /** Binds and starts serving; throws IOException when the port cannot be bound. */
  public static GrpcServer start(Options options, NamespaceManager manager) throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    // Fixed size with a queue: calls beyond the pool wait their turn instead of growing threads
    // without bound; quotas (rate, query slots) still reject at once once a call runs.
    int threads = Math.max(16, 4 * cores);
    ExecutorService executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), named("vecstore-grpc-"));
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, named("vecstore-grpc-accept-"), NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Math.max(1, cores), named("vecstore-grpc-io-"),
        NioIoHandler.newFactory());
    HealthStatusManager health = new HealthStatusManager();
    AuthInterceptor auth = new AuthInterceptor(
        new Authorizer(options.adminKey(), manager.keys()::authenticate, options.authFailureCounter()));
    CallMetrics metrics = new CallMetrics(options.calls());
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()))
        .channelType(NioServerSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .executor(executor)
        .maxInboundMessageSize(options.maxMessageBytes())
        .addService(ServerInterceptors.intercept(RequestParsing.withClearParseErrors(
            new AdminService(manager, options.presented()).bindService()), interceptors(auth, options.routing(), metrics)))
        .addService(ServerInterceptors.intercept(RequestParsing.withClearParseErrors(new DataService(manager).bindService()),
            interceptors(auth, options.routing(), metrics)))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
    GrpcServer s = new GrpcServer(server, health, executor, boss, workers);
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      s.releaseThreads();
      throw e;
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
    health.setStatus(VecStoreAdminServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(VecStoreServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return s;
  }

  /** Innermost first: authentication, then routing (when any), metrics outermost. */
  private static ServerInterceptor[] interceptors(ServerInterceptor auth, ServerInterceptor routing, ServerInterceptor metrics) {
    return routing == null ? new ServerInterceptor[] {auth, metrics} : new ServerInterceptor[] {auth, routing, metrics};
  }

  /** The port it listens on (the chosen one when started with port 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops taking new calls (they fail UNAVAILABLE; health says NOT_SERVING); running ones go on. */
  public void shutdown() {
    health.enterTerminalState();
    server.shutdown();
  }

  /** Waits up to {@code timeout} for running calls, then cancels what is left. Returns whether all finished. */
  public boolean awaitTermination(Duration timeout) {
    boolean done;
    try {
      done = server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      done = false;
    }
    releaseThreads();
    return done;
  }

  /** {@link #shutdown()} then {@link #awaitTermination} of up to 30 s. Idempotent. */
  @Override
  public void close() {
    shutdown();
    awaitTermination(Duration.ofSeconds(30));
  }

  private void releaseThreads() {
    executor.shutdown();
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
