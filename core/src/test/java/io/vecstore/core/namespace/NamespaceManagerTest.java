package io.vecstore.core.namespace;

import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.VecStoreException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Seeded.class)
class NamespaceManagerTest {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @TempDir Path dataDir;
  private NamespaceManager manager;

  @BeforeEach
  void open() throws IOException {
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
  }

  @AfterEach
  void close() throws IOException {
    manager.close();
  }

  private void reopen() throws IOException {
    manager.close();
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
  }

  private static VectorRecord vec(String id, float... values) {
    return new VectorRecord(id, values, null);
  }

  private static VectorRecord vec(String id, String metadataJson, float... values) throws IOException {
    return new VectorRecord(id, values, (ObjectNode) JSON.readTree(metadataJson));
  }

  private static SearchRequest query(float[] v, int k) {
    return new SearchRequest(v, k, null, null, true, false);
  }

  private static CreateNamespace create(String id, Metric metric) {
    return new CreateNamespace(id, id, null, Map.of(), null, null, metric, null);
  }

  @Test
  void createsGetsListsAndDeletesNamespaces() {
    NamespaceInfo created = manager.create(new CreateNamespace(
        "customer-123", "Customer 123", "first customer", Map.of("region", "eu"), null, null, null, null));
    assertEquals("customer-123", created.meta().id());
    assertEquals("Customer 123", created.meta().name());
    assertEquals(NamespaceStatus.ACTIVE, created.meta().status());
    assertEquals(Metric.COSINE, created.meta().metric());
    assertEquals(Quotas.defaults(), created.meta().quotas());
    assertTrue(Files.exists(dataDir.resolve("customer-123/namespace.json")));

    assertEquals("first customer", manager.get("customer-123").meta().description());
    assertEquals(Map.of("region", "eu"), manager.get("customer-123").meta().metadata());
    assertEquals(List.of("customer-123"), ids(manager.list(100, null, null, null)));

    manager.delete("customer-123");
    assertThrows(NotFoundException.class, () -> manager.get("customer-123"));
    assertFalse(Files.exists(dataDir.resolve("customer-123")));
    assertEquals(List.of(), ids(manager.list(100, null, null, null)));
  }

  @Test
  void listsInPagesByIdWithPrefixAndStatus() {
    for (String id : List.of("b-2", "a-1", "c-3", "b-1", "a-2")) {
      manager.create(CreateNamespace.of(id, id));
    }
    manager.updateStatus("a-2", NamespaceStatus.SUSPENDED);
    NamespacePage first = manager.list(2, null, null, null);
    assertEquals(List.of("a-1", "a-2"), ids(first));
    NamespacePage second = manager.list(2, first.nextCursor(), null, null);
    assertEquals(List.of("b-1", "b-2"), ids(second));
    NamespacePage third = manager.list(2, second.nextCursor(), null, null);
    assertEquals(List.of("c-3"), ids(third));
    assertNull(third.nextCursor());

    assertEquals(List.of("b-1", "b-2"), ids(manager.list(10, null, "b-", null)));
    assertEquals(List.of("a-2"), ids(manager.list(10, null, null, NamespaceStatus.SUSPENDED)));
    assertEquals(List.of("a-1"), ids(manager.list(10, null, "a", NamespaceStatus.ACTIVE)));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.list(0, null, null, null));
    assertEquals("limit must be between 1 and 1000, got: 0", e.getMessage());
    assertThrows(InvalidRequestException.class, () -> manager.list(10, "%%%", null, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "../evil", "a/b", "-leading-dash", "_x", "has space", "ünïcode", "a\\b",
      "x123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
  void rejectsInvalidNamespaceIdsAndWritesNothing(String id) throws IOException {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.create(CreateNamespace.of(id, "x")));
    assertEquals("invalid_argument", e.code());
    assertTrue(e.getMessage().startsWith("namespace id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$, got: "), e.getMessage());
    try (Stream<Path> files = Files.list(dataDir)) {
      assertEquals(0, files.count());
    }
    assertFalse(Files.exists(dataDir.getParent().resolve("evil")));
  }

  @Test
  void acceptsIdsWithDotsInside() {
    manager.create(CreateNamespace.of("a.b..c", "dots"));
    assertEquals("a.b..c", manager.get("a.b..c").meta().id());
  }

  @Test
  void rejectsDuplicateNamespace() {
    manager.create(CreateNamespace.of("dup", "one"));
    AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> manager.create(CreateNamespace.of("dup", "two")));
    assertEquals("namespace_exists", e.code());
    assertEquals("one", manager.get("dup").meta().name());
  }

