package io.vecstore.bench.hybrid;

import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedder this bench measures and gives its in-process server: all-MiniLM-L6-v2 (quantized
 * ONNX) on a fixed pool of {@code threads} named threads. Stand-in until module {@code embed}
 * (the server's {@code OnnxEmbedder}) is merged: the bench's langchain4j model, same model file.
 *
 * <p>Thread-safe. The caller closes it.
 */
final class BenchEmbedder implements Embedder, AutoCloseable {

  private final ExecutorService pool;
  private final io.vecstore.bench.dataset.Embedder model;
  private final String description;

  BenchEmbedder(int threads) {
    this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("bench-embed-", 0).daemon(true).factory());
    this.model = new io.vecstore.bench.dataset.Embedder(pool);
    this.description = "langchain4j all-MiniLM-L6-v2 quantized (stand-in), " + threads + " threads";
  }

  String description() {
    return description;
  }

  @Override
  public float[][] embed(EmbeddingModel m, List<String> texts) {
    if (m != TextServer.MODEL) {
      throw new IllegalArgumentException("model must be " + TextServer.MODEL.wireName() + ", got: " + m.wireName());
    }
    return model.embed(texts);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
