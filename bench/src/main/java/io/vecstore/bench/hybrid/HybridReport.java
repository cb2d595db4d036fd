package io.vecstore.bench.hybrid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vecstore.bench.hybrid.HybridResults.Difference;
import io.vecstore.bench.hybrid.HybridResults.LatencyRatio;
import io.vecstore.bench.hybrid.HybridResults.LatencyRow;
import io.vecstore.bench.hybrid.HybridResults.RelevanceRow;
import io.vecstore.bench.hybrid.HybridResults.SweepRow;
import io.vecstore.bench.hybrid.HybridResults.Throughput;
import io.vecstore.bench.querypath.Latency;
import io.vecstore.core.text.TextAnalyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a {@code bench --hybrid} run: filled phase by phase, then written as
 * {@code hybrid.json} (every figure) and {@code hybrid.md} (the tables, ready for BENCHMARKS.md).
 *
 * <p>Not thread-safe: filled from the run's thread.
 */
final class HybridReport {

  private final HybridOptions o;
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, Object> seconds = new LinkedHashMap<>();
  private JudgedSet set;
  private Throughput throughput;
  private List<RelevanceRow> relevance = List.of();
  private List<SweepRow> sweep = List.of();
  private List<Difference> differences = List.of();
  private List<LatencyRow> latency = List.of();
  private List<LatencyRatio> ratios = List.of();
  private final Map<String, Integer> segments = new LinkedHashMap<>();

  HybridReport(HybridOptions o, Map<String, Object> machine) {
    this.o = o;
    root.put("mode", "hybrid");
    root.put("started_at", Instant.now().toString());
    root.put("machine", new LinkedHashMap<>(machine));
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("quick", o.quick());
    opts.put("limit", o.limit());
    opts.put("queries", o.queries());
    opts.put("dev_queries", o.devQueries());
    opts.put("seed", o.seed());
    opts.put("batch", o.batch());
    opts.put("chunk", o.chunk());
    opts.put("threads", o.threads());
    opts.put("analyzers", o.analyzers().stream().map(TextAnalyzer::wireName).toList());
    opts.put("latency_seconds", o.latencySeconds());
    opts.put("rounds", o.rounds());
    opts.put("wrk", o.wrk());
    opts.put("durability", "request");
    opts.put("model", TextServer.MODEL.wireName());
    root.put("options", opts);
  }

  void judgedSet(JudgedSet s) {
    this.set = s;
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("corpus", "WordNet 3.0 (Debian wordnet-base), " + o.wordnet());
    j.put("synsets", s.synsets());
    j.put("documents", s.docs().size());
    j.put("query_candidates", s.candidates());
    j.put("test_queries", s.test().size());
    j.put("dev_queries", s.dev().size());
    j.put("masked_with_lemma_found", s.test().stream().filter(q -> q.maskedOccurrences() > 0).count());
    j.put("mask", Masker.MASK);
    List<Map<String, Object>> examples = new ArrayList<>();
    for (JudgedSet.Query q : s.test().subList(0, Math.min(5, s.test().size()))) {
      examples.add(Map.of("relevant", q.relevant(), "text", q.text(), "masked", q.masked()));
    }
    j.put("example_queries", examples);
    root.put("judged_set", j);
  }

  void embedder(String description) {
    root.put("embedder", description);
  }

  void throughput(Throughput t) {
    this.throughput = t;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("texts", t.texts());
    m.put("batch", t.batch());
    m.put("chunk", t.chunk());
    m.put("bare_seconds", t.bareSeconds());
    m.put("bare_texts_per_s", t.barePerSecond());
    m.put("upsert_seconds", t.upsertSeconds());
    m.put("upsert_texts_per_s", t.upsertPerSecond());
    m.put("ratio", t.ratio());
    m.put("settle_seconds", t.settleSeconds());
    m.put("settled_texts_per_s", t.settledPerSecond());
    m.put("settled_ratio", t.settledPerSecond() / t.barePerSecond());
    m.put("target", Throughput.TARGET);
    m.put("met", t.ratio() >= Throughput.TARGET);
    m.put("chunk_ratios", t.chunkRatios());
    m.put("median_chunk_ratio", t.medianChunkRatio());
    m.put("values_upsert_texts", t.valuesTexts());
    m.put("values_upsert_seconds", t.valuesSeconds());
    m.put("others_cpu_share", finite(t.othersCpuShare()));
    root.put("throughput", m);
  }

  void vectorCheck(double maxDifference) {
    root.put("stored_vs_bare_max_difference", maxDifference);
  }

