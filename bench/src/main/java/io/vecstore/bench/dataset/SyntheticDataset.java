package io.vecstore.bench.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small seeded synthetic data set for quick runs and CI: unit vectors drawn around Gaussian
 * centroids, and a category per vector ({@code major} ~10%, {@code minor} ~1%, the rest spread
 * over twenty others) so the filtered query sets have the same shape as the real one's.
 * Static methods only; thread-safe.
 */
public final class SyntheticDataset {

  private static final int CENTROIDS = 32;

  private SyntheticDataset() {}

  /** {@code base} + {@code queries} vectors of {@code dim} dimensions, all from {@code seed}. */
  public static Dataset create(long seed, int base, int queries, int dim, int threads) throws InterruptedException {
    Random r = new Random(seed);
    float[][] centroids = new float[CENTROIDS][];
    for (int c = 0; c < CENTROIDS; c++) {
      centroids[c] = gaussian(r, dim, 1.0, null);
    }
    float[][] b = new float[base][];
    String[] categories = new String[base];
    for (int i = 0; i < base; i++) {
      b[i] = DatasetBuilder.unit(gaussian(r, dim, 0.6, centroids[r.nextInt(CENTROIDS)]));
      double u = r.nextDouble();
      categories[i] = u < 0.10 ? "major" : u < 0.11 ? "minor" : String.format(java.util.Locale.ROOT, "c%02d", r.nextInt(20));
    }
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = DatasetBuilder.unit(gaussian(r, dim, 0.6, centroids[r.nextInt(CENTROIDS)]));
    }
    int[][] gt = GroundTruth.topK(b, q, Dataset.GT_K, i -> true, threads);
    List<Dataset.Filter> filters = new ArrayList<>(DatasetBuilder.filters(b, q, categories, threads));
    String description = String.format(java.util.Locale.ROOT, "synthetic: %d base and %d query unit vectors, %d-d, around %d Gaussian centroids, seed %d",
        base, queries, dim, CENTROIDS, seed);
    return new Dataset("synthetic", description, b, q, gt, categories, filters);
  }

  private static float[] gaussian(Random r, int dim, double sigma, float[] around) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) ((around == null ? 0 : around[i]) + sigma * r.nextGaussian());
    }
    return v;
  }
}
