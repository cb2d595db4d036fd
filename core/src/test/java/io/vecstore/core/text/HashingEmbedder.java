package io.vecstore.core.text;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a real embedding model in core's tests (the real ones run in module embed, tested
 * there and end to end over HTTP): each lower-cased word adds 1 to a hashed dimension, then the
 * vector is scaled to unit length. Deterministic; texts sharing words are near. Counts the texts
 * it embedded, so tests can check that a refused request embedded nothing.
 *
 * <p>Thread-safe.
 */
public final class HashingEmbedder implements Embedder {

  public final AtomicInteger embedded = new AtomicInteger();

  @Override
  public float[][] embed(EmbeddingModel model, List<String> texts) {
    embedded.addAndGet(texts.size());
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(model.dimension(), texts.get(i));
    }
    return out;
  }

  public static float[] vector(int dimension, String text) {
    float[] v = new float[dimension];
    v[dimension - 1] = 0.1f; // never all zeros
    for (String word : text.toLowerCase(Locale.ROOT).split("\\W+")) {
      if (!word.isEmpty()) {
        v[Math.floorMod(word.hashCode(), dimension - 1)] += 1;
      }
    }
    double norm = 0;
    for (float f : v) {
      norm += f * f;
    }
    for (int d = 0; d < dimension; d++) {
      v[d] = (float) (v[d] / Math.sqrt(norm));
    }
    return v;
  }
}
