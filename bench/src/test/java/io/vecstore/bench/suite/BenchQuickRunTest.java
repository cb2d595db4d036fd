package io.vecstore.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole quick bench (real server over HTTP, raw Lucene) produces every figure, with sane values. */
class BenchQuickRunTest {

  @TempDir Path dir;

  @Test
  void quickRunWritesEveryFigure() throws Exception {
    Path out = dir.resolve("results");
    BenchMain.run(BenchMain.parse(List.of("--quick", "--out", out.toString(), "--work", dir.toString())));
    JsonNode root = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertTrue(Files.readString(out.resolve("results.md")).contains("| nc=default c=1 | bbq |"));
    assertEquals(BenchMain.QUICK_BASE, root.path("dataset").path("base").asInt());
    Map<String, JsonNode> rows = new HashMap<>();
    for (JsonNode row : root.get("rows")) {
      rows.put(row.get("scenario").asText() + "/" + row.get("quantization").asText() + "/" + row.get("case").asText(), row);
      for (JsonNode f : row.get("figures")) {
        assertTrue(f.get("vecstore").isNumber() && f.get("vecstore").asDouble() >= 0, row.toString());
        assertTrue(f.get("lucene").isNumber() && f.get("lucene").asDouble() >= 0, row.toString());
        if (f.get("lucene").asDouble() > 0) {
          assertEquals(f.get("vecstore").asDouble() / f.get("lucene").asDouble(), f.get("ratio").asDouble(), 1e-9);
        }
        if (f.get("metric").asText().equals("recall@10")) {
          assertTrue(f.get("vecstore").asDouble() <= 1.0 && f.get("lucene").asDouble() <= 1.0, row.toString());
        } else {
          assertTrue(f.get("vecstore").asDouble() > 0 && f.get("lucene").asDouble() > 0, row.toString());
        }
      }
    }
    assertTrue(rows.containsKey("ingest/none/batch 100, 2 threads"), rows.keySet().toString());
    assertTrue(rows.containsKey("ingest/none/batch 1000, 2 threads"), rows.keySet().toString());
    List<String> filters = List.of();
    for (JsonNode f : root.path("dataset").path("filters")) {
      filters = new java.util.ArrayList<>(filters);
      filters.add(String.format(java.util.Locale.ROOT, "filter %.1f%% nc=default", 100 * f.get("fraction").asDouble()));
    }
    assertEquals(2, filters.size());
    for (String q : List.of("none", "int8", "int4", "bbq")) {
      JsonNode index = rows.get("query/" + q + "/index (batch 1000)");
      assertEquals(List.of("ingest", "size", "segments"), index.findValuesAsText("metric"), q);
      for (String nc : List.of("default", "20", "50", "100", "200", "400")) {
        for (int c : List.of(1, 2)) {
          JsonNode row = rows.get("query/" + q + "/nc=" + nc + " c=" + c);
          assertEquals(List.of("QPS", "p50", "p99", "recall@10"), row.findValuesAsText("metric"), q + " " + nc);
          JsonNode f = row.get("figures");
          assertTrue(f.get(2).get("vecstore").asDouble() >= f.get(1).get("vecstore").asDouble(), "p99 >= p50: " + row);
        }
      }
      for (String f : filters) {
        assertTrue(rows.containsKey("query/" + q + "/" + f + " c=1"), q + " " + f + " in " + rows.keySet());
      }
    }
    // With 400 candidates out of 2,000 vectors both find nearly every true neighbour: a wrong id
    // mapping or ground truth would show here.
    for (String q : List.of("none", "int8")) {
      JsonNode recall = rows.get("query/" + q + "/nc=400 c=1").get("figures").get(3);
      assertTrue(recall.get("vecstore").asDouble() >= 0.9 && recall.get("lucene").asDouble() >= 0.9, recall.toString());
    }
  }

  @Test
  void recallAndPercentilesAreExact() {
    assertEquals(0.5, io.vecstore.bench.BenchUtil.recall(new int[] {1, 9, 3, 8}, new int[] {1, 2, 3, 4, 5, 6}, 4));
    assertEquals(1.0, io.vecstore.bench.BenchUtil.recall(new int[] {7}, new int[] {7}, 10)); // fewer matches than k
    assertEquals(1.0, io.vecstore.bench.BenchUtil.recall(new int[] {}, new int[] {}, 10));
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertEquals(50, QueryRunner.percentile(sorted, 0.5));
    assertEquals(99, QueryRunner.percentile(sorted, 0.99));
    assertEquals(new int[] {12, 3}.length,
        io.vecstore.bench.BenchUtil.replyIds("{\"results\":[{\"id\":\"12\",\"distance\":0.1,\"score\":0.9},{\"id\":\"3\",\"distance\":0.2}]}", 10).length);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {12, 3},
        io.vecstore.bench.BenchUtil.replyIds("{\"results\":[{\"id\":\"12\",\"distance\":0.1,\"score\":0.9},{\"id\":\"3\",\"distance\":0.2}]}", 10));
  }
}
