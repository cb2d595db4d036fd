package io.vecstore.embed;

import java.nio.FloatBuffer;

/**
 * How a model's token vectors (its last hidden state) become one unit-length text vector, as the
 * model's sentence-transformers configuration does it: pooling, then normalization.
 *
 * <p>Thread-safety: stateless, thread-safe.
 */
enum Pooling {
  /** The mean of every token vector, [CLS] and [SEP] included: texts are never padded, so every token counts. */
  MEAN,
  /** The vector of the first token, [CLS]. */
  CLS;

  /**
   * The pooled, L2-normalized vector of one text.
   *
   * @param hidden the last hidden state, {@code tokens × dimension} floats, token by token
   */
  float[] unitVector(FloatBuffer hidden, int tokens, int dimension) {
    int pooled = switch (this) {
      case MEAN -> tokens;
      case CLS -> 1;
    };
    // Summed in double so the result does not depend on float rounding order. The mean's 1/tokens
    // factor is left out: normalizing removes it anyway.
    double[] sum = new double[dimension];
    for (int t = 0; t < pooled; t++) {
      int row = t * dimension;
      for (int j = 0; j < dimension; j++) {
        sum[j] += hidden.get(row + j);
      }
    }
    double squares = 0;
    for (double v : sum) {
      squares += v * v;
    }
    double norm = Math.sqrt(squares);
    if (!(norm > 0) || Double.isInfinite(norm)) {
      throw new IllegalStateException("pooled vector must have a positive finite norm, got: " + norm);
    }
    float[] unit = new float[dimension];
    for (int j = 0; j < dimension; j++) {
      unit[j] = (float) (sum[j] / norm);
    }
    return unit;
  }
}
