package io.vecstore.bench.querypath;

import io.vecstore.bench.querypath.QueryPathResults.Measured;
import io.vecstore.bench.querypath.QueryPathResults.Probe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wrk part of a query-path run: {@code GET /health}, a query on the 1-vector namespace and
 * queries on the real namespace at each num_candidates, through our route and through the
 * Pinecone-compatible one, each with its own generated script. First
 * one strict warm-up round per kind (at the largest connection count), then {@code rounds} rounds,
 * each going once through every connection count and kind (interleaved, so a drift of the
 * machine's load hits all kinds alike); the best round (lowest mean) of each (kind, connections)
 * is kept. Any non-2xx reply or socket error fails the run with the server's last log lines.
 *
 * <p>Not thread-safe: one run, from the caller's thread.
 */
final class WrkRounds {

  /** A request kind as wrk sends it: its script and URL. */
  private record Kind(Probe probe, int numCandidates, Path script, String url) {
    String label() {
      return numCandidates > 0 ? probe.key + " nc=" + numCandidates : probe.key;
    }
  }

  private final QueryPathOptions o;
  private final Path work;
  private final ServerProcess server;

  WrkRounds(QueryPathOptions options, Path work, ServerProcess server) {
    this.o = options;
    this.work = work;
    this.server = server;
  }

  /**
   * Measures every kind at every connection count; the query bodies rotate through
   * {@code queries} (the 1-vector query sends {@code oneVectorCandidates} as its num_candidates).
   */
  List<Measured> run(float[][] queries, int oneVectorCandidates) throws IOException, InterruptedException {
    String url = "http://127.0.0.1:" + server.port();
    List<Kind> kinds = new ArrayList<>();
    List<String> noBody = new ArrayList<>();
    noBody.add(null);
    kinds.add(kind(Probe.HEALTH, 0, "GET", "/health", noBody, url));
    kinds.add(kind(Probe.ONE_VECTOR, 0, "POST", "/v1/namespaces/" + QueryPathBench.ONE_VECTOR_NAMESPACE + "/query",
        queryBodies(queries, oneVectorCandidates), url));
    for (int nc : o.candidates()) {
      kinds.add(kind(Probe.REAL, nc, "POST", "/v1/namespaces/" + QueryPathBench.REAL_NAMESPACE + "/query",
          queryBodies(queries, nc), url));
      List<String> pinecone = new ArrayList<>(queries.length);
      for (float[] q : queries) {
        pinecone.add(Bodies.pineconeQuery(QueryPathBench.REAL_NAMESPACE, q, QueryPathOptions.K, nc));
      }
      kinds.add(kind(Probe.PINECONE, nc, "POST", "/pinecone/query", pinecone, url));
    }
    int warmConnections = o.connections().stream().mapToInt(Integer::intValue).max().orElseThrow();
    Map<String, Long> failures = new LinkedHashMap<>();
    Map<String, List<Wrk.Round>> rounds = new LinkedHashMap<>();
    for (Kind k : kinds) {
      Wrk.Round w = Wrk.run(k.script(), k.url(), warmConnections, o.roundSeconds(), true);
      System.out.printf(Locale.ROOT, "warm-up  %-14s c=%d %s%n", k.label(), warmConnections, line(w));
      check(w, k, warmConnections);
      for (int c : o.connections()) {
        failures.merge(key(k, c), w.failures(), Long::sum);
      }
    }
    for (int round = 1; round <= o.rounds(); round++) {
      for (int c : o.connections()) {
        for (Kind k : kinds) {
          Wrk.Round w = Wrk.run(k.script(), k.url(), c, o.roundSeconds(), false);
          System.out.printf(Locale.ROOT, "round %d  %-14s c=%d %s%n", round, k.label(), c, line(w));
          check(w, k, c);
          failures.merge(key(k, c), w.failures(), Long::sum);
          rounds.computeIfAbsent(key(k, c), x -> new ArrayList<>()).add(w);
        }
      }
    }
    List<Measured> out = new ArrayList<>();
    for (int c : o.connections()) {
      for (Kind k : kinds) {
        List<Wrk.Round> rs = rounds.get(key(k, c));
        Wrk.Round best = rs.stream().min(Comparator.comparingDouble(w -> w.latency().meanUs())).orElseThrow();
        out.add(new Measured(k.probe(), k.numCandidates(), c, best.latency(), best.wrkMeanUs(), best.uncorrected(),
            rs.stream().map(w -> w.latency().meanUs()).toList(), failures.get(key(k, c))));
      }
    }
    return out;
  }

  private Kind kind(Probe probe, int nc, String method, String path, List<String> bodies, String url) throws IOException {
    Path script = work.resolve("wrk-" + probe.key + (nc > 0 ? "-nc" + nc : "") + ".lua");
    WrkScript.write(script, method, path, bodies);
    return new Kind(probe, nc, script, url + path);
  }

  private static List<String> queryBodies(float[][] queries, int nc) {
    List<String> bodies = new ArrayList<>(queries.length);
    for (float[] q : queries) {
      bodies.add(Bodies.query(q, QueryPathOptions.K, nc));
    }
    return bodies;
  }

  private static String key(Kind k, int c) {
    return k.label() + "/" + c;
  }

  private void check(Wrk.Round w, Kind k, int c) {
    if (w.failures() > 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "%s at %d connections: %d replies were not 2xx (status > 399: %d, strict count: %d) or failed (socket errors "
              + "and timeouts: %d); the run is invalid. Server's last lines:%n%s",
          k.label(), c, w.failures(), w.statusErrors(), w.non2xxStrict(), w.socketErrors(), server.lastLines()));
    }
  }

  private static String line(Wrk.Round w) {
    Latency l = w.latency();
    Latency u = w.uncorrected();
    return String.format(Locale.ROOT, "mean %8.1f µs  p50 %7.0f  p99 %7.0f  %,9.0f req/s  (%,d requests; uncorrected "
        + "p50 %.0f p99 %.0f max %.0f)", l.meanUs(), l.p50Us(), l.p99Us(), l.perSecond(), l.count(), u.p50Us(), u.p99Us(),
        u.maxUs());
  }
}
