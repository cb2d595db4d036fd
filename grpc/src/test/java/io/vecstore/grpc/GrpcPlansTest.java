package io.vecstore.grpc;

import static io.vecstore.grpc.GrpcTestServer.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.vecstore.core.meta.PlanCodec;
import io.vecstore.grpc.GrpcTestServer.Failure;
import io.vecstore.grpc.v1.AutoGrow;
import io.vecstore.grpc.v1.ChangeNamespacePlanRequest;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.IntLimit;
import io.vecstore.grpc.v1.ListNamespaceEventsRequest;
import io.vecstore.grpc.v1.ListNamespaceEventsResponse;
import io.vecstore.grpc.v1.ListPlansRequest;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.NamespaceEvent;
import io.vecstore.grpc.v1.NamespaceStatus;
import io.vecstore.grpc.v1.Plan;
import io.vecstore.grpc.v1.QuotaPolicy;
import io.vecstore.grpc.v1.QuotaUpdate;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpdateNamespaceQuotaPolicyRequest;
import io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc.VecStoreAdminServiceBlockingStub;
import io.vecstore.grpc.v1.Vector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plans, ceilings, plan changes, quota policies and the audit trail over gRPC, with REST's rules and messages. */
class GrpcPlansTest {

  @TempDir Path dataDir;
  GrpcTestServer server;
  VecStoreAdminServiceBlockingStub admin;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, null, PlanCodec.readFile("""
        {"plans": {"metered": {"quotas": {"max_vectors": 10}, "ceilings": {"max_vectors": 20},
                               "quota_policy": {"auto_grow": {"quota": "max_vectors", "cooldown_minutes": 0}}}}}"""
        .getBytes(StandardCharsets.UTF_8)));
    admin = server.admin(null);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static QuotaUpdate vectors(long n) {
    return QuotaUpdate.newBuilder().setMaxVectors(IntLimit.newBuilder().setValue(n)).build();
  }

  private List<NamespaceEvent> events(String id) {
    List<NamespaceEvent> out = new ArrayList<>();
    String cursor = "";
    do {
      ListNamespaceEventsResponse page = admin.listNamespaceEvents(
          ListNamespaceEventsRequest.newBuilder().setId(id).setLimit(2).setCursor(cursor).build());
      out.addAll(page.getEventsList());
      cursor = page.getNextCursor();
    } while (!cursor.isEmpty());
    return out;
  }

  @Test
  void listsPlansAndRefusesQuotasAboveTheCeilingUnlessOverridden() {
    List<Plan> plans = admin.listPlans(ListPlansRequest.getDefaultInstance()).getPlansList();
    assertEquals(List.of("free", "pro", "unlimited", "metered"), plans.stream().map(Plan::getName).toList());
    assertEquals(10_000, plans.getFirst().getCeilings().getMaxVectors());
    assertTrue(plans.getFirst().getBuiltIn());
    assertFalse(plans.get(3).getBuiltIn());
    assertEquals(1.5, plans.get(3).getQuotaPolicy().getAutoGrow().getFactor());
    assertFalse(plans.get(3).getQuotaPolicy().getAutoGrow().hasUpTo(), "up to the ceiling");

    Namespace f = admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("f").setTier(Tier.FREE).build()).getNamespace();
    assertEquals("free", f.getPlan());
    assertFalse(f.hasQuotaPolicy(), "follows its plan's");
    Failure refused = GrpcTestServer.fails(() -> admin.updateNamespaceQuotas(
        UpdateNamespaceQuotasRequest.newBuilder().setId("f").setQuotas(vectors(10_001)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.status());
    assertEquals("exceeds_plan", refused.code());
    assertEquals("max_vectors 10001 exceeds plan free's ceiling of 10000", refused.message());
    assertEquals("10000", refused.info().getMetadataOrThrow("ceiling"));
    Namespace raised = admin.updateNamespaceQuotas(UpdateNamespaceQuotasRequest.newBuilder().setId("f").setQuotas(vectors(10_001))
        .setOverride(true).build()).getNamespace();
    assertEquals(10_001, raised.getQuotas().getMaxVectors());
    NamespaceEvent override = events("f").getFirst();
    assertEquals("quotas", override.getType());
    assertTrue(override.getOverride());
    assertEquals(10_001, override.getNewValue().getStructValue().getFieldsOrThrow("max_vectors").getNumberValue());

    assertFailure(Status.Code.INVALID_ARGUMENT, "invalid_argument",
        "tier and plan name different plans (free, pro); tier is the older name of plan: give one",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("b").setTier(Tier.FREE).setPlan("pro").build()));
    assertFailure(Status.Code.INVALID_ARGUMENT, "exceeds_plan", "max_vectors 21 exceeds plan metered's ceiling of 20",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("m").setPlan("metered").setQuotas(vectors(21)).build()));
    assertEquals(21, admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("m").setPlan("metered").setQuotas(vectors(21))
        .setOverride(true).build()).getNamespace().getQuotas().getMaxVectors());
  }

  @Test
  void plansChangePoliciesApplyAndTheTrailIsPaged() {
    admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("c").setPlan("pro").build());
    assertFailure(Status.Code.INVALID_ARGUMENT, "exceeds_plan", "max_vectors 1000000 exceeds plan free's ceiling of 10000",
        () -> admin.changeNamespacePlan(ChangeNamespacePlanRequest.newBuilder().setId("c").setPlan("free").build()));
    Namespace reset = admin.changeNamespacePlan(ChangeNamespacePlanRequest.newBuilder().setId("c").setPlan("metered")
        .setResetQuotas(true).build()).getNamespace();
    assertEquals("metered", reset.getPlan());
    assertEquals(10, reset.getQuotas().getMaxVectors());
    assertFailure(Status.Code.INVALID_ARGUMENT, "invalid_argument", "plan is required in plan change",
        () -> admin.changeNamespacePlan(ChangeNamespacePlanRequest.newBuilder().setId("c").build()));

    var data = server.data(null);
    for (int i = 0; i < 9; i++) {
      data.upsert(UpsertRequest.newBuilder().setNamespace("c")
          .addVectors(Vector.newBuilder().setId("v" + i).addValues(1).addValues(i)).build());
    }
    Namespace grown = admin.getNamespace(io.vecstore.grpc.v1.GetNamespaceRequest.newBuilder().setId("c").build()).getNamespace();
    assertEquals(15, grown.getQuotas().getMaxVectors(), "the plan's policy grew it after the 9th of 10");

    Namespace own = admin.updateNamespaceQuotaPolicy(UpdateNamespaceQuotaPolicyRequest.newBuilder().setId("c")
        .setQuotaPolicy(QuotaPolicy.newBuilder().setAutoGrow(AutoGrow.newBuilder().setQuota("max_storage_bytes").setUpTo(1_000_000)))
        .build()).getNamespace();
    assertEquals("max_storage_bytes", own.getQuotaPolicy().getAutoGrow().getQuota());
    assertEquals(0.85, own.getQuotaPolicy().getAutoGrow().getWhenUtilizationAbove());
    assertEquals(1_000_000, own.getQuotaPolicy().getAutoGrow().getUpTo());
    assertFailure(Status.Code.INVALID_ARGUMENT, "invalid_argument",
        "quota_policy.auto_grow.factor must be above 1 and at most 1000, got: 0.5",
        () -> admin.updateNamespaceQuotaPolicy(UpdateNamespaceQuotaPolicyRequest.newBuilder().setId("c")
            .setQuotaPolicy(QuotaPolicy.newBuilder().setAutoGrow(AutoGrow.newBuilder().setQuota("max_vectors").setFactor(0.5))).build()));
    assertFalse(admin.updateNamespaceQuotaPolicy(UpdateNamespaceQuotaPolicyRequest.newBuilder().setId("c").build())
        .getNamespace().hasQuotaPolicy(), "absent: follows the plan's again");
    admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("c").setStatus(NamespaceStatus.READ_ONLY).build());

    List<String> seen = events("c").stream().map(e -> e.getSeq() + ":" + e.getActor() + ":" + e.getType()).toList();
    assertEquals(List.of("7:admin:status", "6:admin:quota_policy", "5:admin:quota_policy", "4:policy:quotas", "3:admin:quotas",
        "2:admin:plan", "1:admin:created"), seen);
    assertTrue(events("c").get(3).getReason().startsWith("max_vectors utilization 0.9 above 0.85"));
    assertFailure(Status.Code.INVALID_ARGUMENT, "invalid_argument", "limit must be between 1 and 1000, got: 0",
        () -> admin.listNamespaceEvents(ListNamespaceEventsRequest.newBuilder().setId("c").setLimit(0).build()));
    assertFailure(Status.Code.NOT_FOUND, "namespace_not_found", "Namespace not found: nope",
        () -> admin.listNamespaceEvents(ListNamespaceEventsRequest.newBuilder().setId("nope").build()));
  }
}
