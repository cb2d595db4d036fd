package io.vecstore.server;

import io.vecstore.http.ServerConfig;
import io.vecstore.http.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.grpc.GrpcServer;
import io.vecstore.server.FuzzGrammar.FuzzRequest;
import io.vecstore.server.RawHttp.Answer;
import io.vecstore.server.RawHttp.NoAnswer;
import io.vecstore.http.TestServer.Response;
import io.vecstore.testdata.Lucene9Index;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grammar-based fuzzing of every REST route (and, lightly, every gRPC method): requests built from
 * each route's real schema by {@link FuzzGrammar}, then mutated (wrong types, unusual numbers, deep
 * nesting, truncation, invalid UTF-8, random bytes, duplicate and unknown keys, odd paths, query
 * strings, headers, methods, content types, framing and oversize bodies), sent over a raw loopback
 * socket ({@link RawHttp}) to the real server started with a 64 KiB body limit and an admin key.
 *
 * <p>Asserts: no response with status ≥ 500, every error response is JSON with {@code error} and
 * {@code code}, no connection ends without a response; and afterwards the sentinel namespaces (never
 * addressed by the fuzzer) have the same vectors, metadata, counters, quotas, keys and snapshots,
 * every namespace passes CheckIndex with as many live documents as it reported vectors, and the server
 * restarts on the same data with the same vector counts.
 *
 * <p>Seeded: {@code -Dvecstore.fuzz.seed=N} repeats a run (the seed is printed and is in every failure
 * message); {@code -Dvecstore.fuzz.requests=N} sets the default run's REST request count (3,000), the
 * slow variant sends {@code max(20,000, -Dvecstore.fuzz.slowRequests)}. gRPC gets a tenth as many calls.
 */
class GrammarFuzzTest {

  static final int MAX_BODY = 64 * 1024;
  static final String ADMIN_KEY = "fuzz-admin-key-0123456789abcdef";
  private static final int TIMEOUT_MILLIS = 20_000;
  private static final List<String> SENTINELS = List.of("sentinel-alpha", "sentinel-beta");

  @TempDir Path dataDir;
  @TempDir Path fixtureDir;

  @Test
  void generatedRequestsOnEveryRouteNeverFailTheServerOrTouchOtherData() throws Exception {
    fuzz(Integer.getInteger("vecstore.fuzz.requests", 3_000));
  }

  @Test
  @Tag("slow") // ~20,000 requests plus integrity checks: several minutes on 2 cores
  void twentyThousandGeneratedRequestsNeverFailTheServerOrTouchOtherData() throws Exception {
    fuzz(Math.max(20_000, Integer.getInteger("vecstore.fuzz.slowRequests", 20_000)));
  }

  // --- the run ---------------------------------------------------------------------------------------

  private long seed;
  private final Findings findings = new Findings();
  private final Map<String, int[]> statusByRoute = new TreeMap<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private int sweepCount;

