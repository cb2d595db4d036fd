package io.vecstore.grpc;

import static io.vecstore.grpc.GrpcTestServer.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.vecstore.core.auth.Authorizer;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.DeleteRequest;
import io.vecstore.grpc.v1.FetchRequest;
import io.vecstore.grpc.v1.GetAggregateStatsRequest;
import io.vecstore.grpc.v1.IdList;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.grpc.v1.Vector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys on every RPC with an admin key configured: the same decisions and messages as REST. */
class GrpcAuthTest {

  static final String ADMIN = "admin-key-0123456789-abcdef";

  @TempDir Path dataDir;
  GrpcTestServer server;
  String aRead;
  String aWrite;
  String bWrite;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, ADMIN);
    for (String ns : new String[] {"a", "b"}) {
      server.admin(ADMIN).createNamespace(CreateNamespaceRequest.newBuilder().setId(ns).setTier(Tier.UNLIMITED).build());
      server.data(ADMIN).upsert(upsert(ns, "v1"));
    }
    aRead = server.manager.keys().create("a", "reader", KeyRole.READ).key();
    aWrite = server.manager.keys().create("a", "writer", KeyRole.WRITE).key();
    bWrite = server.manager.keys().create("b", "writer", KeyRole.WRITE).key();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private static UpsertRequest upsert(String ns, String id) {
    return UpsertRequest.newBuilder().setNamespace(ns).addVectors(Vector.newBuilder().setId(id).addValues(1).addValues(0)).build();
  }

  private static QueryRequest query(String ns) {
    return QueryRequest.newBuilder().setNamespace(ns).addVector(1).addVector(0).setK(1).build();
  }

  @Test
  void missingAndInvalidKeysAreUnauthenticated() {
    assertFailure(Code.UNAUTHENTICATED, "unauthenticated",
        "Missing API key: send 'Authorization: Bearer <key>' or 'Api-Key: <key>'",
        () -> server.admin(null).listNamespaces(ListNamespacesRequest.getDefaultInstance()));
    assertFailure(Code.UNAUTHENTICATED, "unauthenticated", "Missing API key: send 'Authorization: Bearer <key>' or 'Api-Key: <key>'",
        () -> server.data(null).query(query("a")));
    assertFailure(Code.UNAUTHENTICATED, "unauthenticated", "Invalid API key",
        () -> server.data("not-a-key-at-all").query(query("a")));
    assertFailure(Code.UNAUTHENTICATED, "unauthenticated", "Invalid API key",
        () -> server.admin(aWrite + "x").getAggregateStats(GetAggregateStatsRequest.getDefaultInstance()));
  }

  @Test
  void theAdminKeyOpensEverythingAlsoAsApiKeyMetadata() {
    assertEquals(2, server.admin(ADMIN).listNamespaces(ListNamespacesRequest.getDefaultInstance()).getNamespacesCount());
    var viaApiKey = VecStoreServiceGrpc.newBlockingStub(server.channel)
        .withCallCredentials(GrpcTestServer.header(AuthInterceptor.API_KEY, ADMIN));
    assertEquals(1, viaApiKey.query(query("b")).getResultsCount());
  }

  @Test
  void namespaceKeysOpenOnlyTheirNamespaceWithinTheirRole() {
    assertEquals(1, server.data(aRead).query(query("a")).getResultsCount());
    assertEquals("v1", server.data(aRead).fetch(FetchRequest.newBuilder().setNamespace("a").setId("v1").build()).getVector().getId());
    assertFailure(Code.PERMISSION_DENIED, "forbidden", "Key 'reader' has role read, which allows only queries and fetches",
        () -> server.data(aRead).upsert(upsert("a", "v2")));
    assertFailure(Code.PERMISSION_DENIED, "forbidden", "Key 'reader' has role read, which allows only queries and fetches",
        () -> server.data(aRead).delete(DeleteRequest.newBuilder().setNamespace("a").setIds(IdList.newBuilder().addIds("v1")).build()));
    assertEquals(1, server.data(aWrite).upsert(upsert("a", "v2")).getUpserted());
    assertFailure(Code.PERMISSION_DENIED, "forbidden", "A namespace key cannot use this route; it needs the admin key",
        () -> server.admin(aWrite).listNamespaces(ListNamespacesRequest.getDefaultInstance()));
  }

  @Test
  void anotherNamespacesKeyGetsTheSameAnswerWhetherTheNamespaceExistsOrNot() {
    var existing = GrpcTestServer.fails(() -> server.data(bWrite).query(query("a")));
    var missing = GrpcTestServer.fails(() -> server.data(bWrite).query(query("no-such-namespace")));
    assertEquals(Code.PERMISSION_DENIED, existing.status());
    assertEquals("This key does not grant access to this namespace", existing.message());
    assertEquals(existing, missing);
    assertEquals(0, server.manager.stats("a").usage().totalQueries(), "refused calls never reach the namespace");
  }

  @Test
  void healthIsOpenAndTooManyInvalidKeysBlockTheAddress() {
    var health = HealthGrpc.newBlockingStub(server.channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(VecStoreServiceGrpc.SERVICE_NAME).build()).getStatus());
    for (int i = 0; i < Authorizer.MAX_INVALID_PER_MINUTE; i++) {
      assertFailure(Code.UNAUTHENTICATED, "unauthenticated", "Invalid API key", () -> server.data("wrong").query(query("a")));
    }
    var blocked = GrpcTestServer.fails(() -> server.data(ADMIN).query(query("a")));
    assertEquals(Code.RESOURCE_EXHAUSTED, blocked.status());
    assertEquals("too_many_auth_failures", blocked.code());
    assertTrue(blocked.retry().getRetryDelay().getSeconds() >= 1);
  }
}
