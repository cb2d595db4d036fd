package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A kNN query.
 *
 * @param numCandidates HNSW search effort (candidates gathered before the top k are taken), at
 *     least k; null for the server default
 * @param filter a filter in string form (a JSON string) or JSON form (an object), or null
 */
public record SearchRequest(
    float[] vector, int k, Integer numCandidates, JsonNode filter, boolean includeMetadata, boolean includeValues) {

  /** k when a request gives none (REST and gRPC alike). */
  public static final int DEFAULT_K = 10;

  public SearchRequest {
    Objects.requireNonNull(vector, "vector");
  }
}
