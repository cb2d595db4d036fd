package io.vecstore.bench.hybrid;

import io.vecstore.bench.querypath.Latency;
import java.util.List;

/** The figures of one {@code bench --hybrid} run, as the report shows them. Records only; immutable. */
final class HybridResults {

  private HybridResults() {}

  /**
   * Text upsert throughput against the bare embedder on the same texts, measured alternately chunk
   * by chunk (see {@link HybridBench}).
   *
   * @param texts texts embedded by each side
   * @param bareSeconds the bare embedder's time, summed over the chunks
   * @param upsertSeconds the text upserts' time (until each reply), summed over the chunks
   * @param settleSeconds how long the server kept working after each chunk's last reply (merges,
   *     commits: this process busy), summed; in neither rate, but a sustained ingest pays it too
   * @param chunkRatios each chunk's upsert rate ÷ bare rate, in order
   * @param valuesTexts texts upserted with their vectors given (the second analyzer's namespace), 0 when none
   * @param valuesSeconds the time of those upserts (nothing to embed: the server's indexing alone)
   * @param othersCpuShare the share of the machine's CPU other processes used meanwhile (NaN when unknown)
   */
  record Throughput(int texts, int batch, int chunk, double bareSeconds, double upsertSeconds, double settleSeconds,
      List<Double> chunkRatios,
      int valuesTexts, double valuesSeconds, double othersCpuShare) {

    double barePerSecond() {
      return texts / bareSeconds;
    }

    double upsertPerSecond() {
      return texts / upsertSeconds;
    }

    /** The median of the chunks' ratios: robust to a burst of other work hitting one side of a chunk. */
    double medianChunkRatio() {
      return HybridBench.median(chunkRatios);
    }

    /** The upsert rate counting the server's work after the last replies too. */
    double settledPerSecond() {
      return texts / (upsertSeconds + settleSeconds);
    }

    /** Upsert rate ÷ bare rate: the target is at least {@link #TARGET}. */
    double ratio() {
      return upsertPerSecond() / barePerSecond();
    }

    static final double TARGET = 0.8;
  }

  /**
   * The ranking quality of one way of searching on one query set.
   *
   * @param queries {@code unmasked} or {@code masked}
   * @param analyzer the keyword analyzer, or null for the vector mode (which has no keyword leg)
   * @param method {@code vector}, {@code keyword} or {@code hybrid}
   * @param fusion how a hybrid ranking was fused (null for one leg)
   * @param tuned whether the fusion settings were chosen on the dev queries
   */
  record RelevanceRow(String queries, String analyzer, String method, String fusion, boolean tuned, Relevance relevance) {}

  /**
   * A fusion setting tried on the dev queries (mean nDCG@10).
   *
   * @param analyzer the keyword analyzer of the namespace it ran on
   */
  record SweepRow(String analyzer, String fusion, double unmaskedNdcg, double maskedNdcg) {}

  /**
   * Hybrid nDCG@10 minus the better single leg's, per query, with a 95% paired bootstrap interval.
   *
   * @param better the better single leg by mean nDCG@10 ({@code vector} or {@code keyword})
   */
  record Difference(String queries, String analyzer, String fusion, String better, double mean, double low, double high) {}

  /**
   * One latency figure: a request kind over one transport, in the best round.
   *
   * @param transport {@code http} (wrk, one connection; the script's own timing of each request)
   *     or {@code in-process} (NamespaceManager.query, one thread)
   * @param kind {@code keyword}, {@code vector(text)}, {@code hybrid(text)}, {@code vector(vector)},
   *     {@code hybrid(vector)} or {@code embed} (the bare embedder on one query text)
   * @param roundMeansUs every measured round's mean
   */
  record LatencyRow(String transport, String kind, Latency latency, List<Double> roundMeansUs) {}

  /**
   * hybrid mean ÷ (vector mean + keyword mean) over one transport, with the query's vector
   * embedded by the server ({@code text}) or given ({@code vector}). Target at most {@link #TARGET}.
   */
  record LatencyRatio(String transport, String input, double hybridUs, double vectorUs, double keywordUs) {
    double ratio() {
      return hybridUs / (vectorUs + keywordUs);
    }

    static final double TARGET = 1.2;
  }
}
