package io.vecstore.embed;

import io.vecstore.core.text.EmbeddingModel;

/**
 * Where a model's files are on the class path, and how it pools. The files are the quantized ONNX
 * exports (and their tokenizer.json) that langchain4j's model jars carry at their root; we take
 * the files, not langchain4j's classes.
 *
 * @param onnx class-path resource of the ONNX model
 * @param tokenizer class-path resource of the Hugging Face tokenizer.json
 * @param pooling the model's sentence-transformers pooling
 */
record ModelFiles(String onnx, String tokenizer, Pooling pooling) {

  static ModelFiles of(EmbeddingModel model) {
    // No default: a new model is a compile error here until its files are named.
    return switch (model) {
      case ALL_MINILM_L6_V2 ->
          new ModelFiles("/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json", Pooling.MEAN);
      case BGE_SMALL_EN_V1_5 ->
          new ModelFiles("/bge-small-en-v1.5-q.onnx", "/bge-small-en-v1.5-q-tokenizer.json", Pooling.CLS);
    };
  }
}