  private void fuzz(int requests) throws Exception {
    Long fixed = Long.getLong("vecstore.fuzz.seed");
    seed = fixed != null ? fixed : new SecureRandom().nextLong();
    System.out.println("GrammarFuzzTest: seed " + seed + " (-Dvecstore.fuzz.seed=" + seed + "), " + requests + " requests");
    Random random = new Random(seed);
    ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withMaxBodyBytes(MAX_BODY).withAdminKey(ADMIN_KEY);
    TestServer server = TestServer.start(config);
    server.useKey(ADMIN_KEY);
    GrpcServer grpc = GrpcServer.start(new GrpcServer.Options("127.0.0.1", 0, ADMIN_KEY, MAX_BODY, reason -> { }, GrpcServer.CallRecorder.NONE), server.manager());
    long started = System.nanoTime();
    try {
      Map<String, String> sentVectors = createSentinels(server);
      Map<String, String> vectorsBefore = sentinelVectors(server);
      for (var e : sentVectors.entrySet()) {
        assertSameVector(e.getKey(), e.getValue(), vectorsBefore.get(e.getKey()));
      }
      Map<String, String> before = sentinelState(server);

      FuzzGrammar.Targets targets = new FuzzGrammar.Targets(ADMIN_KEY);
      createFuzzNamespaces(server, targets);
      FuzzGrammar grammar = new FuzzGrammar(random, targets);
      int port = port(server);
      List<FuzzRequest> sweep = grammar.sweep(requests >= 20_000 ? FuzzJson.ODD_NUMBERS : FuzzGrammar.SWEEP_NUMBERS);
      for (FuzzRequest req : sweep) {
        judge(req, RawHttp.exchange(port, req.toBytes(port), req.halfClose(), req.head(), TIMEOUT_MILLIS), port, targets);
      }
      sweepCount = sweep.size();
      repair(server, targets);
      long sweepMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      for (int i = 0; i < requests; i++) {
        if (i % 150 == 149) {
          repair(server, targets);
        }
        FuzzRequest req = grammar.next();
        RawHttp.Outcome outcome = RawHttp.exchange(port, req.toBytes(port), req.halfClose(), req.head(), TIMEOUT_MILLIS);
        judge(req, outcome, port, targets);
      }
      long restMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) - sweepMillis;
      timings.put("sweep ms", sweepMillis);
      timings.put("random ms", restMillis);
      long phase = System.nanoTime();

      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
      GrpcFuzzer grpcFuzzer;
      try {
        awaitNotBlocked(server);
        repair(server, targets);
        grpcFuzzer = new GrpcFuzzer(random, channel, ADMIN_KEY, List.copyOf(targets.fuzzNamespaces), findings::add);
        grpcFuzzer.run(Math.max(100, requests / 10));
      } finally {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
      }

      timings.put("grpc ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - phase));
      phase = System.nanoTime();

      // sentinels: untouched by everything above
      awaitNotBlocked(server);
      Map<String, String> after = sentinelState(server);
      compareStates("after fuzzing", before, after);
      Map<String, String> vectorsAfter = sentinelVectors(server);
      compareStates("sentinel vectors after fuzzing", vectorsBefore, vectorsAfter);
      Map<String, String> baseline = sentinelState(server); // now counting the fetches just made

      // every namespace: CheckIndex on the closed indexes, then a restart with the same counts
      Map<String, Long> counts = vectorCounts(server);
      grpc.close();
      grpc = null;
      server.close();
      checkIndexes(counts);
      server = TestServer.start(config);
      server.useKey(ADMIN_KEY);
      Map<String, Long> restarted = vectorCounts(server);
      if (!counts.equals(restarted)) {
        findings.add("integrity", "vector counts differ after restart", "restart", "restart on " + dataDir,
            "before: " + counts + "\nafter:  " + restarted);
      }
      compareStates("after restart", baseline, sentinelState(server));
      compareStates("sentinel vectors after restart", vectorsBefore, sentinelVectors(server));

      timings.put("integrity ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - phase));
      String summary = summary(requests, grpcFuzzer, counts.size());
      System.out.println(summary);
      if (!findings.isEmpty()) {
        fail(findings.report(seed, port) + "\n" + summary);
      }
    } finally {
      if (grpc != null) {
        grpc.close();
      }
      server.close();
    }
  }

  // --- judging one exchange ------------------------------------------------------------------------

  private void judge(FuzzRequest req, RawHttp.Outcome outcome, int port, FuzzGrammar.Targets targets) {
    String mutations = String.join("; ", req.mutations);
    switch (outcome) {
      case NoAnswer n -> {
        count("no-answer:" + n.reason() + (req.brokenRequestLine ? " (broken request line)" : ""));
        findings.add("dropped", "no response (" + n.reason() + ")" + (req.brokenRequestLine ? " after a broken request line" : "")
            + ", framing " + req.framing, req.route, req.describe(port, 1500) + "\n      mutations: " + mutations,
            n.detail() + "; received: " + new String(n.received(), StandardCharsets.ISO_8859_1));
      }
      case Answer a -> {
        statusByRoute.computeIfAbsent(req.route, k -> new int[6])[Math.min(5, a.status() / 100)]++;
        count("status " + a.status());
        if (req.brokenRequestLine && a.status() == 400) {
          count("jetty-400-on-broken-request-line" + (a.closes() ? " (then closed)" : ""));
        }
        String code = errorCode(a);
        // RFC 9110 §15.6.6: 505 is the answer to a well-formed but unsupported version (HTTP/1.2, HTTP/9.9)
        boolean unsupportedVersion = a.status() == 505 && req.version.matches("HTTP/\\d\\.\\d")
            && !req.version.equals("HTTP/1.1") && !req.version.equals("HTTP/1.0");
        if (unsupportedVersion) {
          count("505 for a well-formed unsupported version " + req.version);
        }
        // Jetty's parser answers 505 itself to a version token it cannot read (FOO, none at all),
        // before any handler runs: it cannot tell "FOO" from "HTTP/1.2" ("Unknown Version"). Counted
        // apart, with its JSON error body required; not a failure of ours.
        // An empty target ("HEAD  HTTP/1.1") makes Jetty read the version as the target and find
        // no version at all: the same 505 ("HTTP/0.9 not supported").
        boolean unreadableVersion = a.status() == 505 && (req.head()
            ? !req.version.matches("HTTP/1\\.[01]") || req.brokenRequestLine // HEAD: no body to read the reason from
            : code != null && (a.bodyText().contains("Unknown Version") || a.bodyText().contains("HTTP/0.9 not supported")));
        if (unreadableVersion && !unsupportedVersion) {
          count("505 from Jetty for an unreadable version token");
          unsupportedVersion = true;
        }
        if (a.status() >= 500 && !unsupportedVersion) {
          findings.add("5xx", a.status() + " " + code + " " + messageShape(a), req.route,
              req.describe(port, 1500) + "\n      mutations: " + mutations, a.statusLine() + " " + abbreviate(a.bodyText(), 400));
        } else if (a.status() >= 400 && !req.head() && code == null) {
          findings.add("error-shape", a.status() + " without a JSON {error, code} body (Content-Type " + a.header("content-type")
              + ") on a " + req.method + " request", req.route, req.describe(port, 1500) + "\n      mutations: " + mutations,
              a.statusLine() + " " + abbreviate(a.bodyText(), 400));
        } else if (a.status() == 201) {
          noteCreated(req, a, targets);
        } else if (a.status() == 200 && req.method.equals("DELETE") && req.route.equals("DELETE /admin/namespaces/{id}")) {
          JsonNode body = json(a.body());
          if (body != null && body.hasNonNull("deleted") && !FuzzGrammar.BASE_FUZZ.contains(body.get("deleted").asText())) {
            targets.fuzzNamespaces.remove(body.get("deleted").asText());
          }
        }
        if (a.writeFailed()) {
          count("answered-before-request-was-sent");
        }
      }
    }
  }

  private void noteCreated(FuzzRequest req, Answer a, FuzzGrammar.Targets targets) {
    JsonNode body = json(a.body());
    if (body == null) {
      return;
    }
    JsonNode ns = body.has("namespace") && body.get("namespace").isObject() ? body.get("namespace") : body;
    String id = ns.path("id").asText("");
    if (req.route.startsWith("POST /admin/namespaces") && !req.route.contains("{id}") && !id.isEmpty()) {
      if (SENTINELS.contains(id)) {
        findings.add("integrity", "the fuzzer created a sentinel id", req.route, req.describe(0, 500), id);
      } else if (!targets.fuzzNamespaces.contains(id)) {
        targets.fuzzNamespaces.add(id);
      }
    }
  }

  /** The JSON error code of an answer, or null when its body is not {@code {"error": …, "code": …}}. */
  private static String errorCode(Answer a) {
    String type = a.header("content-type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return null;
    }
    JsonNode n = json(a.body());
    return n != null && n.path("error").isTextual() && n.path("code").isTextual() ? n.get("code").asText() : null;
  }

  /** The message with numbers and quoted values blanked, so one bug is one finding. */
  private static String messageShape(Answer a) {
    JsonNode n = json(a.body());
    String m = n == null ? abbreviate(a.bodyText(), 80) : n.path("error").asText("");
    return m.replaceAll("'[^']*'", "'…'").replaceAll("\\d+", "N");
  }

  private void count(String what) {
    outcomes.merge(what, 1, Integer::sum);
  }

  // --- setup -----------------------------------------------------------------------------------------

  /** Two namespaces the fuzzer never addresses, with data, keys, a snapshot and counters; returns id -> sent vector. */
  private static Map<String, String> createSentinels(TestServer server) {
    Map<String, String> sent = new LinkedHashMap<>();
    ok(server.post("/admin/namespaces", "{\"id\":\"sentinel-alpha\",\"name\":\"Sentinel α\",\"description\":\"never fuzzed\","
        + "\"metadata\":{\"owner\":\"test\"},\"tier\":\"pro\",\"metric\":\"cosine\",\"dimension\":8}"), 201);
    ok(server.post("/admin/namespaces", "{\"id\":\"sentinel-beta\",\"name\":\"Sentinel β\",\"metric\":\"euclidean\",\"dimension\":3,"
        + "\"quotas\":{\"max_vectors\":1000,\"max_storage_bytes\":104857600,\"max_requests_per_second\":1000.5,"
        + "\"max_concurrent_queries\":3,\"max_dimension\":3,\"max_results_per_query\":50,\"max_batch_size\":40}}"), 201);
    Random data = new Random(42);
    String[] metadata = {
        "{\"category\":\"tech\",\"year\":2020,\"price\":12.50,\"tags\":[\"a\",\"b\"]}",
        "{\"category\":\"food\",\"year\":1999,\"exact\":0.1000000000000000055511151231257827,\"big\":9007199254740993}",
        "{\"nested\":{\"a\":{\"b\":[1,2,{\"c\":null}]}},\"flag\":true,\"none\":null}",
        "{\"ключ\":\"значение\",\"emoji\":\"💩\",\"quote\":\"it's \\\"q\\\"\",\"empty\":\"\"}",
        "{\"neg\":-0.0,\"exp\":1E+2,\"long\":\"" + "x".repeat(2000) + "\"}",
        "{}",
    };
    for (String ns : SENTINELS) {
      int dim = ns.equals("sentinel-alpha") ? 8 : 3;
      int n = ns.equals("sentinel-alpha") ? 30 : 12;
      StringBuilder batch = new StringBuilder("{\"vectors\":[");
      for (int i = 0; i < n; i++) {
        StringBuilder values = new StringBuilder("[");
        for (int d = 0; d < dim; d++) {
          values.append(d == 0 ? "" : ",").append(Float.toString(data.nextFloat() * 2 - 1 + (d == 0 ? 2 : 0)));
        }
        values.append(']');
        String id = ns.equals("sentinel-alpha") && i == 7 ? "id with spaces é" : "s" + i;
        String vector = "{\"id\":" + TestServer.JSON.valueToTree(id) + ",\"values\":" + values
            + (i % 7 == 6 ? "" : ",\"metadata\":" + metadata[i % metadata.length]) + "}";
        batch.append(i == 0 ? "" : ",").append(vector);
        sent.put(ns + "/" + id, vector);
      }
      ok(server.post("/v1/namespaces/" + ns + "/vectors", batch.append("]}").toString()), 200);
      ok(server.post("/v1/namespaces/" + ns + "/query", "{\"vector\":" + (dim == 8 ? "[1,0,0,0,0,0,0,1]" : "[1,0,1]")
          + ",\"k\":5,\"filter\":\"category = 'tech'\"}"), 200);
      ok(server.post("/admin/namespaces/" + ns + "/keys", "{\"name\":\"sentinel-key\",\"role\":\""
          + (dim == 8 ? "read" : "write") + "\"}"), 201);
      ok(server.post("/admin/namespaces/" + ns + "/snapshots", "{\"name\":\"base\"}"), 201);
    }
    ok(server.put("/admin/namespaces/sentinel-beta/status", "{\"status\":\"read_only\"}"), 200);
    return sent;
  }

  private static final String[] FUZZ_SPECS = {
      "{\"id\":\"fz-a\",\"tier\":\"unlimited\",\"metric\":\"cosine\",\"dimension\":4}",
      "{\"id\":\"fz-b\",\"metric\":\"euclidean\"}",
      "{\"id\":\"fz-c\",\"tier\":\"free\",\"metric\":\"dot_product\",\"dimension\":4,\"quantization\":\"int8\"}",
  };

  private void createFuzzNamespaces(TestServer server, FuzzGrammar.Targets targets) throws IOException {
    for (String spec : FUZZ_SPECS) {
      createFuzzNamespace(server, spec);
    }
    targets.fuzzNamespaces.addAll(FuzzGrammar.BASE_FUZZ);
    ensureNamespaceKeys(server, targets);
    targets.validCursor = server.get("/admin/namespaces?limit=1").json().path("next_cursor").asText(null);
    Answer export = (Answer) RawHttp.exchange(port(server), ("GET /admin/namespaces/fz-a/snapshots/s1/export HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + ADMIN_KEY + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), false, false, TIMEOUT_MILLIS);
    assertEquals(200, export.status(), export.bodyText());
    targets.exportArchive = export.body();
    targets.luceneFixture = Lucene9Index.copyTo(fixtureDir.resolve("lucene9")).toAbsolutePath().toString();
  }

  /**
   * A read and a write key of fz-a for the grammar's namespace-key requests; made again when fz-a
   * was deleted or replaced (an import), since a stale key would count as an invalid one and the
   * server blocks an address after 100 invalid keys a minute.
   */
  private static void ensureNamespaceKeys(TestServer server, FuzzGrammar.Targets targets) {
    Response list = server.get("/admin/namespaces/fz-a/keys");
    if (list.status() != 200) {
      return;
    }
    List<String> names = new ArrayList<>();
    list.json().path("keys").forEach(k -> names.add(k.path("name").asText()));
    if (names.contains("fz-read") && names.contains("fz-write") && targets.namespaceKeys.size() == 2) {
      return;
    }
    targets.namespaceKeys.clear();
    for (String role : List.of("read", "write")) {
      server.delete("/admin/namespaces/fz-a/keys/fz-" + role);
      Response key = server.post("/admin/namespaces/fz-a/keys", "{\"name\":\"fz-" + role + "\",\"role\":\"" + role + "\"}");
      if (key.status() == 201) {
        targets.namespaceKeys.add(key.json().get("key").asText());
      }
    }
  }

  /** Waits while the server refuses this address for too many invalid keys (it should never come to that). */
  private void awaitNotBlocked(TestServer server) throws InterruptedException {
    for (int i = 0; i < 70; i++) {
      Response r = server.get("/admin/stats");
      if (r.status() != 429) {
        return;
      }
      if (i == 0) {
        findings.add("harness", "the address was blocked for invalid keys (the grammar's key budget is too loose)", "auth",
            "GET /admin/stats", r.toString());
      }
      Thread.sleep(1000);
    }
  }

  private static void createFuzzNamespace(TestServer server, String spec) {
    String id;
    try {
      id = TestServer.JSON.readTree(spec).get("id").asText();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    ok(server.post("/admin/namespaces", spec), 201);
    StringBuilder batch = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < 20; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":[").append(1 + i % 3).append(",0.5,")
          .append(i % 5).append(",-1],\"metadata\":{\"category\":\"").append(i % 2 == 0 ? "tech" : "food").append("\",\"year\":")
          .append(2000 + i).append(",\"tags\":[\"x\"]}}");
    }
    ok(server.post("/v1/namespaces/" + id + "/vectors", batch.append("]}").toString()), 200);
    ok(server.post("/admin/namespaces/" + id + "/snapshots", "{\"name\":\"s1\"}"), 201);
  }

  /**
   * Puts the base fuzz namespaces back in a state where requests reach their code: recreated if
   * deleted, active, no rate or query-slot limits, snapshot s1 present. Prunes created namespaces.
   */
  private void repair(TestServer server, FuzzGrammar.Targets targets) {
    for (int i = 0; i < FUZZ_SPECS.length; i++) {
      String id = FuzzGrammar.BASE_FUZZ.get(i);
      if (server.get("/admin/namespaces/" + id).status() == 404) {
        createFuzzNamespace(server, FUZZ_SPECS[i]);
      }
      server.put("/admin/namespaces/" + id + "/status", "{\"status\":\"active\"}");
      server.put("/admin/namespaces/" + id + "/quotas", "{\"max_requests_per_second\":null,\"max_concurrent_queries\":null,"
          + "\"max_vectors\":null,\"max_storage_bytes\":null,\"max_batch_size\":" + (i == 2 ? "100" : "null") + ",\"override\":true}");
      server.put("/admin/namespaces/" + id + "/quota-policy", "null");
      server.post("/admin/namespaces/" + id + "/snapshots", "{\"name\":\"s1\"}");
    }
    ensureNamespaceKeys(server, targets);
    List<String> created = targets.fuzzNamespaces.stream().filter(id -> !FuzzGrammar.BASE_FUZZ.contains(id)).toList();
    for (int i = 0; i < created.size() - 25; i++) {
      server.delete("/admin/namespaces/" + created.get(i));
      targets.fuzzNamespaces.remove(created.get(i));
    }
  }

  // --- integrity ---------------------------------------------------------------------------------------

  /** Namespace object, stats, keys and snapshots of each sentinel, minus what background work changes. */
  private static Map<String, String> sentinelState(TestServer server) {
    Map<String, String> state = new LinkedHashMap<>();
    for (String ns : SENTINELS) {
      ObjectNode info = (ObjectNode) okJson(server.get("/admin/namespaces/" + ns));
      info.remove(List.of("storage_bytes", "quota_utilization", "is_near_quota"));
      state.put(ns + " namespace", info.toString());
      ObjectNode stats = (ObjectNode) okJson(server.get("/admin/namespaces/" + ns + "/stats"));
      stats.remove(List.of("storage_bytes", "quota_utilization"));
      state.put(ns + " stats", stats.toString());
      state.put(ns + " keys", okJson(server.get("/admin/namespaces/" + ns + "/keys")).toString());
      state.put(ns + " snapshots", okJson(server.get("/admin/namespaces/" + ns + "/snapshots")).toString());
    }
    return state;
  }

  /** Every sentinel vector as fetched (values and metadata), by namespace/id. */
  private static Map<String, String> sentinelVectors(TestServer server) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String ns : SENTINELS) {
      int n = ns.equals("sentinel-alpha") ? 30 : 12;
      for (int i = 0; i < n; i++) {
        String id = ns.equals("sentinel-alpha") && i == 7 ? "id with spaces é" : "s" + i;
        Response r = server.get("/v1/namespaces/" + ns + "/vectors/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)
            .replace("+", "%20"));
        out.put(ns + "/" + id, r.status() + " " + r.body());
      }
    }
    return out;
  }

