package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import java.util.Objects;

/**
 * A query: kNN by a vector, BM25 by a text, or both fused. Valid by construction: k,
 * num_candidates and the fusion window are checked here, with the messages every transport shows,
 * so an invalid query cannot exist. Whether the namespace can run the legs asked for is checked
 * against it when the query runs.
 *
 * @param vector the query vector, or null when the query has text (the server may embed it)
 * @param k results wanted, 1 to {@link #MAX_NUM_CANDIDATES}
 * @param numCandidates HNSW search effort (candidates gathered before the top k are taken), k to
 *     {@link #MAX_NUM_CANDIDATES}; null for the namespace's default (see {@link #candidates})
 * @param filter a filter in string form (a JSON string) or JSON form (an object), or null; applied
 *     to every leg
 * @param text the query text, or null
 * @param mode the legs to run, or null for every leg the query and namespace allow
 * @param fusion how a hybrid query fuses its legs; never null ({@link Fusion#DEFAULT})
 * @param includeText whether results carry their stored text
 */
public record SearchRequest(
    float[] vector, int k, Integer numCandidates, JsonNode filter, boolean includeMetadata, boolean includeValues,
    String text, SearchMode mode, Fusion fusion, boolean includeText) {

  /** k when a request gives none (REST and gRPC alike). */
  public static final int DEFAULT_K = 10;
  /** The most candidates a query may ask for, and so the largest k. */
  public static final int MAX_NUM_CANDIDATES = 10_000;
  /** num_candidates of a query that sets none, on a namespace without a default of its own. */
  public static final int DEFAULT_NUM_CANDIDATES = 100;
  public static final boolean DEFAULT_INCLUDE_METADATA = true;
  public static final boolean DEFAULT_INCLUDE_VALUES = false;
  public static final boolean DEFAULT_INCLUDE_TEXT = false;

  public SearchRequest {
    if (vector == null && text == null) {
      throw new InvalidRequestException("a query needs vector or text (or both)");
    }
    if (text != null && text.isBlank()) {
      throw new InvalidRequestException("text must not be blank");
    }
    fusion = fusion == null ? Fusion.DEFAULT : fusion;
    if (k < 1 || k > MAX_NUM_CANDIDATES) {
      throw new InvalidRequestException("k must be between 1 and " + MAX_NUM_CANDIDATES + ", got: " + k);
    }
    if (numCandidates != null && (numCandidates < k || numCandidates > MAX_NUM_CANDIDATES)) {
      throw new InvalidRequestException(
          "num_candidates must be between k (" + k + ") and " + MAX_NUM_CANDIDATES + ", got: " + numCandidates);
    }
    if (fusion.window() != null && fusion.window() < k) {
      throw new InvalidRequestException(
          "fusion.window must be between k (" + k + ") and " + MAX_NUM_CANDIDATES + ", got: " + fusion.window());
    }
  }

  /** A vector query. */
  public SearchRequest(float[] vector, int k, Integer numCandidates, JsonNode filter, boolean includeMetadata,
      boolean includeValues) {
    this(Objects.requireNonNull(vector, "vector"), k, numCandidates, filter, includeMetadata, includeValues, null, null,
        null, false);
  }

  /** Whether this is a plain vector query, answered as before text search existed (no ranks). */
  public boolean plainVector() {
    return text == null && mode == null;
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