  @Test
  void upsertsQueriesFetchesAndDeletes() throws IOException {
    manager.create(CreateNamespace.of("ns", "ns"));
    assertEquals(2, manager.upsert("ns", List.of(
        vec("doc1", "{\"title\":\"Document 1\",\"category\":\"tech\"}", 0.1f, 0.2f, 0.3f),
        vec("doc2", "{\"category\":\"food\"}", 0.3f, 0.2f, 0.1f))));
    List<QueryHit> hits = manager.query("ns", query(new float[] {0.15f, 0.25f, 0.35f}, 10));
    assertEquals(List.of("doc1", "doc2"), hits.stream().map(QueryHit::id).toList());
    assertEquals("tech", hits.getFirst().metadata().get("category").asText());

    VectorRecord fetched = manager.fetch("ns", "doc1");
    assertEquals("Document 1", fetched.metadata().get("title").asText());
    assertEquals(List.of(0.1f, 0.2f, 0.3f), boxed(fetched.values()));

    manager.deleteVector("ns", "doc1");
    assertThrows(NotFoundException.class, () -> manager.fetch("ns", "doc1"));
    assertThrows(NotFoundException.class, () -> manager.deleteVector("ns", "doc1"));
    assertEquals(List.of("doc2"), manager.query("ns", query(new float[] {1, 1, 1}, 10)).stream().map(QueryHit::id).toList());
    assertEquals(1, manager.stats("ns").vectorCount());
    assertEquals(0, manager.deleteVectors("ns", List.of("nope", "nothing")));
    assertEquals(1, manager.deleteVectors("ns", List.of("doc2", "doc2", "nope")));
    assertEquals(0, manager.stats("ns").vectorCount());
  }

  @Test
  void updateByIdReplacesVectorAndMetadata() throws IOException {
    manager.create(CreateNamespace.of("ns", "ns"));
    manager.upsert("ns", List.of(vec("a", "{\"v\":1}", 1, 0), vec("b", 0, 1)));
    manager.query("ns", query(new float[] {1, 0}, 1)); // makes the first batch a searchable segment
    manager.upsert("ns", List.of(vec("a", "{\"v\":2}", 0, 1)));
    VectorRecord a = manager.fetch("ns", "a");
    assertEquals(List.of(0f, 1f), boxed(a.values()));
    assertEquals(2, a.metadata().get("v").asInt());
    NamespaceStats stats = manager.stats("ns");
    assertEquals(2, stats.vectorCount());
    // deletedCount is Lucene's: small segments may already have been merged on refresh.
    assertTrue(stats.deletedCount() <= 1);
    // The replaced document no longer answers queries.
    List<QueryHit> hits = manager.query("ns", query(new float[] {1, 0}, 10));
    assertEquals(2, hits.size());
    assertEquals(2, hits.stream().map(QueryHit::id).distinct().count());
  }

  @Test
  void lastOccurrenceOfAnIdInABatchWins() {
    manager.create(CreateNamespace.of("ns", "ns"));
    assertEquals(1, manager.upsert("ns", List.of(vec("a", 1, 0), vec("a", 0, 1))));
    assertEquals(List.of(0f, 1f), boxed(manager.fetch("ns", "a").values()));
    assertEquals(1, manager.stats("ns").vectorCount());
  }

  @Test
  void kLargerThanCountReturnsAll() {
    manager.create(CreateNamespace.of("ns", "ns"));
    manager.upsert("ns", List.of(vec("a", 1, 0), vec("b", 0, 1), vec("c", 1, 1)));
    assertEquals(3, manager.query("ns", query(new float[] {1, 0}, 1000)).size());
  }

