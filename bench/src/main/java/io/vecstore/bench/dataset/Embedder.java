package io.vecstore.bench.dataset;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vecstore.core.NoCallHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * all-MiniLM-L6-v2 (quantized ONNX, in the jar, 384-d) with DJL's call-home turned off before the
 * model (and so its tokenizer) is first loaded: the one way the bench embeds text.
 *
 * <p>Thread-safety: {@link #embed} may be called from many threads (langchain4j's model is).
 */
public final class Embedder {

  public static final int DIMENSION = 384;

  private final AllMiniLmL6V2QuantizedEmbeddingModel model;

  /** Embeds on {@code pool} (the caller owns and shuts it down). */
  public Embedder(ExecutorService pool) {
    NoCallHome.apply(); // before DJL's first tokenizer: its telemetry runs when one is created
    this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(pool);
  }

  /** The texts' embeddings, re-normalized to unit length, in order. */
  public float[][] embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    texts.forEach(t -> segments.add(TextSegment.from(t)));
    List<Embedding> embeddings = model.embedAll(segments).content();
    float[][] out = new float[embeddings.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = DatasetBuilder.unit(embeddings.get(i).vector());
    }
    return out;
  }

  /**
   * Embeds the texts given as arguments, prints one line per text, then waits until standard
   * input closes: the outbound-connection test traces this process and inspects it before it ends.
   */
  public static void main(String[] args) throws IOException {
    ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2,
        Thread.ofPlatform().name("embed-", 0).daemon(true).factory());
    try {
      float[][] vectors = new Embedder(pool).embed(Arrays.asList(args));
      for (int i = 0; i < vectors.length; i++) {
        System.out.printf(Locale.ROOT, "%d dims, first %.4f: %s%n", vectors[i].length, vectors[i][0], args[i]);
      }
      System.out.println("embedded " + vectors.length + " texts");
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    } finally {
      pool.shutdownNow();
    }
    System.out.write("bye\n".getBytes(StandardCharsets.UTF_8));
  }
}
