package io.vecstore.grpc;

import static io.vecstore.grpc.GrpcTestServer.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.DeleteNamespaceRequest;
import io.vecstore.grpc.v1.GetAggregateStatsRequest;
import io.vecstore.grpc.v1.GetAggregateStatsResponse;
import io.vecstore.grpc.v1.GetNamespaceRequest;
import io.vecstore.grpc.v1.GetNamespaceStatsRequest;
import io.vecstore.grpc.v1.IntLimit;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.ListNamespacesResponse;
import io.vecstore.grpc.v1.Metric;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.NamespaceStats;
import io.vecstore.grpc.v1.NamespaceStatus;
import io.vecstore.grpc.v1.QuotaUpdate;
import io.vecstore.grpc.v1.RateLimit;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc.VecStoreAdminServiceBlockingStub;
import io.vecstore.grpc.v1.Vector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every admin RPC over a real port with a real client, and their errors with REST's messages and codes. */
class GrpcAdminTest {

  @TempDir Path dataDir;
  GrpcTestServer server;
  VecStoreAdminServiceBlockingStub admin;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, null);
    admin = server.admin(null);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static QuotaUpdate.Builder quotas() {
    return QuotaUpdate.newBuilder();
  }

  private static IntLimit limit(long v) {
    return IntLimit.newBuilder().setValue(v).build();
  }

  private static final IntLimit UNLIMITED = IntLimit.newBuilder().setUnlimited(true).build();

  private Namespace create(String id) {
    return admin.createNamespace(CreateNamespaceRequest.newBuilder().setId(id).build()).getNamespace();
  }

  @Test
  void createsTheGuidesExampleWithUnsetQuotasUnlimited() {
    Instant before = Instant.now().minusSeconds(1);
    Namespace ns = admin.createNamespace(CreateNamespaceRequest.newBuilder()
        .setId("customer-123").setName("Customer 123").setDescription("the guide's").putMetadata("region", "eu")
        .setQuotas(quotas().setMaxVectors(limit(50_000)).setMaxStorageBytes(limit(524_288_000))
            .setMaxRequestsPerSecond(RateLimit.newBuilder().setValue(50.0)))
        .build()).getNamespace();
    assertEquals("customer-123", ns.getId());
    assertEquals("Customer 123", ns.getName());
    assertEquals("the guide's", ns.getDescription());
    assertEquals("eu", ns.getMetadataMap().get("region"));
    assertEquals(50_000, ns.getQuotas().getMaxVectors());
    assertEquals(524_288_000, ns.getQuotas().getMaxStorageBytes());
    assertEquals(50.0, ns.getQuotas().getMaxRequestsPerSecond());
    assertFalse(ns.getQuotas().hasMaxConcurrentQueries(), "not given: unlimited");
    assertFalse(ns.getQuotas().hasMaxBatchSize());
    assertEquals(NamespaceStatus.ACTIVE, ns.getStatus());
    assertEquals(Metric.COSINE, ns.getMetric());
    assertFalse(ns.hasDimension());
    assertEquals(0, ns.getVectorCount());
    assertTrue(ns.hasVectorCount());
    assertTrue(ns.getCreatedAt().getSeconds() >= before.getEpochSecond());
    Namespace got = admin.getNamespace(GetNamespaceRequest.newBuilder().setId("customer-123").build()).getNamespace();
    assertEquals(ns.toBuilder().clearStorageBytes().clearQuotaUtilization().build(),
        got.toBuilder().clearStorageBytes().clearQuotaUtilization().build(), "sizes may have moved; the rest is the same");
  }

  @Test
  void createsWithTierMetricAndDimension() {
    Namespace ns = admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("f").setTier(Tier.FREE)
        .setQuotas(quotas().setMaxBatchSize(limit(7))).setMetric(Metric.EUCLIDEAN).setDimension(3).build()).getNamespace();
    assertEquals(10_000, ns.getQuotas().getMaxVectors());
    assertEquals(2, ns.getQuotas().getMaxConcurrentQueries());
    assertEquals(7, ns.getQuotas().getMaxBatchSize(), "quotas override the tier");
    assertEquals(Metric.EUCLIDEAN, ns.getMetric());
    assertEquals(3, ns.getDimension());
    assertEquals("f", ns.getName(), "the id when no name is given");
    Namespace defaults = create("d");
    assertEquals(10, defaults.getQuotas().getMaxConcurrentQueries(), "neither tier nor quotas: pro with 10 concurrent queries");
    assertEquals(1_000_000, defaults.getQuotas().getMaxVectors());
  }

  @Test
  void createsWithQuantizationAndDefaultNumCandidates() {
    Namespace ns = admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("qz")
        .setQuantization(io.vecstore.grpc.v1.Quantization.QUANTIZATION_INT4).setDefaultNumCandidates(64).build()).getNamespace();
    assertEquals(io.vecstore.grpc.v1.Quantization.QUANTIZATION_INT4, ns.getQuantization());
    assertEquals(64, ns.getDefaultNumCandidates());
    Namespace plain = create("plain");
    assertEquals(io.vecstore.grpc.v1.Quantization.QUANTIZATION_NONE, plain.getQuantization());
    assertFalse(plain.hasDefaultNumCandidates());
    io.grpc.StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("bad").setDefaultNumCandidates(0).build()));
    assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("default_num_candidates must be between 1 and "));
  }

  @Test
  void updatesQuotasByMergingAndUnlimitedClearsALimit() {
    create("q"); // on pro: unlimited storage is above its ceiling, so it takes the override
    GrpcTestServer.assertFailure(io.grpc.Status.Code.INVALID_ARGUMENT, "exceeds_plan",
        "max_storage_bytes unlimited exceeds plan pro's ceiling of 10737418240",
        () -> admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("q")
            .setQuotas(quotas().setMaxStorageBytes(UNLIMITED)).build()));
    Namespace ns = admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("q")
        .setQuotas(quotas().setMaxVectors(limit(100_000)).setMaxStorageBytes(UNLIMITED)).setOverride(true).build()).getNamespace();
    assertEquals(100_000, ns.getQuotas().getMaxVectors());
    assertFalse(ns.getQuotas().hasMaxStorageBytes(), "unlimited now");
    assertEquals(10, ns.getQuotas().getMaxConcurrentQueries(), "absent: unchanged");
    assertEquals(100.0, ns.getQuotas().getMaxRequestsPerSecond());
    Namespace same = admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("q").build()).getNamespace();
    assertEquals(ns.getQuotas(), same.getQuotas(), "no quotas: nothing changes");
  }

  @Test
  void updatesStatusAndPendingDeletionHasADueDate() {
    create("s");
    Namespace ro = admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("s")
        .setStatus(NamespaceStatus.READ_ONLY).build()).getNamespace();
    assertEquals(NamespaceStatus.READ_ONLY, ro.getStatus());
    assertFalse(ro.hasDeletionDue());
    Namespace pending = admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("s")
        .setStatus(NamespaceStatus.PENDING_DELETION).build()).getNamespace();
    assertTrue(pending.hasPendingDeletionSince());
    assertTrue(pending.hasDeletionDue());
    assertEquals(7 * 24 * 3600, pending.getDeletionDue().getSeconds() - pending.getPendingDeletionSince().getSeconds());
    NamespaceStats stats = admin.getNamespaceStats(GetNamespaceStatsRequest.newBuilder().setId("s").build()).getStats();
    assertEquals(NamespaceStatus.PENDING_DELETION, stats.getStatus());
    assertEquals(pending.getDeletionDue(), stats.getDeletionDue());
  }

  @Test
  void listsPagesWithCursorPrefixAndStatus() {
    for (String id : List.of("a1", "a2", "a3", "b1")) {
      create(id);
    }
    admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("a2").setStatus(NamespaceStatus.SUSPENDED).build());
    ListNamespacesResponse first = admin.listNamespaces(ListNamespacesRequest.newBuilder().setPrefix("a").setLimit(2).build());
    assertEquals(List.of("a1", "a2"), first.getNamespacesList().stream().map(Namespace::getId).toList());
    assertEquals(3, first.getTotal());
    assertFalse(first.getNextCursor().isEmpty());
    ListNamespacesResponse second = admin.listNamespaces(ListNamespacesRequest.newBuilder().setPrefix("a").setLimit(2)
        .setCursor(first.getNextCursor()).build());
    assertEquals(List.of("a3"), second.getNamespacesList().stream().map(Namespace::getId).toList());
    assertTrue(second.getNextCursor().isEmpty(), "last page");
    ListNamespacesResponse all = admin.listNamespaces(ListNamespacesRequest.getDefaultInstance());
    assertEquals(4, all.getNamespacesCount());
    ListNamespacesResponse suspended = admin.listNamespaces(ListNamespacesRequest.newBuilder().setStatus(NamespaceStatus.SUSPENDED).build());
    assertEquals(List.of("a2"), suspended.getNamespacesList().stream().map(Namespace::getId).toList());
  }

  @Test
  void statsAggregateAndDelete() {
    create("x");
    create("y");
    server.data(null).upsert(UpsertRequest.newBuilder().setNamespace("x")
        .addVectors(Vector.newBuilder().setId("a").addValues(1).addValues(0))
        .addVectors(Vector.newBuilder().setId("b").addValues(0).addValues(1)).build());
    NamespaceStats stats = admin.getNamespaceStats(GetNamespaceStatsRequest.newBuilder().setId("x").build()).getStats();
    assertEquals("x", stats.getNamespaceId());
    assertEquals(2, stats.getVectorCount());
    assertEquals(2, stats.getActiveCount());
    assertEquals(0, stats.getDeletedCount());
    assertEquals(2, stats.getDimension());
    assertTrue(stats.getStorageBytes() > 0);
    assertEquals(1, stats.getTotalRequests());
    assertEquals(1, stats.getTotalUpserts());
    assertEquals(NamespaceStatus.ACTIVE, stats.getStatus());
    GetAggregateStatsResponse agg = admin.getAggregateStats(GetAggregateStatsRequest.getDefaultInstance());
    assertEquals(2, agg.getTotalNamespaces());
    assertEquals(2, agg.getActiveNamespaces());
    assertEquals(2, agg.getTotalVectors());
    assertEquals(1, agg.getTotalRequests());
    assertTrue(agg.getTotalStorageBytes() > 0);
    assertEquals("x", admin.deleteNamespace(DeleteNamespaceRequest.newBuilder().setId("x").build()).getDeleted());
    assertFailure(Code.NOT_FOUND, "namespace_not_found", "Namespace not found: x",
        () -> admin.getNamespace(GetNamespaceRequest.newBuilder().setId("x").build()));
    assertEquals(1, admin.getAggregateStats(GetAggregateStatsRequest.getDefaultInstance()).getTotalNamespaces());
  }

  @Test
  void errorsCarryRestsMessagesAndCodes() {
    create("dup");
    assertFailure(Code.ALREADY_EXISTS, "namespace_exists", "Namespace already exists: dup",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("dup").build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "id is required in namespace",
        () -> admin.createNamespace(CreateNamespaceRequest.getDefaultInstance()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "namespace id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$, got: '../etc'",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("../etc").build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "tier must be one of [free, pro, unlimited], got: 9",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("t").setTierValue(9).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "max_vectors must be a non-negative integer, got: -1",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("t")
            .setQuotas(quotas().setMaxVectors(limit(-1))).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "max_batch_size is out of range, got: 4294967296",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("t")
            .setQuotas(quotas().setMaxBatchSize(limit(1L << 32))).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "max_vectors.unlimited must be true when set (leave max_vectors out to keep its value), got: false",
        () -> admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("dup")
            .setQuotas(quotas().setMaxVectors(IntLimit.newBuilder().setUnlimited(false))).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "status is required in status request",
        () -> admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("dup").build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "status must be one of [active, read_only, suspended, pending_deletion], got: unavailable",
        () -> admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("dup")
            .setStatus(NamespaceStatus.UNAVAILABLE).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "limit must be between 1 and 1000, got: 0",
        () -> admin.listNamespaces(ListNamespacesRequest.newBuilder().setLimit(0).build()));
    for (var call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> admin.getNamespace(GetNamespaceRequest.newBuilder().setId("nope").build()),
        () -> admin.getNamespaceStats(GetNamespaceStatsRequest.newBuilder().setId("nope").build()),
        () -> admin.deleteNamespace(DeleteNamespaceRequest.newBuilder().setId("nope").build()),
        () -> admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("nope").build()),
        () -> admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("nope")
            .setStatus(NamespaceStatus.ACTIVE).build()))) {
      assertFailure(Code.NOT_FOUND, "namespace_not_found", "Namespace not found: nope", call);
    }
    var notFound = GrpcTestServer.fails(() -> admin.getNamespace(GetNamespaceRequest.newBuilder().setId("nope").build()));
    assertEquals("nope", notFound.info().getMetadataMap().get("namespace"), "REST's details ride in ErrorInfo.metadata");
    assertEquals(GrpcErrors.DOMAIN, notFound.info().getDomain());
  }
}
