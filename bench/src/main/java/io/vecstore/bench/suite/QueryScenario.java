package io.vecstore.bench.suite;

import io.vecstore.bench.dataset.Dataset;
import io.vecstore.core.index.Quantization;
import java.util.List;
import java.util.Locale;

/**
 * Query throughput, latency and recall@10 for each quantization: index size and ingest rate,
 * then a sweep of num_candidates at each client concurrency, then the filtered query sets, each
 * on VecStore over HTTP and on raw Lucene in-process. Not thread-safe; run by {@link BenchMain}.
 */
final class QueryScenario implements Scenario {

  static final int K = 10;

  @Override
  public String name() {
    return "query";
  }

  @Override
  public String description() {
    return "k=10 queries: QPS, p50/p99 ms and recall@10 per quantization and num_candidates, filtered at ~1% and ~10%";
  }

  @Override
  public void run(BenchContext ctx, Report report) throws Exception {
    BenchOptions o = ctx.options();
    Dataset data = ctx.data();
    int n = data.base().length;
    for (Quantization q : o.quantizations()) {
      BenchContext.Namespace vs = ctx.vecstore(q);
      LuceneIndex.Built lu = ctx.lucene(q);
      String quant = q.wireName();
      report.add(new Report.Row(name(), quant, String.format(Locale.ROOT, "index (batch %d)", o.indexBatch()), List.of(
          new Report.Figure("ingest", "vectors/s", n / vs.seconds(), n / lu.seconds()),
          new Report.Figure("size", "MB", vs.storageBytes() / 1e6, lu.index().sizeBytes() / 1e6),
          new Report.Figure("segments", "", vs.segments(), lu.index().segments()))));
      int maxConcurrency = o.concurrencies().stream().mapToInt(Integer::intValue).max().orElse(1);
      QueryRunner.run(vs.target(), data, null, K, 0, maxConcurrency, o.warmup());
      QueryRunner.run(lu.index(), data, null, K, 0, maxConcurrency, o.warmup());
      for (int candidates : o.candidates()) {
        for (int c : o.concurrencies()) {
          report.add(row(quant, String.format(Locale.ROOT, "nc=%s c=%d", nc(candidates), c),
              QueryRunner.run(vs.target(), data, null, K, candidates, c, o.queries()),
              QueryRunner.run(lu.index(), data, null, K, candidates, c, o.queries())));
        }
      }
      for (Dataset.Filter f : data.filters()) {
        for (int c : o.concurrencies()) {
          report.add(row(quant, String.format(Locale.ROOT, "filter %.1f%% nc=default c=%d", 100 * f.fraction(), c),
              QueryRunner.run(vs.target(), data, f, K, 0, c, o.queries()),
              QueryRunner.run(lu.index(), data, f, K, 0, c, o.queries())));
        }
      }
      // The server merges a namespace into one segment once writes stop; the same merge on the
      // baseline shows how much of the ratio is that merge and how much is per-query overhead.
      if (lu.index().segments() > 1 && vs.segments() == 1) {
        double seconds = lu.index().forceMergeToOne();
        System.out.printf(Locale.ROOT, "raw Lucene (%s) merged into one segment in %.1f s%n", quant, seconds);
        QueryRunner.run(lu.index(), data, null, K, 0, maxConcurrency, o.warmup());
        for (int c : o.concurrencies()) {
          report.add(row(quant, String.format(Locale.ROOT, "nc=default c=%d, Lucene also merged to 1 segment", c),
              QueryRunner.run(vs.target(), data, null, K, 0, c, o.queries()),
              QueryRunner.run(lu.index(), data, null, K, 0, c, o.queries())));
        }
      }
      ctx.release(q);
    }
  }

  private Report.Row row(String quant, String kase, QueryRunner.Figures v, QueryRunner.Figures l) {
    return new Report.Row(name(), quant, kase, List.of(
        new Report.Figure("QPS", "", v.qps(), l.qps()),
        new Report.Figure("p50", "ms", v.p50Ms(), l.p50Ms()),
        new Report.Figure("p99", "ms", v.p99Ms(), l.p99Ms()),
        new Report.Figure("recall@10", "", v.recall(), l.recall())));
  }

  static String nc(int candidates) {
    return candidates == 0 ? "default" : Integer.toString(candidates);
  }
}
