package io.vecstore.bench.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.bench.dataset.WordNetCorpus;
import io.vecstore.bench.querypath.Wrk;
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
 * {@code bench --hybrid --quick} end to end: the judged set from WordNet, the real server in
 * process with the real embedder, every relevance row, the throughput and latency figures. The
 * report's structure is checked, and that the metrics are within [0, 1] and not those of a broken
 * id mapping; no timing and no quality target is asserted (they live in the report).
 *
 * <p>Skipped without WordNet's data files (Debian's wordnet-base; {@code bench --hybrid} installs
 * it). Without wrk the HTTP latency is left out ({@code --no-wrk}), unless
 * {@code VECSTORE_REQUIRE_WRK=1}, under which the bench installs wrk or the test fails.
 */
class HybridQuickRunTest {

  @TempDir Path dir;

  @Test
  void quickRunReportsEveryFigure() throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(WordNetCorpus.DEFAULT_DIR.resolve("data.noun")),
        "WordNet's data files are not installed (apt-get install wordnet-base)");
    boolean wrk = "1".equals(System.getenv("VECSTORE_REQUIRE_WRK")) || Wrk.version() != null;
    Path out = dir.resolve("results");
    List<String> args = new ArrayList<>(List.of("--hybrid", "--quick", "--out", out.toString(), "--work", dir.toString()));
    if (!wrk) {
      args.add("--no-wrk");
    }
    JsonNode root = new ObjectMapper().readTree(HybridBench.run(args, BenchMain.machine()).toFile());

    JsonNode set = root.get("judged_set");
    assertEquals(HybridOptions.QUICK_DOCS, set.get("documents").asInt());
    assertEquals(HybridOptions.QUICK_QUERIES, set.get("test_queries").asInt());
    assertTrue(set.get("masked_with_lemma_found").asInt() >= HybridOptions.QUICK_QUERIES * 0.9, set.toString());
    assertEquals(20, root.get("embedding_check").get("identical_top10").asInt(), "the embedder is deterministic");
    assertTrue(root.get("stored_vs_bare_max_difference").asDouble() < 1e-6, root.toString());

    Set<String> rows = new HashSet<>();
    for (JsonNode r : root.get("relevance")) {
      String key = r.get("queries").asText() + "/" + r.get("method").asText() + "/" + r.get("analyzer").asText() + "/"
          + r.get("fusion").asText() + (r.get("dev_tuned").asBoolean() ? "/tuned" : "");
      assertTrue(rows.add(key), "twice: " + key);
      assertEquals(HybridOptions.QUICK_QUERIES, r.get("count").asInt(), key);
      for (String m : List.of("ndcg_at_10", "mrr_at_10", "recall_at_10", "recall_at_100")) {
        double v = r.get(m).asDouble();
        assertTrue(v >= 0 && v <= 1, m + " of " + key + ": " + v);
      }
      assertTrue(r.get("mrr_at_10").asDouble() <= r.get("ndcg_at_10").asDouble() + 1e-12, key);
      assertTrue(r.get("recall_at_10").asDouble() <= r.get("recall_at_100").asDouble(), key);
      if (r.get("queries").asText().equals("unmasked")) {
        // The sentences hold their synset's own words among 1,000 documents: a wrong id or a
        // broken leg would score near 0.
        assertTrue(r.get("recall_at_100").asDouble() >= 0.5, key + ": " + r);
      }
    }
    assertEquals(18, rows.size(), rows.toString());
    assertTrue(rows.contains("unmasked/vector/null/null"), rows.toString());
    assertTrue(rows.contains("masked/hybrid/english/rrf k=60 w 1:1"), rows.toString());
    assertTrue(rows.contains("unmasked/hybrid/standard/linear w 1:1"), rows.toString());
    assertEquals(1 + 2 * (1 + 15), root.get("dev_sweep").size()); // vector alone; per analyzer keyword alone and 15 settings
    assertEquals(12, root.get("hybrid_minus_better_leg").size());

    JsonNode t = root.get("throughput");
    assertEquals(HybridOptions.QUICK_DOCS, t.get("texts").asInt());
    for (String f : List.of("bare_seconds", "bare_texts_per_s", "upsert_seconds", "upsert_texts_per_s", "ratio",
        "values_upsert_seconds")) {
      assertTrue(t.get(f).asDouble() > 0, f + " in " + t);
    }
    assertEquals(HybridOptions.QUICK_DOCS / 100, t.get("chunk_ratios").size());

    Set<String> kinds = new HashSet<>();
    for (JsonNode l : root.get("latency")) {
      kinds.add(l.get("transport").asText() + "/" + l.get("kind").asText());
      for (String f : List.of("mean_us", "p50_us", "p99_us", "max_us", "count")) {
        assertTrue(l.get(f).asDouble() > 0, f + " in " + l);
      }
      assertEquals(1, l.get("round_means_us").size(), l.toString());
    }
    Set<String> expected = new HashSet<>(Set.of("in-process/keyword", "in-process/vector(text)", "in-process/hybrid(text)",
        "in-process/vector(vector)", "in-process/hybrid(vector)", "in-process/embed"));
    if (wrk) {
      for (String k : LatencyRuns.KINDS) {
        expected.add("http/" + k);
      }
    }
    assertEquals(expected, kinds);
    assertEquals(wrk ? 4 : 2, root.get("latency_ratios").size());
    for (JsonNode r : root.get("latency_ratios")) {
      assertTrue(r.get("ratio").asDouble() > 0 && r.get("met").isBoolean(), r.toString());
    }
    assertEquals(1, root.get("segments").get("latency").asInt(), root.get("segments").toString());
    assertEquals(1, root.get("segments").get("hybrid-english").asInt(), root.get("segments").toString());
    assertEquals(1, root.get("segments").get("hybrid-standard").asInt(), root.get("segments").toString());

    String md = Files.readString(out.resolve("hybrid.md"));
    assertTrue(md.contains("| queries | mode | analyzer | fusion | nDCG@10 | MRR@10 | Recall@100 |"), md);
    assertTrue(md.contains("| texts (batch 100) | bare embedder texts/s | text upserts texts/s |"), md);
    assertTrue(md.contains("hybrid ÷ (vector + keyword)"), md);
  }
}
