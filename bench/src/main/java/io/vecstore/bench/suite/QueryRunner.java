package io.vecstore.bench.suite;

import io.vecstore.bench.BenchUtil;
import io.vecstore.bench.dataset.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a closed loop of queries against a target: {@code concurrency} named threads take the next
 * query until the set is done, each timing its own requests. Reports throughput, latency
 * percentiles and recall@k against the exact ground truth. Static methods only; thread-safe.
 */
final class QueryRunner {

  /** Figures of one run; latencies in milliseconds, recall the mean over queries in [0, 1]. */
  record Figures(double qps, double p50Ms, double p99Ms, double recall) {}

  private QueryRunner() {}

  static Figures run(SearchTarget target, Dataset data, Dataset.Filter filter, int k, int numCandidates, int concurrency,
      int queries) throws Exception {
    int n = Math.min(queries, data.queries().length);
    int[][] truth = filter == null ? data.groundTruth() : filter.groundTruth();
    long[] nanos = new long[n];
    double[] recall = new double[n];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      threads.add(Thread.ofPlatform().name("bench-query-" + t).start(() -> {
        try {
          for (int q = next.getAndIncrement(); q < n && error.get() == null; q = next.getAndIncrement()) {
            long s = System.nanoTime();
            int[] ids = target.search(q, k, numCandidates, filter);
            nanos[q] = System.nanoTime() - s;
            recall[q] = BenchUtil.recall(ids, truth[q], k);
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (error.get() != null) {
      throw new IllegalStateException("query run failed", error.get());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(nanos);
    return new Figures(n / seconds, percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6,
        Arrays.stream(recall).average().orElse(Double.NaN));
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
