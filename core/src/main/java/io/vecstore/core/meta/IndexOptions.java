package io.vecstore.core.meta;

import io.vecstore.core.index.Quantization;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.vector.SearchRequest;
import java.util.Objects;

/**
 * How a namespace's vectors and texts are indexed and searched, fixed at create.
 *
 * @param quantization how the HNSW graph stores vectors; the full floats are kept for rescoring
 * @param defaultNumCandidates HNSW search effort of a query that sets none, or null for the
 *     server's default; always raised to the query's k
 * @param text the analyzer of the full-text field (BM25 keyword search), or null for none
 * @param embedding the model the server embeds texts with, or null when clients send vectors only
 */
public record IndexOptions(Quantization quantization, Integer defaultNumCandidates, TextAnalyzer text,
    EmbeddingModel embedding) {

  public static final IndexOptions DEFAULT = new IndexOptions(Quantization.NONE, null);

  public IndexOptions {
    Objects.requireNonNull(quantization, "quantization");
    if (defaultNumCandidates != null) {
      SearchRequest.requireValidDefault(defaultNumCandidates);
    }
  }

  /** Options without text search or embedding. */
  public IndexOptions(Quantization quantization, Integer defaultNumCandidates) {
    this(quantization, defaultNumCandidates, null, null);
  }

  /** Whether records may carry text: it is indexed for keyword search, embedded, or both. */
  public boolean takesText() {
    return text != null || embedding != null;
  }
}