  void embeddingCheck(int[] sameOfN) {
    root.put("embedding_check", Map.of("identical_top10", sameOfN[0], "queries", sameOfN[1]));
  }

  void relevance(List<RelevanceRow> rows, List<SweepRow> sweepRows, List<Difference> diffs) {
    this.relevance = List.copyOf(rows);
    this.sweep = List.copyOf(sweepRows);
    this.differences = List.copyOf(diffs);
    List<Map<String, Object>> out = new ArrayList<>();
    for (RelevanceRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("queries", r.queries());
      m.put("analyzer", r.analyzer());
      m.put("method", r.method());
      m.put("fusion", r.fusion());
      m.put("dev_tuned", r.tuned());
      m.put("count", r.relevance().queries());
      m.put("ndcg_at_10", r.relevance().ndcgAt10());
      m.put("mrr_at_10", r.relevance().mrrAt10());
      m.put("recall_at_10", r.relevance().recallAt10());
      m.put("recall_at_100", r.relevance().recallAt100());
      out.add(m);
    }
    root.put("relevance", out);
    List<Map<String, Object>> s = new ArrayList<>();
    for (SweepRow r : sweepRows) {
      s.add(Map.of("analyzer", r.analyzer(), "fusion", r.fusion(), "dev_unmasked_ndcg_at_10", r.unmaskedNdcg(),
          "dev_masked_ndcg_at_10", r.maskedNdcg()));
    }
    root.put("dev_sweep", s);
    List<Map<String, Object>> d = new ArrayList<>();
    for (Difference x : diffs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("queries", x.queries());
      m.put("analyzer", x.analyzer());
      m.put("fusion", x.fusion());
      m.put("better_leg", x.better());
      m.put("ndcg_difference", x.mean());
      m.put("ci95_low", x.low());
      m.put("ci95_high", x.high());
      d.add(m);
    }
    root.put("hybrid_minus_better_leg", d);
  }

  /** The segment count of a namespace when a phase started ({@code latency}: the latency namespace). */
  void segments(String what, int count) {
    segments.put(what, count);
    root.put("segments", segments);
  }

