package io.vecstore.bench.querypath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.bench.suite.BenchMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --query-path --quick} end to end: the server jar as its own process, wrk against
 * it, raw Lucene in process; every figure is present and positive, every reply was a 2xx, the
 * namespace was one segment. No timing is asserted: times live in the benchmark's report.
 *
 * <p>wrk missing: skipped, unless {@code VECSTORE_REQUIRE_WRK=1} (set by {@code bin/vecstore test},
 * which installs it), under which the bench installs wrk itself or the test fails. The server jar
 * ({@code http/target/vecstore.jar}) comes from the build's package phase: without it (a bare
 * {@code mvn test}) the test is skipped.
 */
class QueryPathQuickRunTest {

  @TempDir Path dir;

  @Test
  void quickRunReportsEveryFigure() throws Exception {
    boolean required = "1".equals(System.getenv("VECSTORE_REQUIRE_WRK"));
    if (!required) {
      Assumptions.assumeTrue(Wrk.version() != null,
          "wrk is not installed: install Debian's wrk (apt-get install wrk), or set VECSTORE_REQUIRE_WRK=1 to let the bench install it");
    }
    Path jar = QueryPathOptions.defaultServerJar();
    Assumptions.assumeTrue(Files.isRegularFile(jar), "the server jar " + jar + " is not built (mvn package or verify builds it)");

    Path out = dir.resolve("results");
    Path json = QueryPathBench.run(QueryPathOptions.parse(List.of("--query-path", "--quick", "--out", out.toString(),
        "--work", dir.toString())), BenchMain.machine());
    JsonNode root = new ObjectMapper().readTree(json.toFile());

    assertEquals("query-path", root.path("mode").asText());
    assertEquals(QueryPathOptions.QUICK_BASE, root.path("dataset").path("base").asInt());
    assertEquals(0, root.path("server").path("exit_status").asInt(), "clean shutdown on SIGTERM");
    assertTrue(root.path("server").path("command").toString().contains("\"-jar\""), root.path("server").toString());
    assertTrue(root.path("client").asText().startsWith("wrk "), root.path("client").asText());
    for (String share : List.of("others_cpu_share_run", "others_cpu_share_measuring")) {
      JsonNode v = root.path("machine").path(share);
      assertTrue(v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1, share + ": " + root.path("machine"));
    }

    Set<String> http = new HashSet<>();
    for (JsonNode m : root.get("http")) {
      String key = m.get("request").asText() + (m.has("num_candidates") ? m.get("num_candidates").asInt() : "") + "/c"
          + m.get("connections").asInt();
      http.add(key);
      assertLatency(m, key);
      assertTrue(m.has("uncorrected"), key + ": " + m);
      assertEquals(0, m.get("non_2xx").asLong(), key);
    }
    assertEquals(Set.of("health/c1", "one_vector/c1", "real40/c1", "real100/c1", "pinecone40/c1", "pinecone100/c1",
        "health/c2", "one_vector/c2", "real40/c2", "real100/c2", "pinecone40/c2", "pinecone100/c2"), http);
    Set<String> lucene = new HashSet<>();
    for (JsonNode m : root.get("lucene")) {
      String key = m.get("num_candidates").asInt() + "/t" + m.get("connections").asInt();
      lucene.add(key);
      assertLatency(m, key);
    }
    assertEquals(Set.of("40/t1", "100/t1", "40/t2", "100/t2"), lucene);

    JsonNode ingest = root.get("ingest");
    assertEquals(QueryPathOptions.QUICK_BASE, ingest.get("vectors").asInt());
    for (String f : List.of("http_seconds", "http_vectors_per_s", "lucene_seconds", "lucene_vectors_per_s", "ratio")) {
      assertTrue(ingest.get(f).asDouble() > 0, f + " in " + ingest);
    }
    JsonNode segments = root.get("segments");
    assertEquals(1, segments.get("server_real_before").asInt(), segments.toString());
    assertEquals(1, segments.get("server_one_vector").asInt(), segments.toString());
    assertEquals(1, segments.get("lucene").asInt(), segments.toString());
    assertTrue(segments.get("server_real_after").asInt() >= 1, segments.toString());

    List<Integer> recallCandidates = new ArrayList<>();
    for (JsonNode r : root.get("recall_at_10")) {
      recallCandidates.add(r.get("num_candidates").asInt());
      // 100 candidates of 2,000 vectors find nearly every true neighbour: a wrong id mapping or
      // ground truth would show here. Both search the same index the same way.
      double min = r.get("num_candidates").asInt() == 100 ? 0.9 : 0.5;
      assertTrue(r.get("server").asDouble() >= min && r.get("server").asDouble() <= 1.0, r.toString());
      assertTrue(r.get("lucene").asDouble() >= min && r.get("lucene").asDouble() <= 1.0, r.toString());
    }
    assertEquals(List.of(40, 100), recallCandidates);

    assertEquals(2, root.get("derived").size());
    for (JsonNode d : root.get("derived")) {
      for (String f : List.of("health_us", "one_vector_us", "request_work_us", "request_work_ratio", "health_p99_us")) {
        assertTrue(d.get(f).isNumber() && Double.isFinite(d.get(f).asDouble()), f + " in " + d);
      }
      assertEquals(2, d.get("search_inside_server").size(), d.toString());
      for (JsonNode s : d.get("search_inside_server")) {
        assertTrue(s.get("lucene_us").asDouble() > 0 && s.get("real_us").asDouble() > 0, s.toString());
        assertTrue(Double.isFinite(s.get("ratio").asDouble()), s.toString());
      }
    }
    // request work, two search ratios, three p99s, ingest, and the Pinecone route's QPS share at
    // two candidate counts and two connection counts: judged, not asserted
    assertEquals(11, root.get("targets").size(), root.get("targets").toString());
    for (JsonNode t : root.get("targets")) {
      assertTrue(t.get("met").isBoolean() && t.get("limit").asDouble() > 0, t.toString());
    }
    String md = Files.readString(out.resolve("query-path.md"));
    assertTrue(md.contains("| `GET /health` (bare round trip) |"), md);
    assertTrue(md.contains("search inside server / raw Lucene, nc 100"), md);
    assertTrue(md.contains("| `/pinecone/query`, "), md);
    assertTrue(md.contains("QPS of /pinecone/query / QPS of our query route, nc 40"), md);
    assertTrue(Files.size(out.resolve("query-path-server.log")) > 0);
  }

