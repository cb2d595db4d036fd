package io.vecstore.bench.hybrid;

import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.vector.Fusion;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs judged queries against a namespace in process ({@link NamespaceManager#query}, the same
 * code the REST route calls) and returns the rank of each query's relevant document among the top
 * {@value #K}. The query vectors are given (embedded once, beforehand, by the same embedder the
 * server uses: its vectors are deterministic), so the vector and hybrid modes do not embed each
 * query again.
 *
 * <p>Thread-safety: one caller; the queries run on the given pool.
 */
final class RelevanceRuns {

  /** Results per query: Recall@100 needs the first 100. */
  static final int K = 100;

  private final NamespaceManager manager;
  private final ExecutorService pool;

  RelevanceRuns(NamespaceManager manager, ExecutorService pool) {
    this.manager = manager;
    this.pool = pool;
  }

  /**
   * The 1-based rank of each query's relevant document (0: not in the top {@value #K}).
   *
   * @param masked whether the masked sentences are the query texts
   * @param vectors the query vectors, in the order of {@code queries} (unused by the keyword mode)
   * @param fusion the hybrid mode's fusion (unused by the others)
   */
  Relevance run(String namespace, List<JudgedSet.Query> queries, boolean masked, float[][] vectors, SearchMode mode,
      Fusion fusion) throws InterruptedException, ExecutionException {
    List<Future<Integer>> ranks = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      JudgedSet.Query q = queries.get(i);
      float[] vector = mode == SearchMode.KEYWORD ? null : vectors[i];
      String text = mode == SearchMode.VECTOR ? null : masked ? q.masked() : q.text();
      SearchRequest request = new SearchRequest(vector, K, null, null, false, false, text, mode,
          mode == SearchMode.HYBRID ? fusion : null, false);
      ranks.add(pool.submit(() -> rank(manager.query(namespace, request), q.relevant())));
    }
    int[] out = new int[ranks.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ranks.get(i).get();
    }
    return new Relevance(out);
  }

  static int rank(List<QueryHit> hits, String relevant) {
    for (int i = 0; i < hits.size(); i++) {
      if (hits.get(i).id().equals(relevant)) {
        return i + 1;
      }
    }
    return 0;
  }
}
