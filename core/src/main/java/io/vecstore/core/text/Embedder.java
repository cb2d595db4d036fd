package io.vecstore.core.text;

import io.vecstore.core.error.UnavailableException;
import java.util.List;

/**
 * Turns texts into vectors with an {@link EmbeddingModel}. The server's implementation runs the
 * models in process (module {@code embed}); core only calls it.
 *
 * <p>Implementations are thread-safe, and deterministic: the same text gives the same vector,
 * whatever else is in its batch.
 */
public interface Embedder {

  /**
   * One unit-length vector of {@code model.dimension()} floats per text, in order. Texts are not
   * blank. Runs on the implementation's own bounded pool; the caller's thread waits.
   */
  float[][] embed(EmbeddingModel model, List<String> texts);

  /** Refuses every call: a server (or test) built without embedding models. */
  Embedder NONE = (model, texts) -> {
    throw UnavailableException.embedding(model.wireName(), "this server runs no embedding models");
  };
}
