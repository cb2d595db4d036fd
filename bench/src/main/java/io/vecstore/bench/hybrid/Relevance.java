package io.vecstore.bench.hybrid;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

/**
 * Ranking quality with one relevant document per query, from the 1-based rank at which each query
 * found it (0: not in its results). With a single relevant document the ideal DCG is 1, so
 * nDCG@10 = 1/log2(rank + 1) for a rank up to 10; MRR@10 = 1/rank up to 10; Recall@100 = whether
 * it is in the first 100. Immutable; thread-safe.
 */
record Relevance(int[] ranks) {

  Relevance {
    ranks = ranks.clone();
    for (int r : ranks) {
      if (r < 0) {
        throw new IllegalArgumentException("ranks must be at least 0 (0 = not found), got: " + r);
      }
    }
  }

  int queries() {
    return ranks.length;
  }

  double ndcgAt10() {
    return mean(Relevance::ndcg10);
  }

  double mrrAt10() {
    return mean(r -> r >= 1 && r <= 10 ? 1.0 / r : 0);
  }

  double recallAt10() {
    return mean(r -> r >= 1 && r <= 10 ? 1 : 0);
  }

  double recallAt100() {
    return mean(r -> r >= 1 && r <= 100 ? 1 : 0);
  }

  static double ndcg10(int rank) {
    return rank >= 1 && rank <= 10 ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
  }

  /**
   * The mean per-query nDCG@10 difference {@code this − other} (same queries, same order) with a
   * 95% paired bootstrap interval ({@code resamples} resamples of the queries, seeded).
   */
  double[] ndcgDifference(Relevance other, int resamples, long seed) {
    if (other.ranks.length != ranks.length) {
      throw new IllegalArgumentException("both need the same queries, got: " + ranks.length + " and " + other.ranks.length);
    }
    int n = ranks.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = ndcg10(ranks[i]) - ndcg10(other.ranks[i]);
    }
    Random random = new Random(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += d[random.nextInt(n)];
      }
      means[b] = sum / n;
    }
    Arrays.sort(means);
    return new double[] {Arrays.stream(d).average().orElse(0), means[(int) (0.025 * resamples)],
        means[Math.min(resamples - 1, (int) (0.975 * resamples))]};
  }

  private double mean(IntToDoubleFunction f) {
    double sum = 0;
    for (int r : ranks) {
      sum += f.applyAsDouble(r);
    }
    return ranks.length == 0 ? 0 : sum / ranks.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Relevance other && Arrays.equals(ranks, other.ranks);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ranks);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Relevance[%d queries, nDCG@10 %.4f, MRR@10 %.4f, Recall@100 %.4f]",
        ranks.length, ndcgAt10(), mrrAt10(), recallAt100());
  }
}
