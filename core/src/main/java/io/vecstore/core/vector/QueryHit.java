package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One query result.
 *
 * @param distance the exact vector distance, lower is better (see the namespace's metric); null
 *     only for a keyword-only query without a vector
 * @param score higher is better: the metric's score for a vector query, BM25 for a keyword-only
 *     query, the fused score for a hybrid one
 * @param metadata the stored metadata, or null when not requested or absent
 * @param values the stored vector, or null when not requested
 * @param text the stored text, or null when not requested or absent
 * @param ranks the result's rank in each leg of a text query, or null for a plain vector query
 */
public record QueryHit(String id, Double distance, double score, ObjectNode metadata, float[] values, String text,
    Ranks ranks) {

  /** A plain vector query's result. */
  public QueryHit(String id, double distance, double score, ObjectNode metadata, float[] values) {
    this(id, (Double) distance, score, metadata, values, null, null);
  }

  /**
   * 1-based ranks of a result in the legs of a text query.
   *
   * @param vector its rank among the vector leg's results, or null when that leg did not find it (or did not run)
   * @param keyword its rank among the keyword leg's results, or null likewise
   */
  public record Ranks(Integer vector, Integer keyword) {}
}
