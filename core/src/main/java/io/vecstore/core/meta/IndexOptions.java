package io.vecstore.core.meta;

import io.vecstore.core.index.Quantization;
import io.vecstore.core.vector.SearchRequest;
import java.util.Objects;

/**
 * How a namespace's vectors are indexed and searched, fixed at create.
 *
 * @param quantization how the HNSW graph stores vectors; the full floats are kept for rescoring
 * @param defaultNumCandidates HNSW search effort of a query that sets none, or null for the
 *     server's default; always raised to the query's k
 */
public record IndexOptions(Quantization quantization, Integer defaultNumCandidates) {

  public static final IndexOptions DEFAULT = new IndexOptions(Quantization.NONE, null);

  public IndexOptions {
    Objects.requireNonNull(quantization, "quantization");
    if (defaultNumCandidates != null) {
      SearchRequest.requireValidDefault(defaultNumCandidates);
    }
  }
}
