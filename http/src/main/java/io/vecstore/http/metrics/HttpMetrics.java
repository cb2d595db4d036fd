package io.vecstore.http.metrics;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vecstore.core.audit.ChangeCause;
import io.vecstore.core.usage.NamespaceUsage;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus registry of one server: JVM and process metrics, and HTTP request latency
 * labelled by route template (never the raw path, whose namespace and vector ids would make
 * unbounded label values). Thread-safe.
 */
public final class HttpMetrics implements AutoCloseable {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final NamespaceMetrics namespaces = new NamespaceMetrics(registry);
  private final Supplier<List<NamespaceUsage>> usage;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private volatile Supplier<java.util.Map<ChangeCause, Long>> quotaChanges; // set once, by bindQuotaChanges

  /** @param usage the namespaces' figures, read at every scrape */
  public HttpMetrics(Supplier<List<NamespaceUsage>> usage) {
    this.usage = usage;
    // Two JVM meters break Prometheus naming rules (promtool lint): an abbreviated unit and a
    // gauge ending in _count. Drop the first (process_cpu_usage says the same), rename the second.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.logical") : id;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one finished request; called by Javalin's request logger for every request. */
  public void record(Context ctx, float millis) {
    timer(ctx.method().name(), routeOf(ctx), Integer.toString(ctx.statusCode()))
        .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
  }

  /**
   * Records one finished gRPC call in the same series as REST requests: method {@code GRPC}, the
   * call's full method name as route ({@code /vecstore.v1.VecStoreService/Query}, its HTTP/2 path),
   * and its status code name ({@code OK}, {@code NOT_FOUND}, …) as status.
   */
  public void recordGrpc(String fullMethodName, String code, long nanos) {
    timer("GRPC", "/" + fullMethodName, code).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The timer of one method, route and status, looked up once and kept (a lookup per request showed in profiles). */
  private Timer timer(String method, String route, String status) {
    return timers.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Timer.builder("vecstore_http_server_requests")
        .description("Requests by method, route template and status (REST; gRPC calls as method GRPC)")
        .tag("method", method)
        .tag("route", route)
        .tag("status", status)
        .publishPercentileHistogram()
        .register(registry));
  }

  private static String routeOf(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint(); // before-handlers do not count; set even when a hook answered
    if (matched == null) {
      return ctx.path().startsWith("/ui") ? "/ui/*" : "unmatched";
    }
    return matched.path;
  }

  /**
   * {@code vecstore_namespace_quota_changes_total{cause}}: quota changes since start-up by cause
   * ({@code admin}, {@code override}, {@code plan}, {@code policy}), read from {@code changes} at
   * every scrape. Bound once per registry; a second call is a no-op.
   */
  public synchronized void bindQuotaChanges(Supplier<java.util.Map<ChangeCause, Long>> changes) {
    if (quotaChanges != null) {
      return;
    }
    quotaChanges = changes; // held here: meters keep only a weak reference to what they read
    for (ChangeCause cause : ChangeCause.values()) {
      io.micrometer.core.instrument.FunctionCounter.builder("vecstore_namespace_quota_changes", this,
              m -> m.quotaChanges.get().getOrDefault(cause, 0L))
          .description("Changes of namespace quotas by cause: admin, override (above a plan's ceiling), plan, policy")
          .tag("cause", cause.label())
          .register(registry);
    }
  }

  /** Counts one failed authentication or authorization, by reason (missing, invalid, forbidden, blocked). */
  public void countAuthFailure(String reason) {
    registry.counter("vecstore_auth_failures", "reason", reason).increment();
  }

  public String scrape() {
    namespaces.refresh(usage.get());
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
