package io.vecstore.demo;

import io.vecstore.demo.Namespaces.Hit;
import io.vecstore.demo.Namespaces.Namespace;
import io.vecstore.demo.Namespaces.NewNamespace;
import io.vecstore.demo.Namespaces.Query;
import io.vecstore.demo.Namespaces.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the chapters of the story share: the namespaces API, the narrator, the id prefix, a seeded
 * random source, the namespaces the story created (deleted again at the end) and, per namespace,
 * the data requests that were admitted, so the story can hold the product's usage counters to
 * them exactly.
 *
 * <p>Thread-safety: the counting calls ({@link #upsert}, {@link #query}) may run concurrently;
 * the rest is used by the story's one thread.
 */
final class Tour {

  /** The seed of every random vector of the story (printed in its header). */
  static final long SEED = 25;

  final Namespaces api;
  final Story story;
  final Random random = new Random(SEED);
  private final String prefix;
  private final List<String> created = new CopyOnWriteArrayList<>();
  private final Map<String, Admitted> admitted = new ConcurrentHashMap<>();
  /** The quota errors met on the way, by what caused them (Best Practices 3 reacts to them). */
  final Map<String, ApiException> errors = new java.util.LinkedHashMap<>();

  /** Admitted data requests of one namespace, by kind. */
  static final class Admitted {
    final LongAdder upserts = new LongAdder();
    final LongAdder queries = new LongAdder();
    final LongAdder deletes = new LongAdder();

    long requests() {
      return upserts.sum() + queries.sum() + deletes.sum();
    }
  }

  Tour(Namespaces api, Story story, String prefix) {
    this.api = api;
    this.story = story;
    this.prefix = prefix;
  }

  /** The namespace id the story uses for the guide's {@code name}. */
  String id(String name) {
    return prefix + name;
  }

  /** The guide's namespace names the story creates, for the pre-flight check against a server. */
  static List<String> names() {
    return List.of("customer-123", "premium-customer", "org-free-trial", "org-pro-workload", "org-enterprise-admin",
        "project-custom-quotas", "project-vector-quota", "project-storage-quota", "project-busy", "project-utilization",
        "customer-456", "customer-550e8400-e29b-41d4-a716-446655440000", "dev", "staging", "production",
        "beta-features", "stable", "org-acme-corp");
  }

  Namespace create(NewNamespace spec) {
    Namespace ns = api.create(spec);
    created.add(spec.id());
    admitted.put(spec.id(), new Admitted());
    return ns;
  }

  /** The namespaces the story created and has not deleted, in creation order. */
  List<String> created() {
    return List.copyOf(created);
  }

  void deleted(String id) {
    created.remove(id);
  }

  long upsert(String ns, List<Vector> batch) {
    long n = api.upsert(ns, batch);
    admitted(ns).upserts.increment();
    return n;
  }

  List<Hit> query(String ns, Query q) {
    List<Hit> hits = api.query(ns, q);
    admitted(ns).queries.increment();
    return hits;
  }

  void deleteVector(String ns, String vectorId) {
    api.deleteVector(ns, vectorId);
    admitted(ns).deletes.increment();
  }

  Admitted admitted(String ns) {
    return admitted.computeIfAbsent(ns, k -> new Admitted());
  }

  /** {@code n} vectors {@code <idPrefix><first…>} of random values in [-1, 1), no metadata. */
  List<Vector> randomVectors(String idPrefix, int first, int n, int dimension) {
    List<Vector> out = new ArrayList<>(n);
    for (int i = first; i < first + n; i++) {
      float[] v = new float[dimension];
      for (int d = 0; d < dimension; d++) {
        v[d] = random.nextFloat() * 2 - 1;
      }
      out.add(new Vector(idPrefix + i, v, Map.of()));
    }
    return out;
  }

  float[] randomVector(int dimension) {
    return randomVectors("", 0, 1, dimension).get(0).values();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Metadata with its keys in the order given (as the guide's {@code json!} keeps them). */
  static Map<String, Object> meta(Object... keyValuePairs) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValuePairs.length; i += 2) {
      m.put((String) keyValuePairs[i], keyValuePairs[i + 1]);
    }
    return m;
  }

  /** Metadata as the guide's {@code json!} writes it. */
  static String json(Map<String, ?> value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  static String vector(float[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(v[i]);
    }
    return b.append(']').toString();
  }
}
