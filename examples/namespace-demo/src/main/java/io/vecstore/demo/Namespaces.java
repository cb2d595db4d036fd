package io.vecstore.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.Quotas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The guide's {@code NamespaceManager}, as the demo's story calls it: one interface, two
 * implementations, {@link EmbeddedNamespaces} (core as a library) and {@link RestNamespaces} (a
 * running server over HTTP). Every failure is an {@link ApiException} carrying the product's
 * stable code and message, so the story checks both modes with the same expectations.
 *
 * <p>Thread-safety: implementations are safe for concurrent use (the story runs queries at once).
 * Who closes it: {@link NamespaceDemo}, after the story.
 */
interface Namespaces extends AutoCloseable {

  /** Where the story runs, for its first line. */
  String describe();

  Namespace create(NewNamespace spec);

  Namespace get(String id);

  /** Every namespace, sorted by id. */
  List<Namespace> list();

  /** Merges {@code patch} (quota wire name to value; a null value is unlimited) into the quotas. */
  Namespace updateQuotas(String id, Map<String, Number> patch);

  /** As {@link #updateQuotas}, past the plan's ceilings (the server records the override). */
  Namespace overrideQuotas(String id, Map<String, Number> patch);

  /** Moves a namespace to another plan, its quotas becoming that plan's. */
  Namespace changePlan(String id, String plan);

  Namespace updateStatus(String id, NamespaceStatus status);

  Stats stats(String id);

  Aggregate aggregateStats();

  void delete(String id);

  /** Upserts a batch, all or nothing; returns the number of vectors written. */
  long upsert(String namespace, List<Vector> batch);

  List<Hit> query(String namespace, Query query);

  void deleteVector(String namespace, String vectorId);

  /** The server's Prometheus text, or empty where there is no server (embedded). */
  Optional<String> metricsText();

  /**
   * Closes everything and opens the same data again, as a process restart would ("Loading
   * Namespaces"); returns how many namespaces were loaded, or empty where the demo cannot restart
   * its backend (a server is the operator's to restart).
   */
  Optional<Integer> restart();

  @Override
  void close();

  /**
   * A create request: the guide's {@code create_namespace(id, name, quotas)} plus our tier and
   * namespace metadata.
   *
   * @param tier {@code free}, {@code pro}, {@code unlimited} or null
   * @param quotas quota wire name to value (null value: unlimited), or null for none given
   */
  record NewNamespace(String id, String name, String tier, Map<String, Number> quotas, Map<String, String> metadata) {
    public NewNamespace {
      Objects.requireNonNull(id, "id");
      quotas = quotas == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quotas));
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    static NewNamespace of(String id, String name) {
      return new NewNamespace(id, name, null, null, null);
    }
  }

  /** A namespace object, the fields the guide uses. */
  record Namespace(String id, String name, Map<String, String> metadata, Quotas quotas, NamespaceStatus status,
      long vectorCount, long storageBytes, double quotaUtilization, boolean nearQuota) {}

  /** The guide's {@code get_stats} figures. */
  record Stats(String namespaceId, long vectorCount, long activeCount, long deletedCount, long storageBytes,
      double quotaUtilization, long totalRequests, long totalQueries, long totalUpserts, long totalDeletes,
      NamespaceStatus status) {}

  /** The guide's {@code get_aggregate_stats}. */
  record Aggregate(long totalNamespaces, long activeNamespaces, long totalVectors, long totalRequests,
      long totalStorageBytes) {}

  /** One vector to upsert; metadata may be empty. */
  record Vector(String id, float[] values, Map<String, Object> metadata) {
    public Vector {
      Objects.requireNonNull(id, "id");
      values = values.clone();
      metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  /** The guide's {@code Query}: a vector, k and an optional filter in the string form. */
  record Query(float[] vector, int k, String filter) {
    public Query {
      vector = vector.clone();
    }
  }

  /** One result: the guide's {@code neighbor.id} and {@code neighbor.distance}, plus our score and metadata. */
  record Hit(String id, double distance, double score, JsonNode metadata) {}

  /** A quota patch as an insertion-ordered map that may hold nulls (unlimited). */
  static Map<String, Number> quotas(Object... nameValuePairs) {
    Map<String, Number> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      m.put((String) nameValuePairs[i], (Number) nameValuePairs[i + 1]);
    }
    return m;
  }

  /** Every value of the 7 quotas, as a patch (so an update with it replaces them all). */
  static Map<String, Number> allOf(Quotas q) {
    Map<String, Number> m = new LinkedHashMap<>();
    for (QuotaField f : QuotaField.values()) {
      m.put(f.wireName(), f.of(q));
    }
    return m;
  }
}