  @Test
  void queryOnEmptyNamespaceReturnsNothing() {
    manager.create(CreateNamespace.of("ns", "ns"));
    assertEquals(List.of(), manager.query("ns", query(new float[] {1, 2}, 5)));
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void resultsMatchBruteForce(Metric metric, Random random) {
    manager.create(create("ns", metric));
    int n = 300, dim = 8;
    List<VectorRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(vec("v" + i, randomVector(random, dim)));
    }
    manager.upsert("ns", records);
    for (int q = 0; q < 20; q++) {
      float[] query = randomVector(random, dim);
      int k = 1 + random.nextInt(20);
      List<QueryHit> hits = manager.query("ns", new SearchRequest(query, k, n, null, false, true));
      List<double[]> expected = records.stream()
          .map(r -> new double[] {Integer.parseInt(r.id().substring(1)), bruteForceDistance(metric, query, r.values())})
          .sorted(Comparator.comparingDouble(d -> d[1]))
          .limit(k)
          .toList();
      assertEquals(k, hits.size());
      for (int i = 0; i < k; i++) {
        assertEquals(expected.get(i)[1], hits.get(i).distance(), 1e-9, metric + " distance at rank " + i);
        assertEquals(scoreOf(metric, expected.get(i)[1]), hits.get(i).score(), 1e-9);
        if (i > 0) {
          assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance(), "sorted best first");
        }
      }
    }
  }

  @Test
  void restartKeepsNamespacesVectorsAndCounters() throws IOException {
    manager.create(create("keep", Metric.EUCLIDEAN));
    manager.upsert("keep", List.of(vec("a", "{\"x\":[1,2.50,{\"deep\":null}]}", 1, 2, 3), vec("b", 4, 5, 6)));
    manager.query("keep", query(new float[] {1, 2, 3}, 1));
    manager.deleteVector("keep", "b");
    reopen();
    NamespaceInfo info = manager.get("keep");
    assertEquals(Metric.EUCLIDEAN, info.meta().metric());
    assertEquals(3, info.meta().dimension());
    assertEquals(1, info.vectorCount());
    assertEquals("{\"x\":[1,2.50,{\"deep\":null}]}", JSON.writeValueAsString(manager.fetch("keep", "a").metadata()));
    NamespaceStats stats = manager.stats("keep");
    assertEquals(4, stats.usage().totalRequests()); // upsert, query, delete, fetch
    assertEquals(1, stats.usage().totalUpserts());
    assertEquals(1, stats.usage().totalQueries());
    assertEquals(1, stats.usage().totalDeletes());
  }

  @Test
  void dimensionIsFixedByFirstUpsert() {
    manager.create(CreateNamespace.of("ns", "ns"));
    manager.upsert("ns", List.of(vec("a", 1, 2, 3, 4)));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.upsert("ns", List.of(vec("b", 1, 2, 3))));
    assertEquals("Vector dimension mismatch: expected 4, got 3", e.getMessage());
    assertEquals("dimension_mismatch", e.code());
    e = assertThrows(InvalidRequestException.class, () -> manager.query("ns", query(new float[] {1, 2, 3}, 1)));
    assertEquals("Query dimension mismatch: expected 4, got 3", e.getMessage());
    assertEquals(1, manager.stats("ns").vectorCount());
  }

  @Test
  void dimensionFixedAtCreate() {
    manager.create(new CreateNamespace("ns", "ns", null, Map.of(), null, null, null, 2));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.upsert("ns", List.of(vec("b", 1, 2, 3))));
    assertEquals("Vector dimension mismatch: expected 2, got 3", e.getMessage());
    assertThrows(InvalidRequestException.class,
        () -> manager.create(new CreateNamespace("big", "big", null, Map.of(), null, null, null, 5000)));
  }

  @Test
  void rejectsBadVectorsAndWritesNothing() throws IOException {
    manager.create(CreateNamespace.of("ns", "ns"));
    manager.upsert("ns", List.of(vec("keep", 1, 1)));
    List<List<VectorRecord>> bad = List.of(
        List.of(),
        List.of(vec("ok", 1, 1), vec("nan", Float.NaN, 1)),
        List.of(vec("ok", 1, 1), vec("inf", 1, Float.POSITIVE_INFINITY)),
        List.of(vec("empty")),
        List.of(vec("zero", 0, 0)),
        List.of(vec("", 1, 1)),
        List.of(vec("x".repeat(513), 1, 1)),
        List.of(vec("ok", 1, 1), vec("mixed", 1, 1, 1)),
        List.of(vec("deep", "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}", 1, 1)),
        List.of(vec("big", "{\"a\":\"" + "x".repeat(70_000) + "\"}", 1, 1)));
    for (List<VectorRecord> batch : bad) {
      VecStoreException e = assertThrows(VecStoreException.class, () -> manager.upsert("ns", batch));
      assertEquals(InvalidRequestException.class, e.getClass(), e.getMessage());
    }
    assertEquals(1, manager.stats("ns").vectorCount());
    assertThrows(NotFoundException.class, () -> manager.fetch("ns", "ok"));
    InvalidRequestException e = assertThrows(InvalidRequestException.class,
        () -> manager.upsert("ns", List.of(vec("nan", Float.NaN, 1))));
    assertEquals("values of vector 'nan' must be finite 32-bit floats, got: NaN at index 0", e.getMessage());
    e = assertThrows(InvalidRequestException.class, () -> manager.query("ns", query(new float[] {1, 1}, 0)));
    assertEquals("k must be between 1 and 10000, got: 0", e.getMessage());
    e = assertThrows(InvalidRequestException.class,
        () -> manager.query("ns", new SearchRequest(new float[] {1, 1}, 10, 5, null, true, false)));
    assertEquals("num_candidates must be between k (10) and 10000, got: 5", e.getMessage());
  }

  @Test
  void operationsOnUnknownNamespaceAreNotFound() {
    NotFoundException e = assertThrows(NotFoundException.class, () -> manager.upsert("ghost", List.of(vec("a", 1))));
    assertEquals("Namespace not found: ghost", e.getMessage());
    assertThrows(NotFoundException.class, () -> manager.query("ghost", query(new float[] {1}, 1)));
    assertThrows(NotFoundException.class, () -> manager.fetch("ghost", "a"));
    assertThrows(NotFoundException.class, () -> manager.delete("ghost"));
    assertThrows(NotFoundException.class, () -> manager.stats("ghost"));
  }

  @Test
  void startUpFinishesInterruptedCreateAndDelete() throws IOException {
    manager.create(CreateNamespace.of("real", "real"));
    manager.close();
    Files.createDirectories(dataDir.resolve(".creating-half-1"));
    Files.writeString(dataDir.resolve(".creating-half-1/namespace.json"), "{");
    Files.createDirectories(dataDir.resolve(".deleting-old-2/index"));
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    assertEquals(List.of("real"), ids(manager.list(10, null, null, null)));
    try (Stream<Path> files = Files.list(dataDir)) {
      assertEquals(List.of(".usage", "real"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "work directories are gone; the usage rollups stay");
    }
  }

  @Test
  void concurrentWritersAndReadersSeeConsistentCounts(Random random) throws Exception {
    manager.create(new CreateNamespace("ns", "ns", null, Map.of(), Tier.UNLIMITED, null, null, null));
    int threads = 4, perThread = 200;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long seed = random.nextLong();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        Random r = new Random(seed + id);
        try {
          for (int i = 0; i < perThread; i++) {
            String vid = "t" + id + "-" + (i % 150); // some updates of earlier ids
            manager.upsert("ns", List.of(vec(vid, randomVector(r, 4))));
            if (i % 10 == 0) {
              manager.query("ns", query(randomVector(r, 4), 5));
              manager.fetch("ns", vid); // read-your-writes
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "test-writer-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertEquals(List.of(), failures);
    assertEquals(threads * 150L, manager.stats("ns").vectorCount());
    assertEquals(threads * 150L, manager.get("ns").vectorCount());
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static List<String> ids(NamespacePage page) {
    return page.namespaces().stream().map(i -> i.meta().id()).toList();
  }

  private static List<Float> boxed(float[] values) {
    List<Float> out = new ArrayList<>();
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  static float[] randomVector(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Written independently of Metric on purpose: the oracle must not share code with what it checks. */
  private static double bruteForceDistance(Metric metric, float[] q, float[] v) {
    double dot = 0, nq = 0, nv = 0, l2 = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * v[i];
      nq += (double) q[i] * q[i];
      nv += (double) v[i] * v[i];
      l2 += ((double) q[i] - v[i]) * ((double) q[i] - v[i]);
    }
    return switch (metric) {
      case COSINE -> 1 - dot / (Math.sqrt(nq) * Math.sqrt(nv));
      case EUCLIDEAN -> Math.sqrt(l2);
      case DOT_PRODUCT -> -dot;
    };
  }

  private static double scoreOf(Metric metric, double distance) {
    return switch (metric) {
      case COSINE -> 1 - distance;
      case EUCLIDEAN -> 1 / (1 + distance);
      case DOT_PRODUCT -> -distance;
    };
  }
}
