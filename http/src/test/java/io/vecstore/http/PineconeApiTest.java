package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import io.vecstore.http.pinecone.PineconeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pinecone-compatible routes on a real server with an admin key: Pinecone's field names and
 * shapes, the default namespace of each kind of key, Pinecone's error body, and keys, quotas and
 * statuses applying as on our own routes. (The real npm clients run in pinecone/interop-test.)
 */
class PineconeApiTest {

  private static final String ADMIN = "pinecone-test-admin-key-0123456789";

  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey(ADMIN)
        .withPinecone(new PineconeConfig("vecstore", "main")));
    server.useKey(ADMIN);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private Response post(String path, String json) {
    return server.post("/pinecone" + path, json);
  }

  private void createIndex() {
    Response created = post("/indexes", "{\"name\":\"vecstore\",\"dimension\":2,\"metric\":\"euclidean\","
        + "\"spec\":{\"serverless\":{\"cloud\":\"aws\",\"region\":\"us-east-1\"}}}");
    assertEquals(201, created.status(), created.body());
  }

  private static void assertNoNulls(JsonNode node, String where) {
    if (node.isNull()) {
      throw new AssertionError("null at " + where);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      assertNoNulls(e.getValue(), where + "." + e.getKey());
    }
    for (int i = 0; node.isArray() && i < node.size(); i++) {
      assertNoNulls(node.get(i), where + "[" + i + "]");
    }
  }

  @Test
  void controlPlaneShapeServesBothClientMajors() {
    createIndex();
    // Asked again alike (a client creating at every start): answered as created; otherwise a conflict.
    createIndex();
    Response other = post("/indexes", "{\"name\":\"vecstore\",\"deployment\":{\"deployment_type\":\"managed\"},"
        + "\"schema\":{\"fields\":{\"_values\":{\"type\":\"dense_vector\",\"dimension\":3,\"metric\":\"cosine\"}}}}");
    assertEquals(409, other.status(), other.body());
    JsonNode model = server.get("/pinecone/indexes/vecstore").json();
    assertNoNulls(model, "model");
    assertEquals(server.base() + "/pinecone", model.get("host").asText());
    assertEquals(2, model.get("dimension").asInt());
    assertEquals("euclidean", model.get("metric").asText());
    assertEquals("managed", model.at("/deployment/deployment_type").asText());
    assertEquals(2, model.at("/schema/fields/_values/dimension").asInt());
    assertEquals("dense_vector", model.at("/schema/fields/_values/type").asText());
    assertTrue(model.at("/status/ready").asBoolean());
    assertEquals(model, server.get("/pinecone/indexes").json().at("/indexes/0"));
    Response missing = server.get("/pinecone/indexes/other");
    assertEquals(404, missing.status());
    assertEquals(5, missing.json().get("code").asInt());
    assertEquals("index_not_found", missing.json().at("/details/0/reason").asText());
    assertEquals(400, post("/indexes", "{\"name\":\"another\",\"dimension\":2}").status());
    Response unsupported = server.delete("/pinecone/indexes/vecstore");
    assertEquals(400, unsupported.status()); // not 5xx: the clients would retry it and hide the message
    assertEquals(12, unsupported.json().get("code").asInt());
    assertEquals("not_supported", unsupported.json().at("/details/0/reason").asText());
  }

  @Test
  void dataPlaneRoundTripWithPineconeNames() {
    createIndex();
    StringBuilder vectors = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      vectors.append(i == 0 ? "" : ",").append("{\"id\":\"doc-").append(i < 10 ? "0" : "").append(i)
          .append("\",\"values\":[").append(i).append(",1],\"metadata\":{\"n\":").append(i).append(",\"even\":")
          .append(i % 2 == 0).append("}}");
    }
    Response upserted = post("/vectors/upsert", "{\"vectors\":[" + vectors + "],\"namespace\":\"__default__\"}");
    assertEquals(200, upserted.status(), upserted.body());
    assertEquals(30, upserted.json().get("upsertedCount").asInt());

    JsonNode byVector = post("/query", "{\"namespace\":\"\",\"topK\":3,\"vector\":[4.2,1],\"includeMetadata\":true,"
        + "\"filter\":{\"even\":{\"$eq\":true}}}").json();
    assertNoNulls(byVector, "query");
    assertEquals(List.of("doc-04", "doc-06", "doc-02"), ids(byVector.get("matches")));
    // Pinecone's euclidean score: the squared distance, lower is better.
    assertEquals(0.04, byVector.at("/matches/0/score").asDouble(), 1e-5);
    assertEquals("main", byVector.get("namespace").asText());
    assertFalse(byVector.at("/matches/0").has("values"));
    JsonNode byId = post("/query", "{\"topK\":2,\"id\":\"doc-10\",\"includeValues\":true}").json();
    assertEquals("doc-10", ids(byId.get("matches")).get(0));
    assertTrue(List.of("doc-09", "doc-11").contains(ids(byId.get("matches")).get(1)), byId.toString()); // a tie
    assertEquals(10.0, byId.at("/matches/0/values/0").asDouble());

    JsonNode fetched = server.get("/pinecone/vectors/fetch?ids=doc-01&ids=missing&ids=doc-02&namespace=main").json();
    assertEquals(List.of("doc-01", "doc-02"), iterableNames(fetched.get("vectors")));
    assertEquals(2, fetched.at("/vectors/doc-02/metadata/n").asInt());

    List<String> listed = new ArrayList<>();
    String token = null;
    do {
      JsonNode page = server.get("/pinecone/vectors/list?prefix=doc-1&limit=4"
          + (token == null ? "" : "&paginationToken=" + token)).json();
      page.get("vectors").forEach(v -> listed.add(v.get("id").asText()));
      token = page.at("/pagination/next").isMissingNode() ? null : page.at("/pagination/next").asText();
    } while (token != null);
    assertEquals(List.of("doc-10", "doc-11", "doc-12", "doc-13", "doc-14", "doc-15", "doc-16", "doc-17", "doc-18",
        "doc-19"), listed);

    JsonNode dry = post("/vectors/update", "{\"filter\":{\"n\":{\"$lt\":5}},\"setMetadata\":{\"low\":true},\"dryRun\":true}").json();
    assertEquals(5, dry.get("matchedRecords").asInt());
    assertEquals(0, post("/vectors/fetch_by_metadata", "{\"filter\":{\"low\":{\"$eq\":true}}}").json().get("vectors").size());
    assertEquals(5, post("/vectors/update", "{\"filter\":{\"n\":{\"$lt\":5}},\"setMetadata\":{\"low\":true}}")
        .json().get("matchedRecords").asInt());
    JsonNode low = post("/vectors/fetch_by_metadata", "{\"filter\":{\"low\":{\"$eq\":true}},\"limit\":3}").json();
    assertEquals(List.of("doc-00", "doc-01", "doc-02"), iterableNames(low.get("vectors")));
    JsonNode lowRest = post("/vectors/fetch_by_metadata", "{\"filter\":{\"low\":{\"$eq\":true}},\"paginationToken\":\""
        + low.at("/pagination/next").asText() + "\"}").json();
    assertEquals(List.of("doc-03", "doc-04"), iterableNames(lowRest.get("vectors")));
    assertTrue(lowRest.at("/pagination").isMissingNode());

    // As on Pinecone, an update of an id that does not exist is a no-op, not an error.
    assertEquals("{}", post("/vectors/update", "{\"id\":\"absent\",\"setMetadata\":{\"n\":1}}").body());
    Response byIdUpdate = post("/vectors/update", "{\"id\":\"doc-03\",\"values\":[100,1],\"setMetadata\":{\"n\":-3}}");
    assertEquals("{}", byIdUpdate.body());
    JsonNode three = server.get("/pinecone/vectors/fetch?ids=doc-03").json().at("/vectors/doc-03");
    assertEquals(100.0, three.at("/values/0").asDouble());
    assertEquals(-3, three.at("/metadata/n").asInt());
    assertTrue(three.at("/metadata/low").asBoolean(), "setMetadata merges");

    assertEquals("{}", post("/vectors/delete", "{\"ids\":[\"doc-00\",\"doc-01\"]}").body());
    assertEquals("{}", post("/vectors/delete", "{\"filter\":{\"even\":{\"$eq\":true}}}").body());
    JsonNode stats = post("/describe_index_stats", "{}").json();
    assertEquals(14, stats.at("/namespaces/main/vectorCount").asInt(), stats.toString());
    assertEquals(14, stats.get("totalVectorCount").asInt());
    assertEquals(2, stats.get("dimension").asInt());
    assertEquals("euclidean", stats.get("metric").asText());
    assertEquals("{}", post("/vectors/delete", "{\"deleteAll\":true,\"namespace\":\"main\"}").body());
    assertEquals(0, post("/describe_index_stats", "{}").json().at("/namespaces/main/vectorCount").asInt());
  }

  @Test
  void namespacesAreListedDescribedCreatedAndDeleted() {
    createIndex();
    Response created = post("/namespaces", "{\"name\":\"tenant-a\"}");
    assertEquals(201, created.status(), created.body());
    assertEquals("{\"name\":\"tenant-a\",\"record_count\":0}", created.body());
    assertEquals(201, post("/namespaces", "{\"name\":\"tenant-b\"}").status());
    assertEquals(409, post("/namespaces", "{\"name\":\"tenant-b\"}").status());
    assertEquals(200, post("/vectors/upsert", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2]}],\"namespace\":\"tenant-a\"}").status());
    JsonNode page = server.get("/pinecone/namespaces?limit=2").json();
    assertEquals(3, page.get("total_count").asInt());
    assertEquals("main", page.at("/namespaces/0/name").asText());
    assertEquals("tenant-a", page.at("/namespaces/1/name").asText());
    assertEquals(1, page.at("/namespaces/1/record_count").asInt());
    JsonNode rest = server.get("/pinecone/namespaces?limit=2&paginationToken=" + page.at("/pagination/next").asText()).json();
    assertEquals("tenant-b", rest.at("/namespaces/0/name").asText());
    assertEquals(1, server.get("/pinecone/namespaces/tenant-a").json().get("record_count").asInt());
    Response deleted = server.delete("/pinecone/namespaces/tenant-b");
    assertEquals(202, deleted.status());
    assertEquals("{}", deleted.body());
    assertEquals(404, server.get("/pinecone/namespaces/nope").status());
  }

  @Test
  void aNamespaceKeyReachesItsOwnNamespaceByDefaultAndNothingElse() {
    createIndex();
    assertEquals(201, post("/namespaces", "{\"name\":\"tenant-a\"}").status());
    assertEquals(201, post("/namespaces", "{\"name\":\"tenant-b\"}").status());
    String key = server.post("/admin/namespaces/tenant-a/keys", "{\"name\":\"app\",\"role\":\"write\"}").json()
        .get("key").asText();
    server.useKey(key);
    for (String ns : new String[] {"", "\"namespace\":\"__default__\",", "\"namespace\":\"\","}) {
      Response r = post("/vectors/upsert", "{" + ns + "\"vectors\":[{\"id\":\"k\",\"values\":[1,1]}]}");
      assertEquals(200, r.status(), ns + " " + r.body());
    }
    assertEquals(1, server.get("/pinecone/vectors/fetch?ids=k").json().get("vectors").size());
    assertEquals("tenant-a", server.get("/pinecone/vectors/fetch?ids=k&namespace=__default__").json()
        .get("namespace").asText());
    Response other = post("/vectors/upsert", "{\"namespace\":\"tenant-b\",\"vectors\":[{\"id\":\"k\",\"values\":[1,1]}]}");
    assertEquals(403, other.status());
    assertEquals(7, other.json().get("code").asInt());
    assertEquals(403, post("/query", "{\"namespace\":\"main\",\"topK\":1,\"vector\":[1,1]}").status());
    assertEquals(403, server.get("/pinecone/namespaces/tenant-b").status());
    assertEquals(403, server.delete("/pinecone/namespaces/tenant-a").status());
    // Listings and statistics show a namespace key its own namespace only.
    JsonNode stats = post("/describe_index_stats", "{}").json();
    assertEquals(List.of("tenant-a"), iterableNames(stats.get("namespaces")));
    JsonNode list = server.get("/pinecone/namespaces").json();
    assertEquals(1, list.get("total_count").asInt());
    assertEquals("tenant-a", list.at("/namespaces/0/name").asText());
    server.useKey("vsk_00000000000000000000000000000000_wrong");
    Response bad = post("/query", "{\"topK\":1,\"vector\":[1,1]}");
    assertEquals(401, bad.status());
    assertEquals(16, bad.json().get("code").asInt());
    // A key that cannot pass is refused before its body is even read: 401, not a parse error.
    assertEquals(401, post("/vectors/upsert", "{\"vectors\":[").status());
    server.useKey(null);
    assertEquals(401, post("/vectors/upsert", "{\"vectors\":[").status());
  }

  @Test
  void errorsHavePineconesShapeAndOurCode() {
    createIndex();
    Response mismatch = post("/vectors/upsert", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2,3]}]}");
    assertEquals(400, mismatch.status());
    JsonNode body = mismatch.json();
    assertEquals(3, body.get("code").asInt());
    assertEquals("Vector dimension mismatch: expected 2, got 3", body.get("message").asText());
    assertEquals("dimension_mismatch", body.at("/details/0/reason").asText());
    assertEquals("2", body.at("/details/0/metadata/expected").asText());
    assertFalse(body.has("error"), "no second message for clients to prefer");
    assertEquals(400, post("/query", "{\"topK\":0,\"vector\":[1,1]}").status());
    assertEquals("topK must be between 1 and 10000, got: 0",
        post("/query", "{\"topK\":0,\"vector\":[1,1]}").json().get("message").asText());
    assertTrue(post("/vectors/upsert", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2],\"sparseValues\":{\"indices\":[1],"
        + "\"values\":[1]}}]}").json().get("message").asText().contains("sparse vectors are not supported"));
    assertEquals(400, post("/query", "{\"topK\":1,\"vector\":[1,1],\"sparseVector\":{}}").status());
    assertEquals("ids is required: one or more ?ids=ID parameters",
        server.get("/pinecone/vectors/fetch?namespace=main").json().get("message").asText());
    assertEquals("setMetadata must be a JSON object, got: an array",
        post("/vectors/update", "{\"id\":\"a\",\"setMetadata\":[1]}").json().get("message").asText());
    assertEquals("update request needs exactly one of 'id' and 'filter'",
        post("/vectors/update", "{\"setMetadata\":{\"a\":1}}").json().get("message").asText());
    Response unknownField = post("/query", "{\"topK\":1,\"vector\":[1,1],\"top_k\":3}");
    assertEquals(400, unknownField.status());
    assertEquals(400, post("/records/namespaces/main/search", "{}").status());
    Response noRoute = server.get("/pinecone/nothing-here");
    assertEquals(404, noRoute.status());
    assertEquals(5, noRoute.json().get("code").asInt());
    // The admin key with no default namespace configured: a clear 400.
    Response malformed = post("/vectors/upsert", "{\"vectors\":[");
    assertEquals(400, malformed.status());
    assertEquals("malformed_json", malformed.json().at("/details/0/reason").asText());
  }

  @Test
  void quotasAndRateLimitsApplyAsOnOurRoutes() {
    createIndex();
    assertEquals(200, server.put("/admin/namespaces/main/quotas", "{\"max_vectors\":2,\"max_requests_per_second\":3}")
        .status());
    Response over = post("/vectors/upsert", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2]},{\"id\":\"b\",\"values\":[1,2]},"
        + "{\"id\":\"c\",\"values\":[1,2]}]}");
    assertEquals(403, over.status(), over.body());
    assertEquals("quota_exceeded", over.json().at("/details/0/reason").asText());
    assertEquals(200, post("/vectors/upsert", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2]}]}").status());
    // indexFullness: the fullest namespace's quota utilization (1 of 2 vectors).
    assertEquals(0.5, post("/describe_index_stats", "{}").json().get("indexFullness").asDouble(), 1e-9);
    Response limited = null;
    for (int i = 0; i < 20 && limited == null; i++) {
      Response r = post("/query", "{\"topK\":1,\"vector\":[1,1]}");
      if (r.status() == 429) {
        limited = r;
      }
    }
    assertTrue(limited != null, "the rate limit answers 429");
    assertEquals(8, limited.json().get("code").asInt());
    assertTrue(limited.headers().firstValue("Retry-After").isPresent());
    assertEquals(200, server.put("/admin/namespaces/main/status", "{\"status\":\"read_only\"}").status());
    assertEquals(403, post("/vectors/delete", "{\"deleteAll\":true}").status());
    // Counted like our routes: in the namespace's usage, and in the request metrics by route template.
    assertTrue(server.get("/admin/namespaces/main/stats").json().get("total_queries").asLong() >= 1);
    String metrics = server.get("/metrics").body();
    assertTrue(metrics.contains("route=\"/pinecone/query\",status=\"429\""), metrics);
    assertTrue(metrics.contains("route=\"/pinecone/vectors/upsert\",status=\"200\""), metrics);
  }

  @Test
  void theAdminKeyWithoutADefaultNamespaceIsToldSo() throws IOException {
    server.close();
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey(ADMIN));
    server.useKey(ADMIN);
    Response r = post("/query", "{\"topK\":1,\"vector\":[1,1]}");
    assertEquals(400, r.status());
    assertTrue(r.json().get("message").asText().contains("--pinecone-namespace"), r.body());
  }

  private static List<String> ids(JsonNode matches) {
    List<String> out = new ArrayList<>();
    matches.forEach(m -> out.add(m.get("id").asText()));
    return out;
  }

  private static List<String> iterableNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
