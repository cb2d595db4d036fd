package io.vecstore.embed;

/** Small vector arithmetic for the tests. */
final class Vectors {

  private Vectors() {}

  static double norm(float[] v) {
    double squares = 0;
    for (float x : v) {
      squares += (double) x * x;
    }
    return Math.sqrt(squares);
  }

  /** Cosine of two vectors, in double. */
  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }

  /** The largest absolute difference between {@code a} and {@code b} scaled to unit length. */
  static double maxDiffToUnit(float[] a, float[] b) {
    double n = norm(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i] / n));
    }
    return max;
  }
}
