package io.vecstore.server;

import io.javalin.Javalin;
import io.vecstore.core.NoCallHome;
import io.vecstore.core.store.DataLayout;
import io.vecstore.embed.OnnxEmbedder;
import io.vecstore.core.config.CoreExecutors;
import io.vecstore.http.App;
import io.vecstore.http.ClusterHooks;
import io.vecstore.server.cluster.ClusterOptions;
import io.vecstore.server.cluster.ClusterRuntime;
import io.vecstore.http.Readiness;
import io.vecstore.http.metrics.HttpMetrics;
import io.vecstore.http.ServerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import java.io.PrintStream;
import io.vecstore.grpc.GrpcServer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Command-line entry point: {@code vecstore serve [--data DIR] [--host H] [--port N]}. The only
 * place that reads flags, environment or system properties; everything else gets its config
 * through constructors.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    NoCallHome.apply(); // before any library is loaded: nothing may open a connection off the machine
    configureLogging();
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Deque<String> rest = new ArrayDeque<>(List.of(args));
    if (rest.isEmpty() || Flags.isHelp(rest.peek())) {
      out.print(Flags.USAGE);
      return rest.isEmpty() ? 2 : 0;
    }
    String command = rest.pop();
    if (command.equals("check-index") || command.equals("snapshot")) {
      String key;
      try {
        key = Flags.toolAdminKey(rest);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      }
      return command.equals("check-index")
          ? io.vecstore.server.tools.CheckIndexCommand.run(rest, key, out, err)
          : io.vecstore.server.tools.SnapshotCommand.run(rest, key, out, err);
    }
    if (command.equals("zookeeper")) {
      try {
        io.vecstore.cluster.LocalZooKeeper.main(rest.toArray(String[]::new));
        return 0;
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      } catch (Exception e) {
        err.println("ZooKeeper failed: " + e);
        return 1;
      }
    }
    if (!command.equals("serve")) {
      err.println("Unknown command: " + command);
      err.print(Flags.USAGE);
      return 2;
    }
    ServerConfig config;
    ClusterOptions cluster;
    try {
      cluster = Flags.parseCluster(rest);
      config = Flags.parseServe(rest);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(Flags.USAGE);
      return 2;
    }
    if (config == null) {
      out.print(Flags.USAGE);
      return 0;
    }
    return serve(config, cluster);
  }

  /**
   * The in-process embedding models, one pool thread per core; they load on first use. DJL's
   * tokenizer unpacks its native library into the data directory rather than the home directory.
   */
  static OnnxEmbedder embedder(DataLayout layout) {
    if (System.getProperty(DJL_CACHE_DIR) == null && System.getenv(DJL_CACHE_DIR) == null) {
      System.setProperty(DJL_CACHE_DIR, layout.nativeCacheDir().toAbsolutePath().toString());
    }
    return new OnnxEmbedder(Runtime.getRuntime().availableProcessors());
  }

  private static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";

  /** Serve's flags parsed (also used by tests); null means help was asked for. */
  static ServerConfig parseServe(Deque<String> args) {
    return Flags.parseServe(args);
  }

  private static int serve(ServerConfig config, ClusterOptions clusterOptions) {
    Logger log = LoggerFactory.getLogger(Main.class);
    NamespaceManager manager;
    try {
      manager = new NamespaceManager(config.managerConfig(), CoreExecutors.forThisMachine());
    } catch (Exception e) {
      log.error("Cannot open data directory {}: {}", config.dataDir().toAbsolutePath(), e.toString());
      return 1;
    }
    OnnxEmbedder embedder = embedder(manager.layout());
    manager.embedder(embedder);
    // One registry for both transports: gRPC calls and auth failures land in REST's series.
    HttpMetrics metrics = new HttpMetrics(manager::usage);
    ClusterRuntime cluster = clusterOptions == null ? null : new ClusterRuntime(clusterOptions, config, manager, metrics);
    // In cluster mode, joining the cluster counts as one more listener that must be up.
    Readiness readiness = new Readiness((config.grpcPort() != 0 ? 2 : 1) + (cluster != null ? 1 : 0));
    Javalin app = App.create(config, manager, metrics, readiness, cluster == null ? ClusterHooks.NONE : cluster.restHooks());
    try {
      app.start(config.host(), config.port());
    } catch (RuntimeException e) {
      log.error("Cannot listen on {}:{}: {}", config.host(), config.port(), e.getMessage());
      try {
        manager.close();
      } catch (Exception ignored) {
        // already failing
      }
      return 1;
    }
    GrpcServer grpc = null;
    if (config.grpcPort() != 0) {
      try {
        GrpcServer.Options options = grpcOptions(config, metrics);
        grpc = GrpcServer.start(cluster == null ? options : options.withRouting(cluster.grpcRouting(), cluster::presents),
            manager);
        readiness.listenerUp();
      } catch (IOException | RuntimeException e) {
        log.error("Cannot listen for gRPC on {}:{}: {}", config.host(), config.grpcPort(), e.getMessage());
        app.stop();
        try {
          manager.close();
        } catch (Exception ignored) {
          // already failing
        }
        return 1;
      }
    }
    if (cluster != null) {
      try {
        cluster.join(config.host(), app.port(), grpc == null ? 0 : grpc.port());
        readiness.listenerUp();
      } catch (Exception e) {
        log.error("Cannot join the cluster at {}: {}", clusterOptions.connect(), e.getMessage());
        if (grpc != null) {
          grpc.close();
        }
        app.stop();
        cluster.close();
        try {
          manager.close();
        } catch (Exception ignored) {
          // already failing
        }
        return 1;
      }
    }
    GrpcServer grpcServer = grpc;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      readiness.stopping(); // /ready says 503 from the first moment of shutdown
      int status = 0;
      if (cluster != null) {
        // Still serving: the namespaces move away with their writes paused under a second each.
        log.info("Shutting down: handing this node's namespaces to the other nodes");
        try {
          cluster.handOff();
        } catch (Exception e) {
          log.error("Handing off namespaces failed; those left here are unreachable until this node returns", e);
          status = 1;
        }
      }
      log.info("Shutting down: finishing requests, committing namespaces");
      if (grpcServer != null) {
        grpcServer.shutdown(); // refuses new calls at once; the running ones are waited for below
      }
      try {
        app.stop(); // refuses new requests, waits for running ones
      } catch (RuntimeException e) {
        log.error("Stopping the HTTP server failed", e);
        status = 1;
      }
      if (grpcServer != null && !grpcServer.awaitTermination(App.SHUTDOWN_GRACE)) {
        log.warn("gRPC calls still running after {} s; cancelled", App.SHUTDOWN_GRACE.toSeconds());
      }
      if (cluster != null) {
        cluster.dropHandedOff();
      }
      try {
        manager.close();
      } catch (Exception e) {
        log.error("Closing namespaces failed", e);
        status = 1;
      }
      embedder.close();
      if (cluster != null) {
        cluster.close();
      }
      log.info("Stopped");
      // A JVM ended by SIGTERM exits with 143 even after a clean shutdown; service managers and
      // orchestrators read that as a failure. Every namespace is committed now, so say so.
      Runtime.getRuntime().halt(status);
    }, "vecstore-shutdown"));
    log.info("VecStore listening on http://{}:{} (data: {}, durability: {}, {})",
        hostForUrl(config.host()), app.port(), manager.layout().root(),
        config.durability().name().toLowerCase(java.util.Locale.ROOT),
        config.adminKey() == null ? "no admin key: authentication off, loopback only" : "admin key required");
    if (grpcServer != null) {
      log.info("VecStore gRPC listening on {}:{} (vecstore.v1.VecStoreAdminService, vecstore.v1.VecStoreService, "
          + "health, reflection)", hostForUrl(config.host()), grpcServer.port());
    }
    try {
      new CountDownLatch(1).await(); // until the shutdown hook halts the JVM
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The gRPC server's options: same host, key and metrics as HTTP, the body limit as message limit. */
  static GrpcServer.Options grpcOptions(ServerConfig config, HttpMetrics metrics) {
    return new GrpcServer.Options(config.host(), config.grpcPort(), config.adminKey(),
        (int) Math.min(config.maxBodyBytes(), Integer.MAX_VALUE), metrics::countAuthFailure, metrics::recordGrpc);
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static void configureLogging() {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    setDefault("org.slf4j.simpleLogger.log.io.javalin", "warn");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
