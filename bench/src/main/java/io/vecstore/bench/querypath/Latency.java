package io.vecstore.bench.querypath;

import java.util.Arrays;

/**
 * Per-request latency of one measured round, in microseconds, and its throughput.
 *
 * @param meanUs mean latency
 * @param p50Us median
 * @param p99Us 99th percentile
 * @param maxUs largest
 * @param perSecond completed requests (or queries) per second of the round
 * @param count completed requests
 */
public record Latency(double meanUs, double p50Us, double p99Us, double maxUs, double perSecond, long count) {

  public Latency {
    if (count < 1) {
      throw new IllegalArgumentException("a round needs at least one completed request, got: " + count);
    }
  }

  /** From per-request nanoseconds (any order; sorted in place) over a round of {@code seconds}. */
  public static Latency ofNanos(long[] nanos, double seconds) {
    Arrays.sort(nanos);
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return new Latency(sum / nanos.length / 1e3, percentile(nanos, 0.50) / 1e3, percentile(nanos, 0.99) / 1e3,
        nanos[nanos.length - 1] / 1e3, nanos.length / seconds, nanos.length);
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