  /** A sentinel vector as fetched before fuzzing is what was sent: values as floats, metadata as JSON values. */
  private void assertSameVector(String key, String sent, String fetched) throws IOException {
    JsonNode want = TestServer.JSON.readTree(sent);
    assertTrue(fetched.startsWith("200 "), key + ": " + fetched);
    JsonNode got = TestServer.JSON.readTree(fetched.substring(4));
    for (int d = 0; d < want.get("values").size(); d++) {
      assertEquals((float) want.get("values").get(d).asDouble(), (float) got.get("values").get(d).asDouble(), key);
    }
    JsonNode metadata = want.has("metadata") ? want.get("metadata") : null;
    if (metadata != null && !metadata.equals(got.get("metadata"))) {
      for (var field : metadata.properties()) {
        JsonNode back = got.path("metadata").get(field.getKey());
        // Metadata numbers are exact decimals: the same number comes back, whatever its spelling
        // (-0.0 is 0.0, a decimal has no negative zero).
        boolean sameNumber = field.getValue().isNumber() && back != null && back.isNumber()
            && field.getValue().decimalValue().compareTo(back.decimalValue()) == 0;
        if (!field.getValue().equals(back) && !sameNumber) {
          findings.add("round-trip", "metadata value not returned as sent: " + field.getValue() + " came back as " + back,
              "POST /v1/namespaces/{ns}/vectors", "upsert of " + key + ": " + abbreviate(sent, 300), "fetched: " + abbreviate(fetched, 300));
        }
      }
    }
  }

