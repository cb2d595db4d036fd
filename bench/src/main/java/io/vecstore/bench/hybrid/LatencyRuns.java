package io.vecstore.bench.hybrid;

import io.vecstore.bench.hybrid.HybridResults.LatencyRow;
import io.vecstore.bench.querypath.Latency;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.text.Embedder;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.SearchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Latency of text queries on one namespace, one request at a time, k = {@value #K}: keyword,
 * vector and hybrid, the vector leg's query vector embedded by the server from the text
 * ({@code (text)}) or given ({@code (vector)}). The kinds are interleaved query by query (query 1
 * as every kind, then query 2, the order of the kinds rotating), so a burst of load from the rest
 * of a shared machine hits every kind alike and the ratios between kinds hold within a round.
 * First a warm-up round, then {@code rounds} rounds of {@code seconds} per kind; the figures are
 * those of the best round (lowest sum of the kinds' means), every round's means kept.
 *
 * <p>Over HTTP the client is wrk (one thread, one connection, {@link MixedWrkScript}: the script
 * times each request itself); in process it is a loop calling {@link NamespaceManager#query}, which
 * also times the bare embedder on the query sentence ({@code embed}). Not thread-safe: one run,
 * from the caller's thread.
 */
final class LatencyRuns {

  static final int K = 10;

  /** The kinds measured over both transports. */
  static final List<String> KINDS = List.of("keyword", "vector(text)", "hybrid(text)", "vector(vector)", "hybrid(vector)");

  private final List<JudgedSet.Query> queries;
  private final float[][] vectors;
  private final int seconds;
  private final int rounds;

  LatencyRuns(List<JudgedSet.Query> queries, float[][] vectors, int seconds, int rounds) {
    this.queries = List.copyOf(queries);
    this.vectors = vectors;
    this.seconds = seconds;
    this.rounds = rounds;
  }

  /** The in-process figures: every kind of {@link #KINDS}, then {@code embed}. */
  List<LatencyRow> inProcess(NamespaceManager manager, String namespace, Embedder embedder) {
    List<String> names = new ArrayList<>(KINDS);
    names.add("embed");
    List<IntConsumer> calls = new ArrayList<>();
    for (String kind : KINDS) {
      calls.add(i -> manager.query(namespace, request(kind, i)));
    }
    calls.add(i -> embedder.embed(TextServer.MODEL, List.of(queries.get(i).text())));
    List<Map<String, Latency>> measured = new ArrayList<>();
    int[] next = new int[1];
    for (int round = 0; round <= rounds; round++) {
      Map<String, Latency> r = interleaved(names, calls, next);
      print("in-process", round, r);
      if (round > 0) {
        measured.add(r);
      }
    }
    return rows("in-process", measured);
  }

  /** The HTTP figures: wrk, one connection, against {@code POST /v1/namespaces/{namespace}/query}. */
  List<LatencyRow> http(int port, String namespace, Path work) throws IOException, InterruptedException {
    String path = "/v1/namespaces/" + namespace + "/query";
    List<String> bodies = new ArrayList<>(queries.size() * KINDS.size());
    int[] kindOf = new int[queries.size() * KINDS.size()];
    for (int i = 0; i < queries.size(); i++) {
      for (int j = 0; j < KINDS.size(); j++) {
        int k = (i + j) % KINDS.size(); // the order of the kinds rotates from query to query
        kindOf[bodies.size()] = k;
        bodies.add(body(KINDS.get(k), i));
      }
    }
    Path script = work.resolve("wrk-hybrid-mixed.lua");
    MixedWrkScript.write(script, path, bodies, kindOf, KINDS.size());
    List<Map<String, Latency>> measured = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      MixedWrkScript.Result r = MixedWrkScript.run(script, "http://127.0.0.1:" + port + path, seconds * KINDS.size(), KINDS);
      if (r.failures() > 0) {
        throw new IllegalStateException(r.failures() + " requests over HTTP were not answered with a 2xx or failed; "
            + "the run is invalid");
      }
      print("http", round, r.byKind());
      if (round > 0) {
        measured.add(r.byKind());
      }
    }
    return rows("http", measured);
  }

  /** One round in process: query by query, every kind in turn (rotating), for {@code seconds} per kind. */
  private Map<String, Latency> interleaved(List<String> names, List<IntConsumer> calls, int[] next) {
    int n = names.size();
    long[][] nanos = new long[n][1024];
    int[] count = new int[n];
    long start = System.nanoTime();
    long end = start + seconds * (long) n * 1_000_000_000L;
    long now = start;
    while (now < end) {
      int q = next[0];
      for (int j = 0; j < n; j++) {
        int k = (q + j) % n;
        calls.get(k).accept(q);
        long t = System.nanoTime();
        if (count[k] == nanos[k].length) {
          nanos[k] = Arrays.copyOf(nanos[k], count[k] * 2);
        }
        nanos[k][count[k]++] = t - now;
        now = t;
      }
      next[0] = (q + 1) % queries.size();
    }
    double elapsed = (now - start) / 1e9;
    Map<String, Latency> out = new LinkedHashMap<>();
    for (int k = 0; k < n; k++) {
      out.put(names.get(k), Latency.ofNanos(Arrays.copyOf(nanos[k], count[k]), elapsed));
    }
    return out;
  }

  /** The best round's figures (lowest sum of means), with every round's mean per kind. */
  private static List<LatencyRow> rows(String transport, List<Map<String, Latency>> measured) {
    Map<String, Latency> best = measured.stream()
        .min(Comparator.comparingDouble(m -> m.values().stream().mapToDouble(Latency::meanUs).sum())).orElseThrow();
    List<LatencyRow> out = new ArrayList<>();
    best.forEach((kind, l) -> out.add(new LatencyRow(transport, kind, l,
        measured.stream().map(m -> m.get(kind).meanUs()).toList())));
    return out;
  }

  private static void print(String transport, int round, Map<String, Latency> r) {
    r.forEach((kind, l) -> System.out.printf(Locale.ROOT, "%-10s %s %-15s mean %8.1f µs  p50 %8.0f  p99 %8.0f  (%,d)%n",
        transport, round == 0 ? "warm-up" : "round " + round, kind, l.meanUs(), l.p50Us(), l.p99Us(), l.count()));
  }

  /** The in-process request of a kind for query {@code i} (metadata included, as REST's default). */
  private SearchRequest request(String kind, int i) {
    String text = queries.get(i).text();
    return switch (kind) {
      case "keyword" -> new SearchRequest(null, K, null, null, true, false, text, SearchMode.KEYWORD, null, false);
      case "vector(text)" -> new SearchRequest(null, K, null, null, true, false, text, SearchMode.VECTOR, null, false);
      case "hybrid(text)" -> new SearchRequest(null, K, null, null, true, false, text, SearchMode.HYBRID, null, false);
      case "vector(vector)" -> new SearchRequest(vectors[i], K, null, null, true, false, null, SearchMode.VECTOR, null, false);
      case "hybrid(vector)" -> new SearchRequest(vectors[i], K, null, null, true, false, text, SearchMode.HYBRID, null, false);
      default -> throw new IllegalArgumentException("kind must be one of " + KINDS + ", got: " + kind);
    };
  }

  /** The REST body of a kind for query {@code i}. */
  private String body(String kind, int i) {
    String text = queries.get(i).text();
    return switch (kind) {
      case "keyword" -> TextServer.queryBody(text, null, "keyword", K);
      case "vector(text)" -> TextServer.queryBody(text, null, "vector", K);
      case "hybrid(text)" -> TextServer.queryBody(text, null, "hybrid", K);
      case "vector(vector)" -> TextServer.queryBody(null, vectors[i], "vector", K);
      case "hybrid(vector)" -> TextServer.queryBody(text, vectors[i], "hybrid", K);
      default -> throw new IllegalArgumentException("kind must be one of " + KINDS + ", got: " + kind);
    };
  }
}
