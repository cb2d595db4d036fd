package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets its status and a JSON error with a stable code, and writes nothing. */
class BadInputTest {

  private static final long MAX_BODY = 4096;

  @TempDir Path dataDir;
  TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withMaxBodyBytes(MAX_BODY));
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"ns\",\"name\":\"ns\",\"dimension\":3}").status());
    assertEquals(200, server.post("/v1/namespaces/ns/vectors",
        "{\"vectors\":[{\"id\":\"keep\",\"values\":[1,2,3],\"metadata\":{\"a\":1}}]}").status());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  record Case(String method, String path, String body, String contentType, int status, String code, String message) {
    static Case of(String method, String path, String body, int status, String code) {
      return new Case(method, path, body, "application/json", status, code, null);
    }

    Case withMessage(String m) {
      return new Case(method, path, body, contentType, status, code, m);
    }

    Case withContentType(String t) {
      return new Case(method, path, body, t, status, code, message);
    }
  }

  static final String UP = "/v1/namespaces/ns/vectors";
  static final String Q = "/v1/namespaces/ns/query";

  static List<Case> cases() {
    return List.of(
        // admin: create
        Case.of("POST", "/admin/namespaces", "{\"id\":", 400, "malformed_json"),
        Case.of("POST", "/admin/namespaces", "", 400, "malformed_json"),
        Case.of("POST", "/admin/namespaces", "[1,2]", 400, "invalid_argument")
            .withMessage("namespace must be a JSON object, got: an array"),
        Case.of("POST", "/admin/namespaces", "{\"name\":\"x\"}", 400, "invalid_argument")
            .withMessage("id is required in namespace"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"../etc\",\"name\":\"x\"}", 400, "invalid_argument")
            .withMessage("namespace id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$, got: '../etc'"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"..\",\"name\":\"x\"}", 400, "invalid_argument"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"metric\":\"manhattan\"}", 400, "invalid_argument")
            .withMessage("metric must be one of [cosine, euclidean, dot_product], got: manhattan"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"tier\":\"gold\"}", 400, "invalid_argument"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"dimension\":0}", 400, "invalid_argument")
            .withMessage("dimension must be between 1 and 4096, got: 0"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"dimension\":2.5}", 400, "invalid_argument")
            .withMessage("dimension must be an integer, got: 2.5"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"quotas\":{\"max_vectors\":-1}}", 400, "invalid_argument")
            .withMessage("max_vectors must be a non-negative integer, got: -1"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"quotas\":{\"max_vectors\":\"many\"}}", 400, "invalid_argument"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\",\"colour\":\"red\"}", 400, "invalid_argument"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"id\":\"twice\"}", 400, "malformed_json"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ns\",\"name\":\"again\"}", 409, "namespace_exists"),
        Case.of("POST", "/admin/namespaces", "{\"id\":\"ok\",\"name\":\"x\"}", 415, "unsupported_media_type")
            .withContentType("text/plain"),
        Case.of("POST", "/admin/namespaces", "id=ok&name=x", 415, "unsupported_media_type")
            .withContentType("application/x-www-form-urlencoded"),
        Case.of("PUT", "/admin/namespaces/ns/quotas", "{\"max_batch_size\":1.5}", 400, "invalid_argument"),
        Case.of("PUT", "/admin/namespaces/ns/quotas", "{\"max_requests_per_second\":-3}", 400, "invalid_argument"),
        Case.of("PUT", "/admin/namespaces/ghost/quotas", "{}", 404, "namespace_not_found"),
        Case.of("PUT", "/admin/namespaces/ns/status", "{}", 400, "invalid_argument"),
        Case.of("GET", "/admin/namespaces/ghost", null, 404, "namespace_not_found"),
        Case.of("DELETE", "/admin/namespaces/ghost", null, 404, "namespace_not_found"),
        Case.of("GET", "/admin/namespaces?cursor=!!", null, 400, "invalid_argument"),
        // data: upsert
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2]}]}", 400, "dimension_mismatch")
            .withMessage("Vector dimension mismatch: expected 3, got 2"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,NaN]}]}", 400, "invalid_argument")
            .withMessage("values of vector 'x' must be finite 32-bit floats, got: NaN at index 2"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,Infinity]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,1e39]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,\"2\",3]}]}", 400, "invalid_argument")
            .withMessage("vectors[0].values must be an array of numbers, got: \"2\" at index 1"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"\",\"values\":[1,2,3]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"values\":[1,2,3]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":7,\"values\":[1,2,3]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3],\"metadata\":[1]}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":{}}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vector\":[]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"ok\",\"values\":[1,2,3]},{\"id\":\"bad\",\"values\":[1,2]}]}", 400, "dimension_mismatch"),
        Case.of("POST", "/v1/namespaces/ghost/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3]}]}", 404, "namespace_not_found"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3],\"metadata\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}}]}", 400, "invalid_argument"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"" + "i".repeat(600) + "\",\"values\":[1,2,3]}]}", 400, "invalid_argument")
            .withMessage("vector id must be at most 512 bytes of UTF-8, got: 600 bytes"),
        Case.of("POST", UP, "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3]}]} trailing", 400, "malformed_json"),
        Case.of("POST", UP, "x".repeat((int) MAX_BODY + 1), 413, "payload_too_large"),
        // data: query
        Case.of("POST", Q, "{\"vector\":[1,2],\"k\":3}", 400, "dimension_mismatch")
            .withMessage("Query dimension mismatch: expected 3, got 2"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"k\":-1}", 400, "invalid_argument")
            .withMessage("k must be between 1 and 10000, got: -1"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"k\":\"ten\"}", 400, "invalid_argument")
            .withMessage("k must be an integer, got: \"ten\""),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"k\":99999999999999999999}", 400, "invalid_argument"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"k\":5,\"num_candidates\":2}", 400, "invalid_argument"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"top_k\":5}", 400, "invalid_argument"),
        Case.of("POST", Q, "{\"k\":5}", 400, "invalid_argument")
            .withMessage("a query needs vector or text (or both)"),
        Case.of("POST", Q, "{\"vector\":\"x\",\"k\":5}", 400, "invalid_argument")
            .withMessage("vector must be an array of numbers, got: \"x\""),
        Case.of("POST", Q, "{\"vector\":[0,0,0]}", 400, "invalid_argument"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"filter\":42}", 400, "invalid_filter"),
        Case.of("POST", Q, "{\"vector\":[1,2,3],\"include_values\":\"yes\"}", 400, "invalid_argument"),
        // data: fetch / delete
        Case.of("GET", "/v1/namespaces/ns/vectors/nope", null, 404, "vector_not_found"),
        Case.of("GET", "/v1/namespaces/ghost/vectors/keep", null, 404, "namespace_not_found"),
        Case.of("POST", "/v1/namespaces/ns/vectors/delete", "{}", 400, "invalid_argument")
            .withMessage("delete request needs exactly one of 'ids', 'filter' and 'delete_all'"),
        Case.of("POST", "/v1/namespaces/ns/vectors/delete", "{\"ids\":[]}", 400, "invalid_argument"),
        Case.of("POST", "/v1/namespaces/ns/vectors/delete", "{\"ids\":\"keep\"}", 400, "invalid_argument"),
        Case.of("POST", "/v1/namespaces/ns/vectors/delete", "{\"ids\":[1]}", 400, "invalid_argument"),
        // routes
        Case.of("GET", "/v2/whatever", null, 404, "route_not_found"),
        Case.of("PATCH", "/admin/namespaces/ns", "{}", 405, "method_not_allowed"));
  }

  @Test
  void everyBadInputHasItsStatusAndCodeAndWritesNothing() {
    String before = state();
    for (Case c : cases()) {
      Response r = server.send(c.method(), c.path(), c.body(), c.body() == null ? null : c.contentType());
      String label = c.method() + " " + c.path() + " " + abbreviate(c.body()) + " -> " + r;
      assertEquals(c.status(), r.status(), label);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), label);
      assertEquals(c.code(), r.code(), label);
      assertTrue(r.error() != null && !r.error().isBlank(), label);
      if (c.message() != null) {
        assertEquals(c.message(), r.error(), label);
      }
    }
    assertEquals(before, state(), "bad requests changed data");
  }

  @Test
  void nonUtf8BodyIsMalformed() {
    byte[] latin1 = "{\"id\":\"caf\u00e9\",\"name\":\"x\"}".getBytes(StandardCharsets.ISO_8859_1);
    Response r = server.send("POST", "/admin/namespaces", latin1, "application/json");
    assertEquals(400, r.status(), r.body());
    assertEquals("malformed_json", r.code());
  }

  /** Namespaces, quotas and the one vector: everything a bad request could have changed. */
  private String state() {
    return server.get("/admin/namespaces").json().get("namespaces").toString()
        .replaceAll("\"updated_at\":\"[^\"]*\"", "")
        .replaceAll("\"storage_bytes\":\\d+", "")
        + server.get("/v1/namespaces/ns/vectors/keep").body()
        + server.get("/admin/namespaces/ns/stats").json().get("vector_count");
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
