package io.vecstore.bench.suite;

import io.vecstore.bench.dataset.Dataset;

/**
 * Something the query runner measures: a VecStore namespace over HTTP or a raw Lucene index,
 * both holding the data set's base vectors. Implementations are safe for concurrent searches.
 */
interface SearchTarget {

  /** The server's own default search effort; {@link #search} takes it for "default". */
  int DEFAULT_NUM_CANDIDATES = 100;

  /**
   * The base indexes of the {@code k} nearest neighbours of query {@code q}, best first.
   * {@code numCandidates} 0 means the target's default; {@code filter} null means unfiltered.
   */
  int[] search(int q, int k, int numCandidates, Dataset.Filter filter) throws Exception;
}
