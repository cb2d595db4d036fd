package io.vecstore.server;

import io.vecstore.http.ServerConfig;

import io.vecstore.http.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vecstore.grpc.GrpcErrors;
import io.vecstore.grpc.GrpcServer;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.NamespaceStatus;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QueryResult;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.grpc.v1.Vector;
import io.vecstore.http.TestServer.Response;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC next to REST: the flag, Main serving both and stopping both on SIGTERM, and the same
 * answers and errors from both for the same requests on one manager.
 */
class GrpcServingTest {

  @TempDir Path dataDir;

  @Test
  void grpcPortFlagDefaultsTo50051AndZeroTurnsItOff() {
    assertEquals(50051, Main.parseServe(new ArrayDeque<>()).grpcPort());
    assertEquals(0, Main.parseServe(new ArrayDeque<>(List.of("--grpc-port", "0"))).grpcPort());
    assertEquals(6565, Main.parseServe(new ArrayDeque<>(List.of("--grpc-port", "6565"))).grpcPort());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Main.parseServe(new ArrayDeque<>(List.of("--grpc-port", "70000"))));
    assertEquals("--grpc-port must be an integer between 0 and 65535, got: 70000", e.getMessage());
    assertEquals(50051, ServerConfig.defaults(dataDir).withPort(0).grpcPort());
  }

  @Test
  void mainServesGrpcNextToHttpAndStopsBothOnSigterm() throws Exception {
    int grpcPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      grpcPort = probe.getLocalPort();
    }
    ServerProcess p = ServerProcess.start(dataDir, "--grpc-port", Integer.toString(grpcPort));
    ManagedChannel channel = null;
    try {
      p.awaitBase(Duration.ofSeconds(60));
      channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
      var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      var admin = VecStoreAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("via-grpc").build());
      assertEquals(1, admin.listNamespaces(ListNamespacesRequest.getDefaultInstance()).getTotal());
      assertTrue(p.log().contains("VecStore gRPC listening on 127.0.0.1:" + grpcPort), p.log());
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.log());
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      p.close();
    }
  }

  @Test
  void restAndGrpcGiveTheSameAnswersAndErrors() throws Exception {
    try (TestServer rest = TestServer.start(dataDir);
        GrpcServer grpc = GrpcServer.start(GrpcServer.Options.defaults(0), rest.manager())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
      try {
        var admin = VecStoreAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        var data = VecStoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertEquals(201, rest.post("/admin/namespaces", "{\"id\":\"p\",\"tier\":\"free\"}").status());
        data.upsert(UpsertRequest.newBuilder().setNamespace("p")
            .addVectors(Vector.newBuilder().setId("a").addValues(1).addValues(0).addValues(0))
            .addVectors(Vector.newBuilder().setId("b").addValues(0.6f).addValues(0.8f).addValues(0))
            .addVectors(Vector.newBuilder().setId("c").addValues(0).addValues(0).addValues(1)).build());

        JsonNode restResults = rest.post("/v1/namespaces/p/query", "{\"vector\":[1,0.1,0],\"k\":3}").json().get("results");
        List<QueryResult> grpcResults = data.query(QueryRequest.newBuilder().setNamespace("p")
            .addVector(1).addVector(0.1f).addVector(0).setK(3).build()).getResultsList();
        assertEquals(restResults.size(), grpcResults.size());
        for (int i = 0; i < grpcResults.size(); i++) {
          assertEquals(restResults.get(i).get("id").asText(), grpcResults.get(i).getId());
          assertEquals(restResults.get(i).get("distance").asDouble(), grpcResults.get(i).getDistance());
        }

        same(rest.post("/admin/namespaces", "{\"id\":\"p\"}"),
            () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("p").build()));
        same(rest.post("/admin/namespaces", "{\"id\":\"x\",\"tier\":\"42\"}"),
            () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("x").setTierValue(42).build()));
        same(rest.post("/v1/namespaces/p/query", "{\"vector\":[1,0,0],\"k\":5000}"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("p").addVector(1).addVector(0).addVector(0).setK(5000).build()));
        same(rest.post("/v1/namespaces/p/query", "{\"vector\":[1,0],\"k\":1}"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("p").addVector(1).addVector(0).setK(1).build()));
        same(rest.post("/v1/namespaces/p/query", "{\"vector\":[1,0,0],\"filter\":\"category = \"}"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("p").addVector(1).addVector(0).addVector(0)
                .setFilter("category = ").build()));
        same(rest.get("/v1/namespaces/nope/vectors/a"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("nope").addVector(1).build()));
        admin.updateNamespaceStatus(UpdateNamespaceStatusRequest.newBuilder().setId("p").setStatus(NamespaceStatus.SUSPENDED).build());
        same(rest.post("/v1/namespaces/p/query", "{\"vector\":[1,0,0]}"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("p").addVector(1).addVector(0).addVector(0).build()));
        assertEquals(201, rest.post("/admin/namespaces", "{\"id\":\"z\",\"tier\":\"unlimited\",\"quotas\":{\"max_concurrent_queries\":0}}").status());
        same(rest.post("/v1/namespaces/z/query", "{\"vector\":[1,0,0]}"),
            () -> data.query(QueryRequest.newBuilder().setNamespace("z").addVector(1).addVector(0).addVector(0).build()));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void restAndGrpcAgreeOnPlansCeilingsPoliciesAndTheTrail() throws Exception {
    try (TestServer rest = TestServer.start(dataDir);
        GrpcServer grpc = GrpcServer.start(GrpcServer.Options.defaults(0), rest.manager())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
      try {
        var admin = VecStoreAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertEquals(201, rest.post("/admin/namespaces", "{\"id\":\"f\",\"plan\":\"free\"}").status());
        var vectors = io.vecstore.grpc.v1.QuotaUpdate.newBuilder()
            .setMaxVectors(io.vecstore.grpc.v1.IntLimit.newBuilder().setValue(10_001)).build();
        same(rest.put("/admin/namespaces/f/quotas", "{\"max_vectors\":10001}"),
            () -> admin.updateNamespaceQuotas(io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest.newBuilder().setId("f")
                .setQuotas(vectors).build()));
        same(rest.put("/admin/namespaces/f/plan", "{\"plan\":\"gold\"}"),
            () -> admin.changeNamespacePlan(io.vecstore.grpc.v1.ChangeNamespacePlanRequest.newBuilder().setId("f").setPlan("gold").build()));
        same(rest.put("/admin/namespaces/f/quota-policy", "{\"auto_grow\":{\"quota\":\"max_vectors\",\"factor\":0.5}}"),
            () -> admin.updateNamespaceQuotaPolicy(io.vecstore.grpc.v1.UpdateNamespaceQuotaPolicyRequest.newBuilder().setId("f")
                .setQuotaPolicy(io.vecstore.grpc.v1.QuotaPolicy.newBuilder().setAutoGrow(
                    io.vecstore.grpc.v1.AutoGrow.newBuilder().setQuota("max_vectors").setFactor(0.5))).build()));
        same(rest.get("/admin/namespaces/f/events?limit=0"),
            () -> admin.listNamespaceEvents(io.vecstore.grpc.v1.ListNamespaceEventsRequest.newBuilder().setId("f").setLimit(0).build()));

        admin.updateNamespaceQuotas(io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest.newBuilder().setId("f").setQuotas(vectors)
            .setOverride(true).build());
        assertEquals(200, rest.put("/admin/namespaces/f/quota-policy", "{\"auto_grow\":{\"quota\":\"max_vectors\"}}").status());
        admin.changeNamespacePlan(io.vecstore.grpc.v1.ChangeNamespacePlanRequest.newBuilder().setId("f").setPlan("pro").build());

        JsonNode restEvents = rest.get("/admin/namespaces/f/events").json().get("events");
        var grpcEvents = admin.listNamespaceEvents(io.vecstore.grpc.v1.ListNamespaceEventsRequest.newBuilder().setId("f").build())
            .getEventsList();
        assertEquals(4, grpcEvents.size());
        for (int i = 0; i < grpcEvents.size(); i++) {
          JsonNode r = restEvents.get(i);
          var g = grpcEvents.get(i);
          assertEquals(r.get("seq").asLong(), g.getSeq());
          assertEquals(r.get("actor").asText(), g.getActor());
          assertEquals(r.get("type").asText(), g.getType());
          assertEquals(r.get("override").asBoolean(), g.getOverride());
          assertEquals(r.get("at").asText(), java.time.Instant.ofEpochSecond(g.getAt().getSeconds(), g.getAt().getNanos()).toString());
          assertTrue(r.get("new").equals(SAME_NUMBER, json(g.getNewValue())), r.get("new") + " vs " + g.getNewValue());
          assertTrue(r.get("old").equals(SAME_NUMBER, json(g.getOldValue())), r.get("old") + " vs " + g.getOldValue());
        }
        JsonNode restNs = rest.get("/admin/namespaces/f").json();
        var grpcNs = admin.getNamespace(io.vecstore.grpc.v1.GetNamespaceRequest.newBuilder().setId("f").build()).getNamespace();
        assertEquals(restNs.get("plan").asText(), grpcNs.getPlan());
        assertEquals(restNs.at("/quota_policy/auto_grow/factor").asDouble(), grpcNs.getQuotaPolicy().getAutoGrow().getFactor());
        assertEquals(restNs.at("/quotas/max_vectors").asLong(), grpcNs.getQuotas().getMaxVectors());
        JsonNode restPlans = rest.get("/admin/plans").json().get("plans");
        var grpcPlans = admin.listPlans(io.vecstore.grpc.v1.ListPlansRequest.getDefaultInstance()).getPlansList();
        assertEquals(restPlans.findValuesAsText("name"), grpcPlans.stream().map(io.vecstore.grpc.v1.Plan::getName).toList());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  /** JSON numbers compared by value (a protobuf Value has one number type), everything else as equals. */
  private static final java.util.Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.isNumber() && b.isNumber()
      ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;

  /** A protobuf Value as the JSON REST shows (whole numbers as integers, as REST writes them). */
  private static JsonNode json(com.google.protobuf.Value v) {
    var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    return switch (v.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> nodes.nullNode();
      case BOOL_VALUE -> nodes.booleanNode(v.getBoolValue());
      case NUMBER_VALUE -> v.getNumberValue() == Math.rint(v.getNumberValue())
          ? nodes.numberNode((long) v.getNumberValue()) : nodes.numberNode(v.getNumberValue());
      case STRING_VALUE -> nodes.textNode(v.getStringValue());
      case LIST_VALUE -> {
        var a = nodes.arrayNode();
        v.getListValue().getValuesList().forEach(e -> a.add(json(e)));
        yield a;
      }
      case STRUCT_VALUE -> {
        var o = nodes.objectNode();
        v.getStructValue().getFieldsMap().forEach((k, e) -> o.set(k, json(e)));
        yield o;
      }
    };
  }

  /** REST's error and gRPC's for the same request: same stable code and same message. */
  private static void same(Response rest, Executable grpcCall) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, grpcCall);
    Metadata trailers = e.getTrailers();
    assertEquals(rest.code(), trailers == null ? null : trailers.get(GrpcErrors.CODE), () -> rest + " vs " + e);
    assertEquals(rest.error(), e.getStatus().getDescription());
  }
}