  private static void assertLatency(JsonNode m, String key) {
    for (String f : List.of("mean_us", "p50_us", "p99_us", "max_us", "per_second", "count")) {
      assertTrue(m.get(f).asDouble() > 0, f + " of " + key + ": " + m);
    }
    assertTrue(m.get("p99_us").asDouble() >= m.get("p50_us").asDouble(), "p99 >= p50: " + m);
    assertEquals(3, m.get("round_means_us").size(), key);
    if (m.has("uncorrected")) {
      JsonNode u = m.get("uncorrected");
      for (String f : List.of("mean_us", "p50_us", "p99_us", "max_us", "count")) {
        assertTrue(u.get(f).asDouble() > 0, "uncorrected " + f + " of " + key + ": " + m);
      }
      assertTrue(m.get("wrk_corrected_mean_us").asDouble() > 0, key + ": " + m);
    }
  }

  @Test
  void readsTheScriptsResultLine() {
    Wrk.Round r = Wrk.parse("""
        Running 1s test @ http://127.0.0.1:1/health
          2 threads and 2 connections
        VECSTORE-WRK requests=4000 duration_us=1000000 bytes=1 mean_us=61.500 stdev_us=3.000 min_us=40 p50_us=60 \
        p90_us=70 p99_us=120 max_us=900 raw_count=3996 raw_mean_us=49.750 raw_p50_us=48 raw_p99_us=95 raw_max_us=850 \
        status_errors=1 non2xx_strict=2 connect_errors=0 read_errors=3 write_errors=0 timeouts=4
        """, List.of("wrk"), 2);
    // time per request: 2 connections / 4,000 requests per second = 500 µs
    assertEquals(new Latency(500, 60, 120, 900, 4000, 4000), r.latency());
    assertEquals(61.5, r.wrkMeanUs());
    assertEquals(new Latency(49.75, 48, 95, 850, 4000, 3996), r.uncorrected());
    assertEquals(1, r.statusErrors());
    assertEquals(2, r.non2xxStrict());
    assertEquals(7, r.socketErrors());
    assertEquals(10, r.failures());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Wrk.parse("unable to connect", List.of("wrk"), 1));
    assertTrue(e.getMessage().contains("no VECSTORE-WRK line"), e.getMessage());
  }

  @Test
  void scriptHoldsEveryBodyAndRejectsALongStringEnd() throws Exception {
    Path script = dir.resolve("s.lua");
    WrkScript.write(script, "POST", "/v1/namespaces/x/query", List.of("{\"a\":1}", "{\"b\":[2]}"));
    String lua = Files.readString(script);
    assertTrue(lua.contains("[==[{\"a\":1}]==],\n[==[{\"b\":[2]}]==],"), lua);
    assertTrue(lua.contains("local path = \"/v1/namespaces/x/query\""), lua);
    assertFalse(lua.contains("@MARKER@"), lua);
    assertTrue(lua.contains("timeouts=%d\\n\","), "the result line ends in Lua's \\n escape, not a raw line break");
    assertThrows(IllegalArgumentException.class, () -> WrkScript.write(script, "POST", "/", List.of("]==]")));
  }

  @Test
  void parsesFlagsWithValuesThatLookLikeFlags() {
    QueryPathOptions o = QueryPathOptions.parse(List.of("--query-path", "--server-java-options", "--add-opens x=y -Xmx1g",
        "--connections", "1", "--candidates", "40,100,200", "--bench-data", "/b"));
    assertEquals(List.of("--add-opens", "x=y", "-Xmx1g"), o.serverJavaOptions());
    assertEquals(List.of(1), o.connections());
    assertEquals(List.of(40, 100, 200), o.candidates());
    assertEquals(Path.of("/b/wordnet-minilm"), o.dataDir());
    assertEquals(40_000, o.base());
    assertEquals(10, o.roundSeconds());
    assertEquals(QueryPathOptions.QUICK_BASE, QueryPathOptions.parse(List.of("--query-path", "--quick")).base());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QueryPathOptions.parse(List.of("--query-path", "--scenarios", "ingest")));
    assertTrue(e.getMessage().startsWith("unknown flag --scenarios for --query-path"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> QueryPathOptions.parse(List.of("--query-path", "--candidates", "5")));
    assertEquals("num_candidates must be between 10 and 10000, got: [5]", e.getMessage());
  }

  @Test
  void bodiesAndLatencyFigures() {
    String q = Bodies.query(new float[] {0.5f, -1f}, 10, 40);
    assertEquals("{\"vector\":[0.5,-1.0],\"k\":10,\"num_candidates\":40}", q);
    assertEquals("{\"vectors\":[{\"id\":\"1\",\"values\":[2.0]},{\"id\":\"2\",\"values\":[3.0]}]}",
        new String(Bodies.upsert(new float[][] {{1f}, {2f}, {3f}}, 1, 3), java.nio.charset.StandardCharsets.UTF_8));
    assertArrayEquals(new int[] {12, 3},
        io.vecstore.bench.BenchUtil.replyIds("{\"results\":[{\"id\":\"12\",\"distance\":0.1,\"score\":0.9},{\"id\":\"3\",\"distance\":0.2}]}", 10));
    long[] nanos = new long[100];
    for (int i = 0; i < 100; i++) {
      nanos[i] = (100 - i) * 1000L; // 1..100 µs, unsorted
    }
    Latency l = Latency.ofNanos(nanos, 2.0);
    assertEquals(new Latency(50.5, 50, 99, 100, 50, 100), l);
    assertEquals(0.5, io.vecstore.bench.BenchUtil.recall(new int[] {1, 9, 3, 8}, new int[] {1, 2, 3, 4, 5, 6}, 4));
  }
}
