package io.vecstore.bench.querypath;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@code --query-path} run measured, before any derivation (that is
 * {@link QueryPathReport}'s). Immutable.
 *
 * @param machine cpu, cores, java, os of the bench process
 * @param dataset name, description, base count, queries, dimension
 * @param options the run's options
 * @param wrkVersion wrk's version line
 * @param serverCommand the server process's command line
 * @param serverExitStatus its exit status after SIGTERM (0 = clean shutdown)
 * @param ingest HTTP and raw-Lucene ingest of the base set
 * @param segments segment counts the queries ran on
 * @param recall recall@10 of the server (HTTP) and raw Lucene per num_candidates
 * @param http wrk's figures, one per request kind and connection count
 * @param lucene raw Lucene's figures, one per num_candidates and thread count
 * @param seconds the run's wall time
 */
record QueryPathResults(
    Map<String, Object> machine, Map<String, Object> dataset, QueryPathOptions options, String wrkVersion,
    List<String> serverCommand, int serverExitStatus, Ingest ingest, Segments segments, List<Recall> recall,
    List<Measured> http, List<Measured> lucene, double seconds) {

  /** The request kinds measured with wrk. */
  enum Probe {
    /** {@code GET /health}: the bare HTTP round trip, client included. */
    HEALTH("health", "`GET /health` (bare round trip)"),
    /** A query on a namespace holding one vector: everything but the search. */
    ONE_VECTOR("one_vector", "query, namespace of 1 vector"),
    /** A query on the real namespace at a num_candidates. */
    REAL("real", "query, real set"),
    /** The same query through the Pinecone-compatible route, {@code POST /pinecone/query}. */
    PINECONE("pinecone", "Pinecone-compatible query, real set"),
    /** Raw Lucene in process (not wrk: threads of the bench). */
    LUCENE("lucene", "raw Lucene in process");

    final String key;
    final String label;

    Probe(String key, String label) {
      this.key = key;
      this.label = label;
    }
  }

  /**
   * The best of a figure's rounds.
   *
   * @param numCandidates the query's num_candidates (0 for health and the 1-vector query)
   * @param connections wrk connections, or raw-Lucene threads
   * @param best the round with the lowest mean: for wrk, mean = time per request (connections ÷
   *     requests/s) and p50/p99/max from wrk's (coordinated-omission corrected) distribution; for
   *     raw Lucene, every query timed
   * @param wrkMeanUs wrk's mean of its corrected distribution in that round (NaN for raw Lucene)
   * @param uncorrected that round's per-request times as the wrk script measured them, uncorrected
   *     (for raw Lucene: {@code best} again)
   * @param roundMeansUs every measured round's mean, in order
   * @param failures non-2xx replies and socket errors over every round, warm-up included (0, or the run failed)
   */
  record Measured(Probe probe, int numCandidates, int connections, Latency best, double wrkMeanUs, Latency uncorrected,
      List<Double> roundMeansUs, long failures) {
    Measured {
      roundMeansUs = List.copyOf(roundMeansUs);
    }
  }

  /**
   * Ingest of the base set.
   *
   * @param vectors how many
   * @param batch vectors per upsert request
   * @param httpSeconds from the first upsert request to the last reply (one client thread, durability request)
   * @param luceneSeconds raw Lucene, one thread, addDocument..commit
   * @param luceneMergeSeconds raw Lucene's forceMerge(1) afterwards (not in the ratio)
   */
  record Ingest(int vectors, int batch, double httpSeconds, double luceneSeconds, double luceneMergeSeconds) {
    double httpRate() {
      return vectors / httpSeconds;
    }

    double luceneRate() {
      return vectors / luceneSeconds;
    }

    double ratio() {
      return httpRate() / luceneRate();
    }
  }

  /**
   * Segment counts.
   *
   * @param realBefore the server's real namespace before the wrk rounds (waited for: 1)
   * @param realAfter the same after the wrk rounds
   * @param oneVector the 1-vector namespace
   * @param lucene the raw Lucene index queried
   * @param mergeWaitSeconds how long the server took to become one segment after the last upsert reply
   */
  record Segments(int realBefore, int realAfter, int oneVector, int lucene, double mergeWaitSeconds) {}

  /** Mean recall@k over the held-out queries against the exact top k, over HTTP and in raw Lucene. */
  record Recall(int numCandidates, int queries, double server, double lucene) {}

  /** The figure of {@code probe} at this num_candidates (ignored for health and 1-vector) and connection count, or null. */
  Measured find(Probe probe, int numCandidates, int connections) {
    List<Measured> in = probe == Probe.LUCENE ? lucene : http;
    for (Measured m : in) {
      if (m.probe() == probe && m.connections() == connections
          && (probe == Probe.HEALTH || probe == Probe.ONE_VECTOR || m.numCandidates() == numCandidates)) {
        return m;
      }
    }
    return null;
  }
}
