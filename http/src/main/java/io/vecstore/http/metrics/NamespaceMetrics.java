package io.vecstore.http.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vecstore.core.usage.NamespaceUsage;
import io.vecstore.core.quota.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Per-namespace Prometheus series (the guide's {@code vecstore_namespace_*} metrics), refreshed from
 * the core's usage figures at every scrape. Meters of a namespace are registered the first time it
 * is seen and removed when it is deleted. Figures of a namespace that is not open (not known
 * without opening it) are left out rather than reported as zero.
 *
 * <p>Thread-safety: {@link #refresh} is synchronized; meter functions read a volatile snapshot.
 */
final class NamespaceMetrics {

  private final MeterRegistry registry;
  private volatile Map<String, NamespaceUsage> latest = Map.of();
  private final Map<String, List<Meter>> meters = new HashMap<>();
  private final Map<String, List<Meter>> sizeGauges = new HashMap<>();

  NamespaceMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  synchronized void refresh(List<NamespaceUsage> usage) {
    latest = usage.stream().collect(Collectors.toUnmodifiableMap(NamespaceUsage::id, u -> u));
    for (NamespaceUsage u : usage) {
      meters.computeIfAbsent(u.id(), this::registerCounters);
      boolean sizeKnown = u.vectorCount() >= 0;
      if (sizeKnown && !sizeGauges.containsKey(u.id())) {
        sizeGauges.put(u.id(), registerSizeGauges(u.id()));
      } else if (!sizeKnown && sizeGauges.containsKey(u.id())) {
        sizeGauges.remove(u.id()).forEach(registry::remove);
      }
    }
    Set<String> gone = new java.util.HashSet<>(meters.keySet());
    gone.removeAll(latest.keySet());
    for (String id : gone) {
      meters.remove(id).forEach(registry::remove);
      List<Meter> sizes = sizeGauges.remove(id);
      if (sizes != null) {
        sizes.forEach(registry::remove);
      }
    }
  }

  private List<Meter> registerCounters(String id) {
    Tags tags = Tags.of("namespace", id);
    List<Meter> out = new ArrayList<>();
    out.add(counter("vecstore_namespace_requests", "Admitted data requests", tags, id, u -> u.usage().totalRequests()));
    out.add(counter("vecstore_namespace_queries", "Admitted queries", tags, id, u -> u.usage().totalQueries()));
    out.add(counter("vecstore_namespace_upserts", "Admitted upsert batches", tags, id, u -> u.usage().totalUpserts()));
    out.add(counter("vecstore_namespace_deletes", "Admitted delete requests", tags, id, u -> u.usage().totalDeletes()));
    for (Rejection r : Rejection.values()) {
      out.add(counter("vecstore_namespace_rejections", "Rejected data requests by reason",
          tags.and("reason", r.label()), id, u -> u.rejections().getOrDefault(r, 0L)));
    }
    return out;
  }

  private List<Meter> registerSizeGauges(String id) {
    Tags tags = Tags.of("namespace", id);
    return List.of(
        gauge("vecstore_namespace_vector_count", "Live vectors", tags, id, u -> u.vectorCount()),
        gauge("vecstore_namespace_storage_bytes", "Bytes on disk", tags, id, u -> u.storageBytes()),
        gauge("vecstore_namespace_quota_utilization", "Max of vector and storage quota use, 0 to 1+", tags, id,
            NamespaceUsage::quotaUtilization));
  }

  private Meter counter(String name, String help, Tags tags, String id, ToDoubleFunction<NamespaceUsage> f) {
    return FunctionCounter.builder(name, this, m -> value(m, id, f)).description(help).tags(tags).register(registry);
  }

  private Meter gauge(String name, String help, Tags tags, String id, ToDoubleFunction<NamespaceUsage> f) {
    return Gauge.builder(name, this, m -> value(m, id, f)).description(help).tags(tags).register(registry);
  }

  private static double value(NamespaceMetrics m, String id, ToDoubleFunction<NamespaceUsage> f) {
    NamespaceUsage u = m.latest.get(id);
    return u == null ? Double.NaN : f.applyAsDouble(u);
  }
}
