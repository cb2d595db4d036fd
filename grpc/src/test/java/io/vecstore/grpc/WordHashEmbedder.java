package io.vecstore.grpc;

import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import java.util.List;
import java.util.Locale;

/**
 * A stand-in for the server's embedding models in gRPC tests (the real ones run in module embed):
 * each lower-cased word adds 1 to a hashed dimension, the last dimension is a small constant (so no
 * vector is all zeros), then the vector is scaled to unit length. Deterministic; texts sharing words
 * are near.
 *
 * <p>Stateless and thread-safe.
 */
final class WordHashEmbedder implements Embedder {

  @Override
  public float[][] embed(EmbeddingModel model, List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(model.dimension(), texts.get(i));
    }
    return out;
  }

  static float[] vector(int dimension, String text) {
    float[] v = new float[dimension];
    v[dimension - 1] = 0.1f;
    for (String word : text.toLowerCase(Locale.ROOT).split("\\W+")) {
      if (!word.isEmpty()) {
        v[Math.floorMod(word.hashCode(), dimension - 1)] += 1;
      }
    }
    double norm = 0;
    for (float f : v) {
      norm += (double) f * f;
    }
    for (int d = 0; d < dimension; d++) {
      v[d] = (float) (v[d] / Math.sqrt(norm));
    }
    return v;
  }
}
