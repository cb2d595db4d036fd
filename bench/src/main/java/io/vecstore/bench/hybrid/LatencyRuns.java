package io.vecstore.bench.hybrid;

import io.vecstore.bench.hybrid.HybridResults.LatencyRow;
import io.vecstore.bench.querypath.Latency;
import io.vecstore.bench.querypath.Wrk;
import io.vecstore.bench.querypath.WrkScript;
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
 * ({@code (text)}) or given ({@code (vector)}). Every kind rotates through the same query
 * sentences. First a warm-up round per kind, then {@code rounds} rounds going once through every
 * kind (interleaved, so a drift of the machine's load hits all alike); each figure is its best
 * round (lowest mean).
 *
 * <p>Over HTTP the client is wrk (one thread, one connection; a generated Lua script per kind holds
 * the JSON bodies, see {@link WrkScript}); in process it is a loop calling
 * {@link NamespaceManager#query}, which also times the bare embedder on one query text
 * ({@code embed}). Not thread-safe: one run, from the caller's thread.
 */
final class LatencyRuns {

  static final int K = 10;

  /** The kinds measured over both transports, in the order they run. */
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
    Map<String, IntConsumer> kinds = new LinkedHashMap<>();
    for (String kind : KINDS) {
      kinds.put(kind, i -> manager.query(namespace, request(kind, i)));
    }
    kinds.put("embed", i -> embedder.embed(TextServer.MODEL, List.of(queries.get(i).text())));
    Map<String, List<Latency>> measured = new LinkedHashMap<>();
    int[] next = new int[1];
    for (int round = 0; round <= rounds; round++) {
      for (Map.Entry<String, IntConsumer> k : kinds.entrySet()) {
        Latency l = timed(k.getValue(), next);
        System.out.printf(Locale.ROOT, "in-process %s %-15s %s%n", round == 0 ? "warm-up" : "round " + round, k.getKey(), line(l));
        if (round > 0) {
          measured.computeIfAbsent(k.getKey(), x -> new ArrayList<>()).add(l);
        }
      }
    }
    List<LatencyRow> out = new ArrayList<>();
    measured.forEach((kind, ls) -> out.add(new LatencyRow("in-process", kind,
        ls.stream().min(Comparator.comparingDouble(Latency::meanUs)).orElseThrow(), null,
        ls.stream().map(Latency::meanUs).toList())));
    return out;
  }

  /** The HTTP figures: wrk, one connection, against {@code POST /v1/namespaces/{namespace}/query}. */
  List<LatencyRow> http(int port, String namespace, Path work) throws IOException, InterruptedException {
    String path = "/v1/namespaces/" + namespace + "/query";
    String url = "http://127.0.0.1:" + port + path;
    Map<String, Path> scripts = new LinkedHashMap<>();
    for (String kind : KINDS) {
      List<String> bodies = new ArrayList<>(queries.size());
      for (int i = 0; i < queries.size(); i++) {
        bodies.add(body(kind, i));
      }
      Path script = work.resolve("wrk-hybrid-" + kind.replace('(', '-').replace(")", "") + ".lua");
      WrkScript.write(script, "POST", path, bodies);
      scripts.put(kind, script);
    }
    Map<String, List<Wrk.Round>> measured = new LinkedHashMap<>();
    for (int round = 0; round <= rounds; round++) {
      for (Map.Entry<String, Path> k : scripts.entrySet()) {
        // The warm-up round is strict: the script counts every reply that is not a 2xx.
        Wrk.Round w = Wrk.run(k.getValue(), url, 1, seconds, round == 0);
        if (w.failures() > 0) {
          throw new IllegalStateException(k.getKey() + " over HTTP: " + w.failures() + " replies were not 2xx or failed "
              + "(status > 399: " + w.statusErrors() + ", strict count: " + w.non2xxStrict() + ", socket errors: "
              + w.socketErrors() + "); the run is invalid");
        }
        System.out.printf(Locale.ROOT, "http       %s %-15s %s%n", round == 0 ? "warm-up" : "round " + round, k.getKey(),
            line(w.latency()));
        if (round > 0) {
          measured.computeIfAbsent(k.getKey(), x -> new ArrayList<>()).add(w);
        }
      }
    }
    List<LatencyRow> out = new ArrayList<>();
    measured.forEach((kind, ws) -> {
      Wrk.Round best = ws.stream().min(Comparator.comparingDouble(w -> w.latency().meanUs())).orElseThrow();
      out.add(new LatencyRow("http", kind, best.latency(), best.uncorrected(),
          ws.stream().map(w -> w.latency().meanUs()).toList()));
    });
    return out;
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

  /** Calls {@code call} for the next queries in rotation for {@code seconds}, timing each call. */
  private Latency timed(IntConsumer call, int[] next) {
    long[] nanos = new long[1024];
    int n = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long now = start;
    while (now < end) {
      call.accept(next[0]);
      next[0] = (next[0] + 1) % queries.size();
      long t = System.nanoTime();
      if (n == nanos.length) {
        nanos = Arrays.copyOf(nanos, n * 2);
      }
      nanos[n++] = t - now;
      now = t;
    }
    return Latency.ofNanos(Arrays.copyOf(nanos, n), (now - start) / 1e9);
  }

  private static String line(Latency l) {
    return String.format(Locale.ROOT, "mean %8.1f µs  p50 %8.0f  p99 %8.0f  %,8.0f /s  (%,d)", l.meanUs(), l.p50Us(),
        l.p99Us(), l.perSecond(), l.count());
  }
}
