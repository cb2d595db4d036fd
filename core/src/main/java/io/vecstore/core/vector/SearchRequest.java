package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import java.util.Objects;

/**
 * A kNN query. Valid by construction: k and num_candidates are checked here, with the messages
 * every transport shows, so an invalid query cannot exist.
 *
 * @param k results wanted, 1 to {@link #MAX_NUM_CANDIDATES}
 * @param numCandidates HNSW search effort (candidates gathered before the top k are taken), k to
 *     {@link #MAX_NUM_CANDIDATES}; null for the namespace's default (see {@link #candidates})
 * @param filter a filter in string form (a JSON string) or JSON form (an object), or null
 */
public record SearchRequest(
    float[] vector, int k, Integer numCandidates, JsonNode filter, boolean includeMetadata, boolean includeValues) {

  /** k when a request gives none (REST and gRPC alike). */
  public static final int DEFAULT_K = 10;
  /** The most candidates a query may ask for, and so the largest k. */
  public static final int MAX_NUM_CANDIDATES = 10_000;
  /** num_candidates of a query that sets none, on a namespace without a default of its own. */
  public static final int DEFAULT_NUM_CANDIDATES = 100;
  public static final boolean DEFAULT_INCLUDE_METADATA = true;
  public static final boolean DEFAULT_INCLUDE_VALUES = false;

  public SearchRequest {
    Objects.requireNonNull(vector, "vector");
    if (k < 1 || k > MAX_NUM_CANDIDATES) {
      throw new InvalidRequestException("k must be between 1 and " + MAX_NUM_CANDIDATES + ", got: " + k);
    }
    if (numCandidates != null && (numCandidates < k || numCandidates > MAX_NUM_CANDIDATES)) {
      throw new InvalidRequestException(
          "num_candidates must be between k (" + k + ") and " + MAX_NUM_CANDIDATES + ", got: " + numCandidates);
    }
  }

  /**
   * The candidate count to search with: the request's, else {@code namespaceDefault} (the
   * namespace's own default or the server's) raised to k and capped at the maximum.
   */
  public int candidates(int namespaceDefault) {
    return numCandidates != null ? numCandidates : Math.max(k, Math.min(MAX_NUM_CANDIDATES, namespaceDefault));
  }

  /** Checks a namespace's default_num_candidates setting. */
  public static int requireValidDefault(int candidates) {
    if (candidates < 1 || candidates > MAX_NUM_CANDIDATES) {
      throw new InvalidRequestException(
          "default_num_candidates must be between 1 and " + MAX_NUM_CANDIDATES + ", got: " + candidates);
    }
    return candidates;
  }
}