  private void compareStates(String when, Map<String, String> before, Map<String, String> after) {
    for (var e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (!e.getValue().equals(now)) {
        findings.add("integrity", "sentinel changed " + when + ": " + e.getKey(), e.getKey(), "(no single request: compare before/after)",
            "before: " + abbreviate(e.getValue(), 1500) + "\nafter:  " + abbreviate(String.valueOf(now), 1500));
      }
    }
  }

  /** vector_count of every namespace, from the listing. */
  private static Map<String, Long> vectorCounts(TestServer server) {
    Map<String, Long> counts = new TreeMap<>();
    String cursor = null;
    do {
      JsonNode page = okJson(server.get("/admin/namespaces?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)));
      for (JsonNode ns : page.get("namespaces")) {
        counts.put(ns.get("id").asText(), ns.path("vector_count").asLong(-1));
      }
      cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").asText() : null;
    } while (cursor != null);
    return counts;
  }

  /** CheckIndex (level 3) on every namespace's index and its snapshots, with the server stopped. */
  private void checkIndexes(Map<String, Long> counts) throws IOException {
    for (var e : counts.entrySet()) {
      Path dir = dataDir.resolve(e.getKey());
      Path index = dir.resolve("index");
      if (!hasCommit(index)) {
        if (e.getValue() != 0) {
          findings.add("integrity", "namespace with vectors but no committed index", e.getKey(), e.getKey(),
              index + ": " + e.getValue() + " vectors");
        }
        continue;
      }
      IndexFiles.CheckResult check = IndexFiles.check(index, 3, null);
      if (!check.clean()) {
        findings.add("integrity", "CheckIndex failed on " + e.getKey(), e.getKey(), index.toString(), abbreviate(check.report(), 3000));
      } else if (check.liveDocs() != e.getValue()) {
        findings.add("integrity", "live documents differ from vector_count in " + e.getKey(), e.getKey(), index.toString(),
            check.liveDocs() + " live documents, vector_count " + e.getValue());
      }
      Path snapshots = dir.resolve("snapshots");
      if (Files.isDirectory(snapshots)) {
        try (Stream<Path> list = Files.list(snapshots)) {
          for (Path snapshot : list.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
            Path snapshotIndex = snapshot.resolve("index");
            if (hasCommit(snapshotIndex) && !IndexFiles.check(snapshotIndex, 3, null).clean()) {
              findings.add("integrity", "CheckIndex failed on a snapshot of " + e.getKey(), e.getKey(), snapshotIndex.toString(),
                  "not clean");
            }
          }
        }
      }
    }
  }

  private static boolean hasCommit(Path index) throws IOException {
    if (!Files.isDirectory(index)) {
      return false;
    }
    try (Stream<Path> files = Files.list(index)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
    }
  }

  // --- reporting -------------------------------------------------------------------------------------

  private String summary(int requests, GrpcFuzzer grpc, int namespaces) {
    StringBuilder s = new StringBuilder("GrammarFuzzTest summary (seed ").append(seed).append("): ").append(sweepCount)
        .append(" field-sweep + ").append(requests).append(" random REST requests; ").append(timings).append("; ").append(grpc.calls).append(" gRPC calls (")
        .append(grpc.ok).append(" ok, ").append(grpc.rawBytesRejected)
        .append(" random-byte messages refused by grpc-java itself with UNKNOWN 'Application error processing RPC'); ")
        .append(namespaces).append(" namespaces checked\n  outcomes: ").append(outcomes).append("\n  statuses by route (1xx 2xx 3xx 4xx 5xx):");
    statusByRoute.forEach((route, c) -> s.append(String.format("%n    %-60s %5d %5d %5d %5d", route, c[2], c[3], c[4], c[5])));
    return s.toString();
  }

  private static int port(TestServer server) {
    String base = server.base();
    return Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
  }

  private static JsonNode json(byte[] body) {
    try {
      JsonNode n = TestServer.JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static Response ok(Response r, int status) {
    assertEquals(status, r.status(), r.body());
    return r;
  }

  private static JsonNode okJson(Response r) {
    return ok(r, 200).json();
  }

  static String abbreviate(String s, int max) {
    return s.length() > max ? s.substring(0, max) + "…(" + s.length() + " chars)" : s;
  }

  /** Distinct problems, each with how often it happened, where, and its shortest reproducer. */
  static final class Findings {
    private static final class Finding {
      final String kind;
      final String key;
      int count;
      final Map<String, Integer> where = new TreeMap<>();
      String reproducer;
      String answer;

      Finding(String kind, String key) {
        this.kind = kind;
        this.key = key;
      }
    }

    private final Map<String, Finding> byKey = new LinkedHashMap<>();

    /** One occurrence of problem {@code key} (its kind, e.g. 5xx) at {@code where} (a route, a namespace). */
    synchronized void add(String kind, String key, String where, String reproducer, String answer) {
      Finding f = byKey.computeIfAbsent(kind + ": " + key, k -> new Finding(kind, key));
      f.count++;
      f.where.merge(where, 1, Integer::sum);
      if (f.reproducer == null || reproducer.length() < f.reproducer.length()) {
        f.reproducer = reproducer;
        f.answer = answer;
      }
    }

    boolean isEmpty() {
      return byKey.isEmpty();
    }

    String report(long seed, int port) {
      Map<String, Integer> perKind = new TreeMap<>();
      byKey.values().forEach(f -> perKind.merge(f.kind, f.count, Integer::sum));
      StringBuilder s = new StringBuilder(String.format("%d distinct problems, occurrences by kind %s [reproduce with -Dvecstore.fuzz.seed=%d]%n",
          byKey.size(), perKind, seed));
      List<Finding> all = new ArrayList<>(byKey.values());
      all.sort((a, b) -> a.kind.equals(b.kind) ? Integer.compare(b.count, a.count) : a.kind.compareTo(b.kind));
      for (Finding f : all.subList(0, Math.min(60, all.size()))) {
        s.append(String.format("%n[%s] x%d %s%n    where:   %s%n    shortest request: %s%n    answer:  %s%n", f.kind, f.count, f.key,
            f.where, f.reproducer, f.answer.replace("\n", "\n             ")));
      }
      if (all.size() > 60) {
        s.append("\n… and ").append(all.size() - 60).append(" more");
      }
      return s.toString();
    }
  }
}
