package io.vecstore.core.index;

import io.vecstore.core.vector.Fusion;
import org.apache.lucene.search.Query;

/**
 * A query of a namespace with text search or server-side embedding, as the index runs it: which
 * legs, with what inputs. Built by the data operations once the namespace allowed every leg.
 *
 * @param vector the vector leg's query vector (given or embedded), or null when that leg does not
 *     run and no distance can be computed
 * @param vectorLeg whether the vector (kNN) leg runs; needs {@code vector}
 * @param text the keyword leg's text, or null when that leg does not run
 * @param k results wanted
 * @param numCandidates HNSW search effort of the vector leg (raised to the window)
 * @param filter applied to both legs, or null
 * @param fusion how two legs fuse; unused with one leg
 */
public record TextQuery(float[] vector, boolean vectorLeg, String text, int k, int numCandidates, Query filter,
    Fusion fusion, boolean includeMetadata, boolean includeValues, boolean includeText) {

  boolean keywordLeg() {
    return text != null;
  }
}
