package io.vecstore.http;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.auth.Access;
import io.vecstore.http.auth.Authenticator;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.ErrorResponses;
import io.vecstore.http.errors.JettyErrorHandler;
import io.vecstore.http.metrics.HttpMetrics;
import io.vecstore.http.pinecone.PineconeRoutes;
import io.vecstore.http.routes.JsonBodies;
import io.vecstore.http.routes.Routes;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Javalin app of a VecStore server: REST routes, error mapping, health, metrics and the
 * bundled admin UI. Used by {@link Main} and, with port 0, by the tests. The caller starts it with
 * {@code start(config.host(), config.port())} and stops it before closing the manager.
 */
public final class App {

  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  /** How long a shutdown waits for running requests before stopping anyway. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

  private App() {}

  /**
   * Jetty's request threads, named: a handful kept warm for a small machine's cores, and room for
   * many requests that wait (durable writes wait for their fsync, which concurrent writers share)
   * without a thread per connection.
   */
  private static QueuedThreadPool threadPool() {
    int cores = Runtime.getRuntime().availableProcessors();
    QueuedThreadPool pool = new QueuedThreadPool(Math.max(64, 16 * cores), Math.max(4, 2 * cores), 60_000);
    pool.setName("vecstore-http");
    return pool;
  }

  /** An app that is ready once it listens, with metrics of its own (tests, benchmarks). */
  public static Javalin create(ServerConfig config, NamespaceManager manager) {
    return create(config, manager, new HttpMetrics(manager::usage), new Readiness(1));
  }

  /**
   * An app recording into {@code metrics} (shared with the other transports) and ready when
   * {@code readiness} says so; it counts itself as one listener once Jetty listens.
   */
  public static Javalin create(ServerConfig config, NamespaceManager manager, HttpMetrics metrics, Readiness readiness) {
    return create(config, manager, metrics, readiness, ClusterHooks.NONE);
  }

  /** As above, in cluster mode: {@code hooks} route requests to the nodes that own their namespaces. */
  public static Javalin create(ServerConfig config, NamespaceManager manager, HttpMetrics metrics, Readiness readiness,
      ClusterHooks hooks) {
    RequestGate gate = new RequestGate();
    metrics.bindQuotaChanges(manager::quotaChanges);
    return Javalin.create(c -> {
      if (hooks != ClusterHooks.NONE) {
        c.contextResolver.ip = ctx -> {
          String ip = hooks.clientIp(ctx);
          return ip != null ? ip : ctx.req().getRemoteAddr();
        };
      }
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.jsonMapper(new JavalinJackson(JsonCodec.MAPPER, false));
      c.http.maxRequestSize = config.maxBodyBytes();
      c.http.prefer405over404 = true;
      // A %uXXXX escape (IIS-style UTF-16) is not URL encoding; Jetty accepts it by default and the
      // path-parameter decoder then fails: refused at the door, 400 like any other bad escape. An
      // encoded slash (%2F) is allowed, so that a vector id holding '/' has a GET and DELETE route;
      // no path segment is ever a file path (ids are validated before any disk access).
      c.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(http.getUriCompliance()
          .without("vecstore", UriCompliance.Violation.UTF16_ENCODINGS)
          .with("vecstore", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR)));
      c.jetty.modifyServletContextHandler(handler -> handler.getServletHandler().setDecodeAmbiguousURIs(true));
      c.jetty.threadPool = threadPool();
      c.jetty.modifyServer(server -> {
        server.setStopTimeout(30_000);
        server.setErrorHandler(new JettyErrorHandler());
      });
      c.staticFiles.add(s -> {
        s.hostedPath = "/ui";
        s.directory = "/vecstore-ui";
        s.location = Location.CLASSPATH;
        s.headers = Map.of("Cache-Control", "no-cache");
      });
      c.requestLogger.http((ctx, ms) -> {
        gate.exit(ctx);
        metrics.record(ctx, ms);
      });
      c.events.serverStarted(readiness::listenerUp);
      c.events.serverStopping(() -> {
        readiness.stopping();
        if (!gate.closeAndDrain(SHUTDOWN_GRACE)) {
          LOG.warn("Requests still running after {} s; stopping anyway", SHUTDOWN_GRACE.toSeconds());
        }
      });
      c.events.serverStopped(metrics::close);

      ErrorResponses.install(c.routes);
      c.routes.before(ctx -> {
        if (!ctx.path().equals("/health") && !ctx.path().equals("/ready")) {
          gate.enter(ctx);
        }
      });
      Authenticator auth = new Authenticator(config.adminKey(), config.metricsPublic(), manager, metrics::countAuthFailure);
      boolean clustered = hooks != ClusterHooks.NONE; // a single server registers no hook at all
      PineconeRoutes pinecone = new PineconeRoutes(manager, new JsonBodies(config.maxBodyBytes()), config.pinecone(),
          config.adminKey(), hooks);
      c.routes.beforeMatched(pinecone::resolve); // the namespace of a Pinecone request, for routing and keys
      if (clustered) {
        c.routes.beforeMatched(ctx -> {
          if (hooks.beforeAuth(ctx)) {
            ctx.skipRemainingHandlers();
          }
        });
      }
      c.routes.beforeMatched(auth::check);
      if (clustered) {
        c.routes.beforeMatched(ctx -> {
          if (hooks.afterAuth(ctx)) {
            ctx.skipRemainingHandlers();
          }
        });
        c.routes.afterMatched(hooks::after);
        c.routes.exception(io.vecstore.core.error.UnavailableException.class, (e, ctx) -> {
          if (!e.code().equals(io.vecstore.core.error.UnavailableException.NOT_OWNER) || !hooks.retryElsewhere(ctx, e)) {
            ErrorResponses.handle(e, ctx);
          }
        });
      }
      c.routes.get("/", ctx -> ctx.redirect("/ui/"), Access.OPEN);
      c.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")), Access.OPEN);
      c.routes.get("/ready", ctx -> {
        if (readiness.ready()) {
          ctx.json(Map.of("status", "ready"));
        } else {
          ErrorResponses.write(ctx, 503, "not_ready", "Server is starting or shutting down", Map.of());
        }
      }, Access.OPEN);
      c.routes.get("/metrics", ctx -> ctx.contentType(HttpMetrics.CONTENT_TYPE).result(metrics.scrape()), Access.METRICS);
      Routes.register(c.routes, manager, config.maxBodyBytes(), hooks::presents, hooks::maxReplicationFactor);
      pinecone.register(c.routes);
      io.vecstore.http.openapi.OpenApiRoutes.register(c);
      hooks.addRoutes(c.routes);
    });
  }
}
