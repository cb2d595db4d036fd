package io.vecstore.core.index;

import io.vecstore.core.WireNames;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * A namespace's distance metric. {@code distance} is lower-is-better and {@code score}
 * higher-is-better; both are computed in double precision from the stored vectors, so they do not
 * depend on how Lucene scores internally.
 */
public enum Metric {
  /** distance = 1 − cos(a, b); score = cos(a, b). */
  COSINE(VectorSimilarityFunction.COSINE),
  /** distance = ‖a − b‖₂; score = 1 / (1 + distance). */
  EUCLIDEAN(VectorSimilarityFunction.EUCLIDEAN),
  /**
   * distance = −(a · b); score = a · b. Lucene's DOT_PRODUCT requires unit vectors, so the index uses
   * MAXIMUM_INNER_PRODUCT, which ranks identically and accepts any vector.
   */
  DOT_PRODUCT(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  private final VectorSimilarityFunction similarity;

  Metric(VectorSimilarityFunction similarity) {
    this.similarity = similarity;
  }

  /** The name used in JSON and namespace.json. */
  public String wireName() {
    return WireNames.of(this);
  }

  VectorSimilarityFunction similarity() {
    return similarity;
  }

  /** Parses {@code cosine|euclidean|dot_product} (case-insensitive). */
  public static Metric parse(String value) {
    return WireNames.parse(Metric.class, "metric", value);
  }

  /** Exact distance between a query and a stored vector, lower is better. */
  public double distance(float[] a, float[] b) {
    return switch (this) {
      case COSINE -> 1.0 - cosine(a, b);
      case EUCLIDEAN -> Math.sqrt(squaredL2(a, b));
      case DOT_PRODUCT -> -dot(a, b);
    };
  }

  /** The higher-is-better score that goes with {@link #distance}. */
  public double score(double distance) {
    return switch (this) {
      case COSINE -> 1.0 - distance;
      case EUCLIDEAN -> 1.0 / (1.0 + distance);
      case DOT_PRODUCT -> -distance;
    };
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static double squaredL2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
