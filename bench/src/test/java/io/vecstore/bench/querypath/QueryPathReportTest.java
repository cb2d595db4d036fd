package io.vecstore.bench.querypath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.bench.querypath.QueryPathResults.Measured;
import io.vecstore.bench.querypath.QueryPathResults.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The derived figures and verdicts of the report, on made-up figures (the numbers). */
class QueryPathReportTest {

  @Test
  void derivesRequestWorkSearchRatiosAndVerdicts() throws Exception {
    QueryPathReport report = new QueryPathReport(results(0.01, "0.20 0.10 0.05"));
    List<QueryPathReport.Target> t = report.targets();
    assertEquals(11, t.size());
    // request work = 88 − 67 = 21 µs = 0.31 × 67
    assertEquals(21.0 / 67, t.get(0).value(), 1e-9);
    assertTrue(t.get(0).met());
    // nc 40: (260 − 88) / 163 = 1.055; nc 100: (608 − 88) / 389 = 1.337
    assertEquals(172.0 / 163, t.get(1).value(), 1e-9);
    assertTrue(t.get(1).met());
    assertEquals(520.0 / 389, t.get(2).value(), 1e-9);
    assertFalse(t.get(2).met());
    // p99 limits: health's 150 µs + 1 ms
    assertEquals(1150, t.get(3).limit());
    assertTrue(t.get(3).met());
    assertTrue(t.get(4).met());
    assertFalse(t.get(5).met(), "nc 100's p99 of 1,400 µs is over 1,150");
    // the Pinecone route's QPS share: 260 / 270 at nc 40 (met), 608 / 700 at nc 100 (not), at c = 1 and 2
    assertEquals(260.0 / 270, t.get(6).value(), 1e-9);
    assertTrue(t.get(6).met());
    assertEquals(608.0 / 700, t.get(7).value(), 1e-9);
    assertFalse(t.get(7).met());
    assertEquals(2, t.get(8).connections());
    // ingest: 40,000 in 16 s over HTTP (2,500/s) vs 15 s in Lucene (2,667/s) = 0.9375
    assertEquals(15.0 / 16, t.get(10).value(), 1e-9);
    assertTrue(t.get(10).met());

    QueryPathReport.Derived two = report.derived().get(1);
    assertEquals(2, two.connections());
    assertEquals(2 * (88 - 67), two.requestWorkUs(), 1e-9);

    String md = report.toMarkdown();
    assertTrue(md.contains("| request work / health | 0.31 | 0.31 | ≤ 0.50: met |"), md);
    assertTrue(md.contains("| search inside server / raw Lucene, nc 100 | 1.34 | 1.34 | ≤ 1.25: **not met** |"), md);
    assertTrue(md.contains("ratio 0.94 ≥ 0.90: met"), md);
    assertTrue(md.contains("| QPS of /pinecone/query / QPS of our query route, nc 40 | 0.96 | 0.96 | ≥ 0.95: met |"), md);
    assertTrue(md.contains("| `/pinecone/query`, 40,000 vectors, maxCandidates 100 | 700 |"), md);
    assertTrue(md.contains("Targets (one connection, and the Pinecone route at every connection count): 7 of 11 met."), md);
    assertNull(report.busy());

    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertEquals(11, json.get("targets").size());
    assertEquals(520.0 / 389, json.get("derived").get(0).get("search_inside_server").get(1).get("ratio").asDouble(), 1e-9);
    assertEquals(100, json.get("http").get(0).get("uncorrected").get("p99_us").asDouble());
    assertFalse(json.get("lucene").get(0).has("uncorrected"), "raw Lucene has one distribution only");
    assertFalse(json.has("warning"));
  }

  @Test
  void flagsABusyMachine() {
    QueryPathReport report = new QueryPathReport(results(0.2, "0.20 0.10 0.05"));
    assertTrue(report.busy().startsWith("Other processes used 20% of the machine's CPU while the bench measured"),
        report.busy());
    assertTrue(report.toMarkdown().contains("**Other processes used 20%"), report.toMarkdown());
    // without /proc figures, a load average over half the cores at the start
    QueryPathReport unknown = new QueryPathReport(results(null, "1.50 0.10 0.05"));
    assertTrue(unknown.busy().contains("load average 1.50 0.10 0.05, 2 cores"), unknown.busy());
    assertNull(new QueryPathReport(results(null, "0.90 0.10 0.05")).busy());
  }

  /** The figures at one connection, twice as slow at two; ingest 16 s over HTTP, 15 s in Lucene. */
  private static QueryPathResults results(Double othersShare, String loadAtStart) {
    List<Measured> http = new ArrayList<>();
    List<Measured> lucene = new ArrayList<>();
    for (int c : List.of(1, 2)) {
      http.add(wrk(Probe.HEALTH, 0, c, 67 * c, 150));
      http.add(wrk(Probe.ONE_VECTOR, 0, c, 88 * c, 400));
      http.add(wrk(Probe.REAL, 40, c, 260 * c, 900));
      http.add(wrk(Probe.REAL, 100, c, 608 * c, 1400));
      http.add(wrk(Probe.PINECONE, 40, c, 270 * c, 900));
      http.add(wrk(Probe.PINECONE, 100, c, 700 * c, 1400));
      lucene.add(raw(40, c, 163 * c));
      lucene.add(raw(100, c, 389 * c));
    }
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", 2);
    machine.put("load_average_start", loadAtStart);
    machine.put(QueryPathReport.OTHERS_SHARE_MEASURING, othersShare);
    Map<String, Object> dataset = new LinkedHashMap<>();
    dataset.put("description", "made up");
    dataset.put("queries", 1000);
    QueryPathOptions options = new QueryPathOptions(false, Path.of("out"), Path.of("data"), Path.of("work"), Path.of("x.jar"),
        List.of(), 40_000, 1000, 10, 3, List.of(1, 2), List.of(40, 100), 300, 42, false);
    return new QueryPathResults(machine, dataset, options, "wrk test", List.of("java", "-jar", "x.jar"), 0,
        new QueryPathResults.Ingest(40_000, 1000, 16, 15, 9), new QueryPathResults.Segments(1, 1, 1, 1, 25),
        List.of(new QueryPathResults.Recall(40, 1000, 0.97, 0.97), new QueryPathResults.Recall(100, 1000, 0.99, 0.99)),
        http, lucene, 600);
  }

  private static Measured wrk(Probe probe, int nc, int c, double meanUs, double p99Us) {
    Latency l = new Latency(meanUs, meanUs * 0.9, p99Us, p99Us * 3, c * 1e6 / meanUs, 10_000);
    Latency u = new Latency(meanUs, meanUs * 0.9, 100, p99Us * 3, c * 1e6 / meanUs, 9_999);
    return new Measured(probe, nc, c, l, meanUs * 1.5, u, List.of(meanUs, meanUs * 1.1, meanUs * 1.2), 0);
  }

  private static Measured raw(int nc, int threads, double meanUs) {
    Latency l = new Latency(meanUs, meanUs, meanUs * 2, meanUs * 4, threads * 1e6 / meanUs, 10_000);
    return new Measured(Probe.LUCENE, nc, threads, l, Double.NaN, l, List.of(meanUs), 0);
  }
}
