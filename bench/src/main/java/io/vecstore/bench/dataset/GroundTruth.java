package io.vecstore.bench.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact nearest neighbours by brute force: the dot product of every query with every base
 * vector, which on unit-norm vectors orders exactly as cosine similarity. Ties go to the lower
 * base index, so the result is deterministic. Static methods only; thread-safe.
 */
public final class GroundTruth {

  private GroundTruth() {}

  /**
   * The indexes of the {@code k} base vectors nearest to each query (best first) among those
   * {@code allowed} accepts, computed on {@code threads} named threads. A row is shorter than
   * {@code k} when fewer base vectors are allowed.
   */
  public static int[][] topK(float[][] base, float[][] queries, int k, IntPredicate allowed, int threads)
      throws InterruptedException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got: " + k);
    }
    int[] candidates = java.util.stream.IntStream.range(0, base.length).filter(allowed).toArray();
    int[][] result = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("ground-truth-", 0).factory());
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        jobs.add(pool.submit(() -> {
          for (int q = first; q < queries.length; q += threads) {
            result[q] = nearest(base, candidates, queries[q], k);
          }
        }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("ground truth failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return result;
  }

  // A bounded min-heap of (score, index): the root is the worst of the best k seen so far.
  private static int[] nearest(float[][] base, int[] candidates, float[] query, int k) {
    int cap = Math.min(k, candidates.length);
    float[] scores = new float[cap];
    int[] ids = new int[cap];
    int size = 0;
    for (int id : candidates) {
      float s = VectorUtil.dotProduct(query, base[id]);
      if (size < cap) {
        scores[size] = s;
        ids[size] = id;
        siftUp(scores, ids, size++);
      } else if (better(s, id, scores[0], ids[0])) {
        scores[0] = s;
        ids[0] = id;
        siftDown(scores, ids, size);
      }
    }
    int[] out = new int[size];
    for (int i = size - 1; i >= 0; i--) { // pop worst first, fill from the back
      out[i] = ids[0];
      scores[0] = scores[i];
      ids[0] = ids[i];
      siftDown(scores, ids, i);
    }
    return out;
  }

  private static boolean better(float s, int id, float otherS, int otherId) {
    return s > otherS || (s == otherS && id < otherId);
  }

  private static void siftUp(float[] s, int[] ids, int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!better(s[parent], ids[parent], s[i], ids[i])) {
        return;
      }
      swap(s, ids, i, parent);
      i = parent;
    }
  }

  private static void siftDown(float[] s, int[] ids, int size) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && better(s[worst], ids[worst], s[l], ids[l])) {
        worst = l;
      }
      if (r < size && better(s[worst], ids[worst], s[r], ids[r])) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      swap(s, ids, i, worst);
      i = worst;
    }
  }

  private static void swap(float[] s, int[] ids, int a, int b) {
    float ts = s[a];
    s[a] = s[b];
    s[b] = ts;
    int ti = ids[a];
    ids[a] = ids[b];
    ids[b] = ti;
  }
}