  void latency(List<LatencyRow> rows, List<LatencyRatio> latencyRatios, double othersShare, String wrkVersion) {
    this.latency = List.copyOf(rows);
    this.ratios = List.copyOf(latencyRatios);
    List<Map<String, Object>> out = new ArrayList<>();
    for (LatencyRow r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("transport", r.transport());
      m.put("kind", r.kind());
      latencyFields(m, r.latency());
      m.put("round_means_us", r.roundMeansUs());
      out.add(m);
    }
    root.put("latency", out);
    List<Map<String, Object>> rs = new ArrayList<>();
    for (LatencyRatio r : latencyRatios) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("transport", r.transport());
      m.put("input", r.input());
      m.put("hybrid_us", r.hybridUs());
      m.put("vector_us", r.vectorUs());
      m.put("keyword_us", r.keywordUs());
      m.put("ratio", r.ratio());
      m.put("target", LatencyRatio.TARGET);
      m.put("met", r.ratio() <= LatencyRatio.TARGET);
      rs.add(m);
    }
    root.put("latency_ratios", rs);
    root.put("latency_others_cpu_share", finite(othersShare));
    root.put("client", wrkVersion == null ? "in-process only" : wrkVersion);
  }

  private static void latencyFields(Map<String, Object> m, Latency l) {
    m.put("mean_us", l.meanUs());
    m.put("p50_us", l.p50Us());
    m.put("p99_us", l.p99Us());
    m.put("max_us", l.maxUs());
    m.put("count", l.count());
  }

  void seconds(String phase, double s) {
    seconds.put(phase, Math.round(s * 10) / 10.0);
  }

  /** Writes hybrid.json and hybrid.md into {@code out}; returns the JSON's path. */
  Path write(Path out) throws IOException {
    Files.createDirectories(out);
    root.put("seconds", seconds);
    Path json = out.resolve("hybrid.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    Files.writeString(out.resolve("hybrid.md"), markdown());
    return json;
  }

  /** The tables, as Markdown. */
  String markdown() {
    StringBuilder b = new StringBuilder();
    if (set != null) {
      b.append(String.format(Locale.ROOT, "Judged set: %,d documents (of %,d WordNet synsets), %,d test queries and %,d dev "
          + "queries drawn from the %,d synsets with an example and a definition, seed %d; %d of the %d masked test "
          + "queries had a lemma form to mask.%n%n", set.docs().size(), set.synsets(), set.test().size(), set.dev().size(),
          set.candidates(), o.seed(), set.test().stream().filter(q -> q.maskedOccurrences() > 0).count(), set.test().size()));
    }
    if (!relevance.isEmpty()) {
      b.append("| queries | mode | analyzer | fusion | nDCG@10 | MRR@10 | Recall@100 |\n|---|---|---|---|---:|---:|---:|\n");
      for (RelevanceRow r : relevance) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.4f | %.4f | %.4f |%n", r.queries(), r.method(),
            r.analyzer() == null ? "–" : r.analyzer(), r.fusion() == null ? "–" : (r.tuned() ? "dev-tuned: " : "") + r.fusion(),
            r.relevance().ndcgAt10(), r.relevance().mrrAt10(), r.relevance().recallAt100()));
      }
      b.append("\nHybrid nDCG@10 minus the better single leg's (per query; 95% paired bootstrap interval):\n\n");
      b.append("| queries | analyzer | fusion | better leg | difference | 95% interval |\n|---|---|---|---|---:|---|\n");
      for (Difference d : differences) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %+.4f | [%+.4f, %+.4f] |%n", d.queries(), d.analyzer(),
            d.fusion(), d.better(), d.mean(), d.low(), d.high()));
      }
      b.append('\n');
    }
    if (!sweep.isEmpty()) {
      b.append("Fusion settings on the dev queries (nDCG@10):\n\n| analyzer | fusion | unmasked | masked |\n|---|---|---:|---:|\n");
      for (SweepRow r : sweep) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f |%n", r.analyzer(), r.fusion(), r.unmaskedNdcg(),
            r.maskedNdcg()));
      }
      b.append('\n');
    }
    if (throughput != null) {
      Throughput t = throughput;
      b.append("| texts (batch " + t.batch() + ") | bare embedder texts/s | text upserts texts/s | ratio (target ≥ 0.8) |\n");
      b.append("|---:|---:|---:|---:|\n");
      b.append(String.format(Locale.ROOT, "| %,d | %.1f | %.1f | %.3f (%s) |%n", t.texts(), t.barePerSecond(),
          t.upsertPerSecond(), t.ratio(), t.ratio() >= Throughput.TARGET ? "met" : "not met"));
      b.append(String.format(Locale.ROOT, "%nCounting the server's work after each chunk's last reply too (merges, "
          + "commits; %.1f s in all): %.1f texts/s, ratio %.3f.", t.settleSeconds(), t.settledPerSecond(),
          t.settledPerSecond() / t.barePerSecond()));
      b.append(String.format(Locale.ROOT, " Chunk ratios: median %.3f, min %.3f, max %.3f over %d chunks of %,d.",
          t.medianChunkRatio(), t.chunkRatios().stream().mapToDouble(Double::doubleValue).min().orElse(0),
          t.chunkRatios().stream().mapToDouble(Double::doubleValue).max().orElse(0), t.chunkRatios().size(), t.chunk()));
      if (t.valuesTexts() > 0) {
        b.append(String.format(Locale.ROOT, " The same texts upserted with their vectors given (nothing to embed): %.1f texts/s.",
            t.valuesTexts() / t.valuesSeconds()));
      }
      if (Double.isFinite(t.othersCpuShare())) {
        b.append(String.format(Locale.ROOT, " Other processes used %.1f%% of the CPU meanwhile.", 100 * t.othersCpuShare()));
      }
      b.append("\n\n");
    }
    if (!latency.isEmpty()) {
      b.append("| transport | kind | mean ms | p50 ms | p99 ms | requests |\n|---|---|---:|---:|---:|---:|\n");
      for (LatencyRow r : latency) {
        Latency l = r.latency();
        b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %,d |%n", r.transport(), r.kind(),
            l.meanUs() / 1e3, l.p50Us() / 1e3, l.p99Us() / 1e3, l.count()));
      }
      b.append("\n| transport | query vector | hybrid ms | vector ms | keyword ms | hybrid ÷ (vector + keyword), target ≤ 1.2 |\n");
      b.append("|---|---|---:|---:|---:|---:|\n");
      for (LatencyRatio r : ratios) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %.3f (%s) |%n", r.transport(),
            r.input().equals("text") ? "embedded by the server" : "given", r.hybridUs() / 1e3, r.vectorUs() / 1e3,
            r.keywordUs() / 1e3, r.ratio(), r.ratio() <= LatencyRatio.TARGET ? "met" : "not met"));
      }
      b.append(String.format(Locale.ROOT, "%nSegments when measured: %s.%n", segments));
    }
    return b.toString();
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
