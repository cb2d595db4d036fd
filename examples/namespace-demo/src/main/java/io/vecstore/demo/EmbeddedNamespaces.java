package io.vecstore.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.VecStoreException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.namespace.AggregateStats;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.VectorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link Namespaces} over core's {@link NamespaceManager}, embedded as a library on a data
 * directory: the guide's Rust calls as Java calls, no server.
 *
 * <p>Thread-safety: safe for concurrent use, as the manager is; {@link #restart()} must not run
 * concurrently with other calls. Closes its manager on {@link #close()}.
 */
final class EmbeddedNamespaces implements Namespaces {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dataDir;
  private volatile NamespaceManager manager;

  EmbeddedNamespaces(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    this.manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
  }

  @Override
  public String describe() {
    return "core embedded as a library (NamespaceManager on " + dataDir + ")";
  }

  @Override
  public Namespace create(NewNamespace spec) {
    return call(() -> {
      Tier tier = spec.tier() == null ? null : Tier.parse(spec.tier());
      QuotaPatch quotas = spec.quotas() == null ? null : patch(spec.quotas());
      return view(manager.create(
          new CreateNamespace(spec.id(), spec.name(), null, spec.metadata(), tier, quotas, null, null)));
    });
  }

  @Override
  public Namespace get(String id) {
    return call(() -> view(manager.get(id)));
  }

  @Override
  public List<Namespace> list() {
    return call(() -> {
      List<Namespace> all = new ArrayList<>();
      String cursor = null;
      do {
        NamespacePage page = manager.list(1000, cursor, null, null);
        page.namespaces().forEach(i -> all.add(view(i)));
        cursor = page.nextCursor();
      } while (cursor != null);
      return all;
    });
  }

  @Override
  public Namespace updateQuotas(String id, Map<String, Number> patch) {
    return call(() -> view(manager.updateQuotas(id, patch(patch))));
  }

  @Override
  public Namespace overrideQuotas(String id, Map<String, Number> patch) {
    return call(() -> view(manager.updateQuotas(id, patch(patch), true, io.vecstore.core.audit.Actor.ADMIN)));
  }

  @Override
  public Namespace changePlan(String id, String plan) {
    return call(() -> view(manager.changePlan(id, plan, true, false, io.vecstore.core.audit.Actor.ADMIN)));
  }

  @Override
  public Namespace updateStatus(String id, NamespaceStatus status) {
    return call(() -> view(manager.updateStatus(id, status)));
  }

  @Override
  public Stats stats(String id) {
    return call(() -> {
      NamespaceStats s = manager.stats(id);
      return new Stats(s.namespaceId(), s.vectorCount(), s.activeCount(), s.deletedCount(), s.storageBytes(),
          s.quotaUtilization(), s.usage().totalRequests(), s.usage().totalQueries(), s.usage().totalUpserts(),
          s.usage().totalDeletes(), s.status());
    });
  }

  @Override
  public Aggregate aggregateStats() {
    return call(() -> {
      AggregateStats a = manager.aggregateStats();
      return new Aggregate(a.totalNamespaces(), a.activeNamespaces(), a.totalVectors(), a.totalRequests(),
          a.totalStorageBytes());
    });
  }

  @Override
  public void delete(String id) {
    call(() -> {
      manager.delete(id);
      return null;
    });
  }

  @Override
  public long upsert(String namespace, List<Vector> batch) {
    List<VectorRecord> records = new ArrayList<>(batch.size());
    for (Vector v : batch) {
      ObjectNode metadata = v.metadata().isEmpty() ? null : JSON.valueToTree(v.metadata());
      records.add(new VectorRecord(v.id(), v.values(), metadata));
    }
    return call(() -> manager.upsert(namespace, records));
  }

  @Override
  public List<Hit> query(String namespace, Query query) {
    return call(() -> {
      var filter = query.filter() == null ? null : TextNode.valueOf(query.filter());
      SearchRequest request = new SearchRequest(query.vector(), query.k(), null, filter, true, false);
      List<Hit> hits = new ArrayList<>();
      for (QueryHit h : manager.query(namespace, request)) {
        hits.add(new Hit(h.id(), h.distance(), h.score(), h.metadata()));
      }
      return hits;
    });
  }

  @Override
  public void deleteVector(String namespace, String vectorId) {
    call(() -> {
      manager.deleteVector(namespace, vectorId);
      return null;
    });
  }

  @Override
  public Optional<String> metricsText() {
    return Optional.empty();
  }

  @Override
  public Optional<Integer> restart() {
    close();
    try {
      manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(manager.ids().size());
  }

  @Override
  public void close() {
    try {
      manager.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a core call, turning core's errors into the demo's (code and message unchanged). */
  private static <T> T call(Supplier<T> body) {
    try {
      return body.get();
    } catch (VecStoreException e) {
      long retryAfter = e instanceof TooManyRequestsException t ? t.retryAfterSeconds() : 0;
      throw new ApiException(0, e.code(), e.getMessage(), retryAfter);
    }
  }

  private static Namespace view(NamespaceInfo info) {
    NamespaceMeta m = info.meta();
    return new Namespace(m.id(), m.name(), m.metadata(), m.quotas(), m.status(), info.vectorCount(),
        info.storageBytes(), info.quotaUtilization(), info.nearQuota());
  }

  /** A patch from wire names, each value converted to its quota's kind. */
  private static QuotaPatch patch(Map<String, Number> byName) {
    Map<QuotaField, Number> values = new EnumMap<>(QuotaField.class);
    for (QuotaField f : QuotaField.values()) {
      if (byName.containsKey(f.wireName())) {
        Number v = byName.get(f.wireName());
        values.put(f, v == null ? null : switch (f.kind()) {
          case LONG -> (Number) v.longValue();
          case INT -> (Number) v.intValue();
          case NUMBER -> (Number) v.doubleValue();
        });
      }
    }
    return QuotaPatch.of(values);
  }
}
