package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys on every route: what each credential can do, and that B's keys never reach A. */
class AuthApiTest {

  static final String ADMIN = "admin-key-0123456789-abcdef";

  @TempDir Path dataDir;
  TestServer server;
  final Map<String, String> keys = new LinkedHashMap<>();
  final AtomicInteger unique = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey(ADMIN));
    asAdmin(() -> {
      for (String ns : List.of("a", "b")) {
        assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"" + ns + "\",\"name\":\"" + ns + "\",\"tier\":\"unlimited\"}").status());
        assertEquals(200, server.post("/v1/namespaces/" + ns + "/vectors",
            "{\"vectors\":[{\"id\":\"v1\",\"values\":[1,0],\"metadata\":{\"secret\":\"" + ns + "\"}}]}").status());
      }
      keys.put("A-read", newKey("a", "reader", "read"));
      keys.put("A-write", newKey("a", "writer", "write"));
      keys.put("B-write", newKey("b", "writer", "write"));
      return null;
    });
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private <T> T as(String key, Supplier<T> action) {
    String outer = server.key();
    server.useKey(key);
    try {
      return action.get();
    } finally {
      server.useKey(outer); // set-up steps run as admin inside a call made with another key
    }
  }

  private <T> T asAdmin(Supplier<T> action) {
    return as(ADMIN, action);
  }

  private String newKey(String ns, String name, String role) {
    Response r = server.post("/admin/namespaces/" + ns + "/keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    assertEquals(201, r.status(), r.body());
    assertEquals(role, r.json().get("role").asText());
    assertTrue(r.json().get("last_used_at").isNull());
    return r.json().get("key").asText();
  }

  /** One route: how to call it (after any admin set-up) and whether it is admin or data, read or write. */
  record Route(String name, String kind, Supplier<Response> call) {}

  private List<Route> routes(String ns) {
    List<Route> r = new ArrayList<>();
    r.add(new Route("create namespace", "admin", () -> server.post("/admin/namespaces",
        "{\"id\":\"n" + unique.incrementAndGet() + "\",\"name\":\"n\"}")));
    r.add(new Route("list namespaces", "admin", () -> server.get("/admin/namespaces")));
    r.add(new Route("get namespace", "admin", () -> server.get("/admin/namespaces/" + ns)));
    r.add(new Route("update quotas", "admin", () -> server.put("/admin/namespaces/" + ns + "/quotas", "{\"max_vectors\":null}")));
    r.add(new Route("update status", "admin", () -> server.put("/admin/namespaces/" + ns + "/status", "{\"status\":\"active\"}")));
    r.add(new Route("stats", "admin", () -> server.get("/admin/namespaces/" + ns + "/stats")));
    r.add(new Route("aggregate stats", "admin", () -> server.get("/admin/stats")));
    r.add(new Route("usage export", "admin", () -> server.get("/admin/usage")));
    r.add(new Route("compact", "admin", () -> server.post("/admin/namespaces/" + ns + "/compact", "")));
    r.add(new Route("list keys", "admin", () -> server.get("/admin/namespaces/" + ns + "/keys")));
    r.add(new Route("create key", "admin", () -> server.post("/admin/namespaces/" + ns + "/keys",
        "{\"name\":\"k" + unique.incrementAndGet() + "\",\"role\":\"read\"}")));
    r.add(new Route("revoke key", "admin", () -> {
      String name = "r" + unique.incrementAndGet();
      asAdmin(() -> newKey(ns, name, "read"));
      return server.delete("/admin/namespaces/" + ns + "/keys/" + name);
    }));
    r.add(new Route("delete namespace", "admin", () -> {
      String victim = "d" + unique.incrementAndGet();
      asAdmin(() -> server.post("/admin/namespaces", "{\"id\":\"" + victim + "\",\"name\":\"x\"}"));
      return server.delete("/admin/namespaces/" + victim);
    }));
    r.add(new Route("create snapshot", "admin", () -> server.post("/admin/namespaces/" + ns + "/snapshots",
        "{\"name\":\"s" + unique.incrementAndGet() + "\"}")));
    r.add(new Route("list snapshots", "admin", () -> server.get("/admin/namespaces/" + ns + "/snapshots")));
    r.add(new Route("get snapshot", "admin", () -> server.get("/admin/namespaces/" + ns + "/snapshots/" + newSnapshot(ns))));
    r.add(new Route("delete snapshot", "admin", () -> server.delete("/admin/namespaces/" + ns + "/snapshots/" + newSnapshot(ns))));
    r.add(new Route("restore snapshot", "admin", () -> server.post(
        "/admin/namespaces/" + ns + "/snapshots/" + newSnapshot(ns) + "/restore", "")));
    r.add(new Route("export snapshot", "admin", () -> server.get("/admin/namespaces/" + ns + "/snapshots/" + newSnapshot(ns) + "/export")));
    r.add(new Route("import snapshot", "admin", () -> {
      byte[] archive = asAdmin(() -> export(ns, newSnapshot(ns)));
      return server.send("POST", "/admin/namespaces/import?id=i" + unique.incrementAndGet(), archive, "application/gzip");
    }));
    r.add(new Route("import lucene index", "admin", () -> server.post("/admin/namespaces/import-lucene",
        "{\"id\":\"l" + unique.incrementAndGet() + "\",\"path\":\"" + luceneIndex() + "\",\"vector_field\":\""
            + io.vecstore.testdata.Lucene9Index.VECTOR_FIELD + "\",\"id_field\":\"" + io.vecstore.testdata.Lucene9Index.ID_FIELD + "\"}")));
    r.add(new Route("metrics", "admin", () -> server.get("/metrics")));
    r.add(new Route("query", "read", () -> server.post("/v1/namespaces/" + ns + "/query", "{\"vector\":[1,0]}")));
    r.add(new Route("fetch", "read", () -> server.get("/v1/namespaces/" + ns + "/vectors/v1")));
    r.add(new Route("upsert", "write", () -> server.post("/v1/namespaces/" + ns + "/vectors",
        "{\"vectors\":[{\"id\":\"u" + unique.incrementAndGet() + "\",\"values\":[0,1]}]}")));
    r.add(new Route("delete vector", "write", () -> {
      String id = "x" + unique.incrementAndGet();
      asAdmin(() -> server.post("/v1/namespaces/" + ns + "/vectors", "{\"vectors\":[{\"id\":\"" + id + "\",\"values\":[1,1]}]}"));
      return server.delete("/v1/namespaces/" + ns + "/vectors/" + id);
    }));
    r.add(new Route("delete vectors", "write", () -> server.post("/v1/namespaces/" + ns + "/vectors/delete", "{\"ids\":[\"nothing\"]}")));
    return r;
  }

  @TempDir Path luceneDir;

  private String luceneIndex() {
    Path index = luceneDir.resolve("index");
    if (!Files.exists(index)) {
      try {
        io.vecstore.testdata.Lucene9Index.copyTo(index);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return index.toAbsolutePath().toString();
  }

  /** A new snapshot of {@code ns}, taken as admin; returns its name. */
  private String newSnapshot(String ns) {
    String name = "s" + unique.incrementAndGet();
    asAdmin(() -> assertStatus(201, server.post("/admin/namespaces/" + ns + "/snapshots", "{\"name\":\"" + name + "\"}")));
    return name;
  }

  private static Response assertStatus(int status, Response r) {
    assertEquals(status, r.status(), r.body());
    return r;
  }

  /** A snapshot's export as bytes, with the key currently in use. */
  private byte[] export(String ns, String name) {
    try {
      var request = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(server.base() + "/admin/namespaces/" + ns + "/snapshots/" + name + "/export"));
      if (server.key() != null) {
        request.header("Authorization", "Bearer " + server.key());
      }
      var response = java.net.http.HttpClient.newHttpClient().send(request.build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, response.statusCode());
      return response.body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The expected status of a credential on a route of namespace a. */
  private static int expected(String credential, String kind) {
    return switch (credential) {
      case "none", "bad", "garbage" -> 401;
      case "admin" -> 0; // success
      case "A-read" -> kind.equals("read") ? 0 : 403;
      case "A-write" -> kind.equals("admin") ? 403 : 0;
      case "B-write" -> 403;
      default -> throw new IllegalArgumentException(credential);
    };
  }

  @Test
  void isolationMatrixOverEveryRoute() {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("none", null);
    credentials.put("bad", "vsk_0123456789abcdef_" + "A".repeat(43));
    credentials.put("garbage", "hello");
    credentials.put("admin", ADMIN);
    credentials.putAll(keys);
    List<String> failures = new ArrayList<>();
    for (var c : credentials.entrySet()) {
      for (Route route : routes("a")) {
        Response r = as(c.getValue(), route.call());
        int want = expected(c.getKey(), route.kind());
        boolean ok = want == 0 ? r.status() / 100 == 2 : r.status() == want;
        if (!ok) {
          failures.add(c.getKey() + " × " + route.name() + ": expected " + (want == 0 ? "2xx" : want) + ", got " + r);
        } else if (want == 401) {
          ok = "unauthenticated".equals(r.code()) && r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer");
        } else if (want == 403) {
          ok = "forbidden".equals(r.code());
        }
        if (!ok && failures.isEmpty()) {
          failures.add(c.getKey() + " × " + route.name() + ": wrong body or header " + r);
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void bKeysNeverReadWriteListStatOrDetectA() {
    String bKey = keys.get("B-write");
    Response onA = as(bKey, () -> server.get("/v1/namespaces/a/vectors/v1"));
    Response onGhost = as(bKey, () -> server.get("/v1/namespaces/ghost/vectors/v1"));
    Response onAMissingVector = as(bKey, () -> server.get("/v1/namespaces/a/vectors/none"));
    assertEquals(403, onA.status());
    assertEquals(onA.body(), onGhost.body(), "the same answer whether namespace a exists or not");
    assertEquals(onA.body(), onAMissingVector.body());
    assertFalse(onA.body().contains("secret"));
    assertEquals(403, as(bKey, () -> server.post("/v1/namespaces/a/query", "{\"vector\":[1,0]}")).status());
    assertEquals(403, as(bKey, () -> server.get("/admin/namespaces")).status());
    assertEquals(403, as(bKey, () -> server.get("/admin/namespaces/a/stats")).status());
    assertEquals(403, as(bKey, () -> server.post("/v1/namespaces/a/vectors/delete", "{\"filter\":\"secret = 'a'\"}")).status());
    // and its own namespace works
    Response own = as(bKey, () -> server.post("/v1/namespaces/b/query", "{\"vector\":[1,0]}"));
    assertEquals(200, own.status());
    assertEquals("b", own.json().at("/results/0/metadata/secret").asText());
    assertEquals(1, asAdmin(() -> server.get("/admin/namespaces/a/stats")).json().get("vector_count").asInt(), "a untouched");
  }

  @Test
  void revokingAKeyTakesEffectOnTheNextRequest() {
    String key = keys.get("A-write");
    assertEquals(200, as(key, () -> server.get("/v1/namespaces/a/vectors/v1")).status());
    assertEquals(200, asAdmin(() -> server.delete("/admin/namespaces/a/keys/writer")).status());
    Response after = as(key, () -> server.get("/v1/namespaces/a/vectors/v1"));
    assertEquals(401, after.status());
    assertEquals("Invalid API key", after.error());
    assertEquals(404, asAdmin(() -> server.delete("/admin/namespaces/a/keys/writer")).code().equals("key_not_found") ? 404 : 0);
  }

  @Test
  void keysAreListedWithoutSecretsAndLastUseIsRecorded() {
    as(keys.get("A-read"), () -> server.get("/v1/namespaces/a/vectors/v1"));
    JsonNode list = asAdmin(() -> server.get("/admin/namespaces/a/keys")).json().get("keys");
    assertEquals(2, list.size());
    for (JsonNode k : list) {
      assertFalse(k.has("key"));
      assertEquals(k.get("name").asText().equals("reader") ? false : true, k.get("last_used_at").isNull());
    }
    Response dup = asAdmin(() -> server.post("/admin/namespaces/a/keys", "{\"name\":\"reader\",\"role\":\"write\"}"));
    assertEquals(409, dup.status());
    assertEquals("key_exists", dup.code());
    assertEquals(400, asAdmin(() -> server.post("/admin/namespaces/a/keys", "{\"name\":\"x\",\"role\":\"owner\"}")).status());
  }

  @Test
  void apiKeyHeaderWorksAndOpenRoutesNeedNoKey() {
    Response viaHeader = server.send("GET", "/v1/namespaces/a/vectors/v1", (byte[]) null, null);
    assertEquals(401, viaHeader.status());
    assertEquals(200, server.get("/health").status());
    assertEquals(200, server.get("/ready").status());
    assertEquals(200, server.get("/ui/").status());
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    try {
      var r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base() + "/v1/namespaces/a/vectors/v1"))
          .header("Api-Key", keys.get("A-read")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keysSurviveRestartAndAreNeverStoredInPlaintext() throws IOException {
    server.restart();
    assertEquals(200, as(keys.get("A-read"), () -> server.get("/v1/namespaces/a/vectors/v1")).status());
    assertEquals(403, as(keys.get("A-read"), () -> server.get("/v1/namespaces/b/vectors/v1")).status());
    for (String ns : List.of("a", "b")) {
      String json = Files.readString(dataDir.resolve(ns + "/namespace.json"));
      for (String key : keys.values()) {
        assertFalse(json.contains(key), "plaintext key in " + ns + "/namespace.json");
        // vsk_<16 hex id>_<43 base64url chars>; the secret may itself contain '_'.
        String secret = key.substring("vsk_".length() + 16 + 1);
        assertEquals(43, secret.length(), key);
        assertFalse(json.contains(secret), "key secret in namespace.json");
      }
      assertTrue(json.contains("\"sha256\""));
    }
  }

  @Test
  void repeatedInvalidKeysAreCountedAndRateLimitedPerAddress() {
    String wrong = "vsk_0123456789abcdef_" + "B".repeat(43);
    for (int i = 0; i < 10; i++) {
      assertEquals(401, as(wrong, () -> server.get("/v1/namespaces/a/vectors/v1")).status());
    }
    String metrics = asAdmin(() -> server.get("/metrics")).body();
    assertTrue(metrics.contains("vecstore_auth_failures_total{reason=\"invalid\"} 10.0"), metrics.lines()
        .filter(l -> l.startsWith("vecstore_auth")).toList().toString());
    int got429 = 0;
    for (int i = 10; i < 105; i++) {
      Response r = as(wrong, () -> server.get("/v1/namespaces/a/vectors/v1"));
      if (r.status() == 429) {
        got429++;
        assertEquals("too_many_auth_failures", r.code());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
      } else {
        assertEquals(401, r.status());
      }
    }
    assertEquals(5, got429, "100 invalid keys a minute, then refused");
    // Refused before the key is even looked at: from this address for the rest of the minute.
    assertEquals(429, asAdmin(() -> server.get("/admin/namespaces")).status());
  }

  @Test
  void keysNeverAppearInTheLog() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      as(keys.get("A-write"), () -> server.get("/v1/namespaces/a/vectors/v1"));
      as("vsk_0123456789abcdef_" + "C".repeat(43), () -> server.get("/v1/namespaces/a/vectors/v1"));
      asAdmin(() -> server.post("/admin/namespaces/a/keys", "{\"name\":\"logged\",\"role\":\"read\"}"));
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    for (String key : keys.values()) {
      assertFalse(log.contains(key));
    }
    assertFalse(log.contains(ADMIN));
    assertNull(null);
  }
}
