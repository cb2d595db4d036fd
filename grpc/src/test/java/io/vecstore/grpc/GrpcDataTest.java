package io.vecstore.grpc;

import static io.vecstore.grpc.GrpcTestServer.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status.Code;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.DeleteRequest;
import io.vecstore.grpc.v1.FetchRequest;
import io.vecstore.grpc.v1.GetNamespaceStatsRequest;
import io.vecstore.grpc.v1.IdList;
import io.vecstore.grpc.v1.IntLimit;
import io.vecstore.grpc.v1.NamespaceStats;
import io.vecstore.grpc.v1.NamespaceStatus;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QueryResult;
import io.vecstore.grpc.v1.QuotaUpdate;
import io.vecstore.grpc.v1.RateLimit;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreServiceGrpc.VecStoreServiceBlockingStub;
import io.vecstore.grpc.v1.Vector;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The data service over a real port: round trips with filters, and quota and status rejections. */
@ExtendWith(Seeded.class)
class GrpcDataTest {

  static final String[] CATEGORIES = {"tech", "food", "travel"};

  @TempDir Path dataDir;
  GrpcTestServer server;
  VecStoreServiceBlockingStub data;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, null);
    data = server.data(null);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private void create(String id, QuotaUpdate.Builder quotas) {
    CreateNamespaceRequest.Builder r = CreateNamespaceRequest.newBuilder().setId(id);
    if (quotas == null) {
      r.setTier(Tier.UNLIMITED);
    } else {
      r.setQuotas(quotas);
    }
    server.admin(null).createNamespace(r.build());
  }

  private static Vector vector(String id, float[] values, Struct metadata) {
    Vector.Builder v = Vector.newBuilder().setId(id);
    for (float f : values) {
      v.addValues(f);
    }
    if (metadata != null) {
      v.setMetadata(metadata);
    }
    return v.build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Value num(double d) {
    return Value.newBuilder().setNumberValue(d).build();
  }

  private static float[] random(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static double cosineDistance(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return 1 - dot / Math.sqrt(na * nb);
  }

  private static QueryRequest.Builder query(String ns, float[] q, int k) {
    QueryRequest.Builder r = QueryRequest.newBuilder().setNamespace(ns).setK(k);
    for (float f : q) {
      r.addVector(f);
    }
    return r;
  }

  @Test
  void roundTripWithStringAndJsonFilters(Random random) {
    create("docs", null);
    int n = 80, dim = 8; // fewer than the default num_candidates: searched exactly, so the top k is known
    List<float[]> vectors = new ArrayList<>();
    UpsertRequest.Builder upsert = UpsertRequest.newBuilder().setNamespace("docs");
    for (int i = 0; i < n; i++) {
      float[] v = random(random, dim);
      vectors.add(v);
      upsert.addVectors(vector("v" + i, v, Struct.newBuilder()
          .putFields("category", str(CATEGORIES[i % 3]))
          .putFields("year", num(2015 + i % 10))
          .putFields("tags", Value.newBuilder().setListValue(ListValue.newBuilder().addValues(str("t" + i % 4))).build())
          .build()));
    }
    assertEquals(n, data.upsert(upsert.build()).getUpserted());

    float[] q = random(random, dim);
    List<QueryResult> tech = data.query(query("docs", q, 10).setFilter("category = 'tech' AND year >= 2018").build()).getResultsList();
    List<String> expected = IntStream.range(0, n)
        .filter(i -> i % 3 == 0 && 2015 + i % 10 >= 2018)
        .boxed()
        .sorted(Comparator.comparingDouble(i -> cosineDistance(q, vectors.get(i))))
        .limit(10)
        .map(i -> "v" + i)
        .toList();
    assertEquals(expected, tech.stream().map(QueryResult::getId).toList());
    for (QueryResult r : tech) {
      assertEquals("tech", r.getMetadata().getFieldsOrThrow("category").getStringValue());
      assertEquals(1 - r.getDistance(), r.getScore(), 1e-12);
      assertEquals(0, r.getValuesCount(), "values only when asked");
    }

    Struct jsonFilter = Struct.newBuilder().putFields("year",
        Value.newBuilder().setStructValue(Struct.newBuilder().putFields("$in",
            Value.newBuilder().setListValue(ListValue.newBuilder().addValues(num(2015)).addValues(num(2016))).build())).build())
        .build();
    List<QueryResult> old = data.query(query("docs", q, 100).setFilterJson(jsonFilter).setIncludeValues(true)
        .setIncludeMetadata(false).build()).getResultsList();
    assertEquals(16, old.size(), "every match, even with k above them");
    for (QueryResult r : old) {
      int i = Integer.parseInt(r.getId().substring(1));
      assertTrue(i % 10 < 2);
      assertFalse(r.hasMetadata());
      assertEquals(dim, r.getValuesCount());
      assertEquals(vectors.get(i)[0], r.getValues(0));
    }
    assertEquals(10, data.query(query("docs", q, 10).clearK().build()).getResultsCount(), "k defaults to 10");

    Vector fetched = data.fetch(FetchRequest.newBuilder().setNamespace("docs").setId("v7").build()).getVector();
    assertEquals(upsert.getVectors(7), fetched, "values and metadata come back as sent");

    assertEquals(2, data.delete(DeleteRequest.newBuilder().setNamespace("docs")
        .setIds(IdList.newBuilder().addIds("v0").addIds("v1").addIds("absent")).build()).getDeleted());
    assertEquals(26, data.delete(DeleteRequest.newBuilder().setNamespace("docs").setFilter("category = 'food'").build()).getDeleted());
    assertFailure(Code.NOT_FOUND, "vector_not_found", "Vector not found: v1",
        () -> data.fetch(FetchRequest.newBuilder().setNamespace("docs").setId("v1").build()));
    NamespaceStats stats = server.admin(null).getNamespaceStats(GetNamespaceStatsRequest.newBuilder().setId("docs").build()).getStats();
    assertEquals(n - 2 - 26, stats.getVectorCount());
    assertEquals(1, stats.getTotalUpserts());
    assertEquals(3, stats.getTotalQueries());
    assertEquals(2, stats.getTotalDeletes());
    assertEquals(8, stats.getTotalRequests(), "upsert, 3 queries, 2 fetches, 2 deletes");
  }

  @Test
  void wholeNumbersInMetadataReadBackAsIntegersAndOthersAsDoubles() {
    create("m", null);
    Struct metadata = Struct.newBuilder().putFields("year", num(2020)).putFields("price", num(9.5))
        .putFields("none", Value.newBuilder().setNullValueValue(0).build())
        .putFields("nested", Value.newBuilder().setStructValue(Struct.newBuilder().putFields("ok", Value.newBuilder().setBoolValue(true).build())).build())
        .build();
    data.upsert(UpsertRequest.newBuilder().setNamespace("m").addVectors(vector("a", new float[] {1, 2}, metadata)).build());
    assertEquals(2020, server.manager.fetch("m", "a").metadata().get("year").asLong());
    assertTrue(server.manager.fetch("m", "a").metadata().get("year").isIntegralNumber(), "2020, not 2020.0");
    assertEquals(metadata, data.fetch(FetchRequest.newBuilder().setNamespace("m").setId("a").build()).getVector().getMetadata());
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "vectors[0].metadata.x must be a finite number, got: NaN",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("m")
            .addVectors(vector("b", new float[] {1, 2}, Struct.newBuilder().putFields("x", num(Double.NaN)).build())).build()));
  }

  @Test
  void requestErrorsCarryRestsMessages() {
    create("e", null);
    data.upsert(UpsertRequest.newBuilder().setNamespace("e").addVectors(vector("a", new float[] {1, 0, 0}, null)).build());
    assertFailure(Code.INVALID_ARGUMENT, "dimension_mismatch", null,
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("e").addVectors(vector("b", new float[] {1, 0}, null)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "dimension_mismatch", "Query dimension mismatch: expected 3, got 2",
        () -> data.query(query("e", new float[] {1, 0}, 1).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "values of vector 'n' must be finite 32-bit floats, got: NaN at index 1",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("e").addVectors(vector("n", new float[] {1, Float.NaN, 0}, null)).build()));
    var bad = GrpcTestServer.fails(() -> data.query(query("e", new float[] {1, 0, 0}, 1).setFilter("category IN ['a' 'b']").build()));
    assertEquals(Code.INVALID_ARGUMENT, bad.status());
    assertEquals("invalid_filter", bad.code());
    assertTrue(bad.info().getMetadataMap().containsKey("position"), bad.toString());
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "delete request needs exactly one of 'ids' and 'filter'",
        () -> data.delete(DeleteRequest.newBuilder().setNamespace("e").build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "vector id must not be empty",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("e").addVectors(vector("", new float[] {1, 0, 0}, null)).build()));
    assertFailure(Code.NOT_FOUND, "namespace_not_found", "Namespace not found: nope",
        () -> data.query(query("nope", new float[] {1}, 1).build()));
  }

  @Test
  void quotasRejectWithRestsMessages() {
    create("q", QuotaUpdate.newBuilder()
        .setMaxVectors(IntLimit.newBuilder().setValue(3))
        .setMaxBatchSize(IntLimit.newBuilder().setValue(4))
        .setMaxResultsPerQuery(IntLimit.newBuilder().setValue(5))
        .setMaxDimension(IntLimit.newBuilder().setValue(2)));
    UpsertRequest.Builder four = UpsertRequest.newBuilder().setNamespace("q");
    for (int i = 0; i < 4; i++) {
      four.addVectors(vector("v" + i, new float[] {1, i}, null));
    }
    var quota = GrpcTestServer.fails(() -> data.upsert(four.build()));
    assertEquals(Code.RESOURCE_EXHAUSTED, quota.status());
    assertEquals("quota_exceeded", quota.code());
    assertEquals("Upsert would exceed vector quota: 0 + 4 > 3", quota.message());
    assertEquals("3", quota.info().getMetadataMap().get("limit"));
    assertEquals("4", quota.info().getMetadataMap().get("value"));
    assertEquals(null, quota.retry(), "retrying does not help a full namespace");
    four.removeVectors(3);
    assertEquals(3, data.upsert(four.build()).getUpserted());
    assertEquals(1, data.upsert(UpsertRequest.newBuilder().setNamespace("q").addVectors(vector("v0", new float[] {2, 2}, null)).build())
        .getUpserted(), "updating an id at full quota succeeds");
    UpsertRequest.Builder five = UpsertRequest.newBuilder().setNamespace("q");
    for (int i = 0; i < 5; i++) {
      five.addVectors(vector("v" + i, new float[] {1, i}, null));
    }
    assertFailure(Code.INVALID_ARGUMENT, "limit_exceeded", "Batch size exceeds limit: 5 > 4", () -> data.upsert(five.build()));
    assertFailure(Code.INVALID_ARGUMENT, "limit_exceeded", "Query limit exceeds maximum: 6 > 5",
        () -> data.query(query("q", new float[] {1, 0}, 6).build()));
    assertEquals(3, data.query(query("q", new float[] {1, 0}, 5).build()).getResultsCount(), "a full namespace answers queries");
  }

  @Test
  void rateAndConcurrencyRejectionsCarryRetryInfo() {
    create("r", QuotaUpdate.newBuilder().setMaxRequestsPerSecond(RateLimit.newBuilder().setValue(0.01)));
    data.upsert(UpsertRequest.newBuilder().setNamespace("r").addVectors(vector("a", new float[] {1, 0}, null)).build());
    var limited = GrpcTestServer.fails(() -> data.query(query("r", new float[] {1, 0}, 1).build()));
    assertEquals(Code.RESOURCE_EXHAUSTED, limited.status());
    assertEquals("rate_limited", limited.code());
    assertEquals("Rate limit exceeded: 0.01 requests/second", limited.message());
    assertTrue(limited.retry().getRetryDelay().getSeconds() >= 1, limited.toString());

    create("c", QuotaUpdate.newBuilder().setMaxConcurrentQueries(IntLimit.newBuilder().setValue(0)));
    var busy = GrpcTestServer.fails(() -> data.query(query("c", new float[] {1, 0}, 1).build()));
    assertEquals(Code.RESOURCE_EXHAUSTED, busy.status());
    assertEquals("too_many_concurrent_queries", busy.code());
    assertEquals("Concurrent query limit exceeded: 0 / 0", busy.message());
    assertEquals(1, busy.retry().getRetryDelay().getSeconds());
  }

  @Test
  void statusesRejectWithFailedPrecondition() {
    create("s", null);
    data.upsert(UpsertRequest.newBuilder().setNamespace("s").addVectors(vector("a", new float[] {1, 0}, null)).build());
    setStatus("s", NamespaceStatus.READ_ONLY);
    assertFailure(Code.FAILED_PRECONDITION, "namespace_read_only", "Namespace is read-only: upsert rejected (s)",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("s").addVectors(vector("b", new float[] {1, 0}, null)).build()));
    assertEquals(1, data.query(query("s", new float[] {1, 0}, 1).build()).getResultsCount());
    setStatus("s", NamespaceStatus.SUSPENDED);
    assertFailure(Code.FAILED_PRECONDITION, "namespace_suspended", "Namespace is suspended: query rejected (s)",
        () -> data.query(query("s", new float[] {1, 0}, 1).build()));
    setStatus("s", NamespaceStatus.PENDING_DELETION);
    assertFailure(Code.FAILED_PRECONDITION, "namespace_pending_deletion", null,
        () -> data.fetch(FetchRequest.newBuilder().setNamespace("s").setId("a").build()));
    assertEquals(1, data.delete(DeleteRequest.newBuilder().setNamespace("s").setIds(IdList.newBuilder().addIds("a")).build()).getDeleted(),
        "pending deletion still allows vector deletes");
  }

  private void setStatus(String id, NamespaceStatus status) {
    server.admin(null).updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId(id).setStatus(status).build());
  }
}
