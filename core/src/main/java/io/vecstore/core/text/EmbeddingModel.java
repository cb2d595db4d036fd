package io.vecstore.core.text;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Arrays;

/**
 * The embedding models a namespace may ask the server to run, by their wire names. Each gives
 * unit-length vectors of a fixed dimension, compared by cosine; a text longer than the model's
 * window is truncated to it, as the model's reference library (sentence-transformers) does.
 */
public enum EmbeddingModel {
  /** sentence-transformers/all-MiniLM-L6-v2, quantized ONNX: Chroma's default model. Mean pooling. */
  ALL_MINILM_L6_V2("all-minilm-l6-v2", 384, 256),
  /** BAAI/bge-small-en-v1.5, quantized ONNX: better retrieval quality, slower. CLS pooling. */
  BGE_SMALL_EN_V1_5("bge-small-en-v1.5", 384, 512);

  private final String wireName;
  private final int dimension;
  private final int maxTokens;

  EmbeddingModel(String wireName, int dimension, int maxTokens) {
    this.wireName = wireName;
    this.dimension = dimension;
    this.maxTokens = maxTokens;
  }

  public String wireName() {
    return wireName;
  }

  public int dimension() {
    return dimension;
  }

  /** The model's window in tokens, its two special tokens included; longer texts are cut to it. */
  public int maxTokens() {
    return maxTokens;
  }

  /** The model of a wire name; a 400 naming {@code field} and the choices otherwise. */
  public static EmbeddingModel parse(String field, String name) {
    for (EmbeddingModel m : values()) {
      if (m.wireName.equals(name)) {
        return m;
      }
    }
    throw new InvalidRequestException(field + " must be one of "
        + Arrays.stream(values()).map(EmbeddingModel::wireName).toList() + ", got: " + name);
  }
}
