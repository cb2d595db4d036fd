package io.vecstore.bench;

import static io.vecstore.bench.BenchUtil.json;
import static io.vecstore.bench.BenchUtil.pct;

import io.javalin.Javalin;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Tier;
import io.vecstore.core.wal.Durability;
import io.vecstore.http.App;
import io.vecstore.http.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Throughput of the real server over loopback HTTP (issues 2, 3 and 5): upsert and query rates
 * on random 128-d vectors, the cost of the quota layer on a query, and upsert rates under each
 * durability mode. Prints one table per scenario. Not a test: run by hand (bench/README.md).
 */
public final class HttpBench {

  private static final int DIM = 128;

  private final HttpClient client = HttpClient.newHttpClient();
  private final Random random = new Random(42);
  private final int vectors;
  private final int queries;

  private HttpBench(int vectors, int queries) {
    this.vectors = vectors;
    this.queries = queries;
  }

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    boolean quick = a.contains("--quick");
    String scenario = a.contains("--scenario") ? a.get(a.indexOf("--scenario") + 1) : "all";
    HttpBench bench = new HttpBench(quick ? 2_000 : 10_000, quick ? 500 : 2_000);
    if (scenario.equals("all") || scenario.equals("throughput")) {
      bench.throughput();
    }
    if (scenario.equals("all") || scenario.equals("quota")) {
      bench.quotaOverhead();
    }
    if (scenario.equals("all") || scenario.equals("durability")) {
      bench.durability();
    }
    if (scenario.equals("all") || scenario.equals("many")) {
      int namespaces = a.contains("--namespaces") ? Integer.parseInt(a.get(a.indexOf("--namespaces") + 1)) : quick ? 500 : 10_000;
      ManyNamespacesBench.run(namespaces, 100);
    }
  }

  // --- scenarios -------------------------------------------------------------------------------

  /** Single-thread upsert (batch 1 and 100) and query throughput on {@code vectors} random vectors. */
  private void throughput() throws Exception {
    System.out.printf(Locale.ROOT, "%n== throughput: %d random %d-d vectors, one client thread, durability request ==%n", vectors, DIM);
    try (Server s = Server.start(Durability.REQUEST)) {
      create(s, "one", "unlimited");
      create(s, "hundred", "unlimited");
      double single = upsertRate(s, "one", vectors / 10, 1, 1);
      double batched = upsertRate(s, "hundred", vectors, 100, 1);
      System.out.printf(Locale.ROOT, "upsert, batch 1:    %8.0f vectors/s (%d requests)%n", single, vectors / 10);
      System.out.printf(Locale.ROOT, "upsert, batch 100:  %8.0f vectors/s%n", batched);
      double[] q = queryLatencies(s, "hundred", queries, 10, null);
      System.out.printf(Locale.ROOT, "query k=10:         %8.0f queries/s, p50 %.2f ms, p99 %.2f ms%n",
          queries / (sum(q) / 1000), pct(q, 50), pct(q, 99));
    }
  }

  /**
   * The quota layer's cost on a query: the same queries on a namespace with every quota unset and
   * one with every quota set (limits high enough never to reject), in-process and over HTTP.
   */
  private void quotaOverhead() throws Exception {
    System.out.printf(Locale.ROOT, "%n== quota layer overhead on a query (%d vectors, k=10) ==%n", vectors);
    try (Server s = Server.start(Durability.REQUEST)) {
      NamespaceManager m = s.manager;
      Quotas all = new Quotas(10_000_000L, 100L << 30, 1e9, 1000, 4096, 1000, 1000);
      m.create(new CreateNamespace("free", "free", null, Map.of(), Tier.UNLIMITED, null, null, null));
      m.create(new CreateNamespace("guarded", "guarded", null, Map.of(), null,
          new io.vecstore.core.quota.QuotaPatch(
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxVectors()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxStorageBytes()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxRequestsPerSecond()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxConcurrentQueries()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxDimension()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxResultsPerQuery()),
              io.vecstore.core.quota.QuotaPatch.Field.of(all.maxBatchSize())), null, null));
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < vectors; i++) {
        batch.add(new VectorRecord("v" + i, randomVector(), null));
        if (batch.size() == 500) {
          m.upsert("free", batch);
          m.upsert("guarded", batch);
          batch.clear();
        }
      }
      float[][] qs = new float[queries][];
      for (int i = 0; i < queries; i++) {
        qs[i] = randomVector();
      }
      for (int round = 0; round < 3; round++) { // warm up both paths, then measure the last round
        double[] free = new double[queries], guarded = new double[queries];
        for (int i = 0; i < queries; i++) {
          free[i] = timeQuery(m, "free", qs[i]);
          guarded[i] = timeQuery(m, "guarded", qs[i]);
        }
        if (round == 2) {
          System.out.printf(Locale.ROOT, "in-process  no quotas: p50 %.3f ms, mean %.3f ms%n", pct(free, 50), sum(free) / queries);
          System.out.printf(Locale.ROOT, "in-process  all quotas: p50 %.3f ms, mean %.3f ms (difference of means %+.1f µs)%n",
              pct(guarded, 50), sum(guarded) / queries, (sum(guarded) - sum(free)) / queries * 1000);
        }
      }
      double[] hf = queryLatencies(s, "free", queries, 10, null);
      double[] hg = queryLatencies(s, "guarded", queries, 10, null);
      hf = queryLatencies(s, "free", queries, 10, null);
      hg = queryLatencies(s, "guarded", queries, 10, null);
      System.out.printf(Locale.ROOT, "HTTP        no quotas: p50 %.3f ms; all quotas: p50 %.3f ms%n", pct(hf, 50), pct(hg, 50));
    }
  }

  /** Upsert throughput with each durability mode, one and four client threads, batches of 1 and 100. */
  private void durability() throws Exception {
    System.out.printf(Locale.ROOT, "%n== upsert throughput by durability mode (vectors/s, %d-d) ==%n", DIM);
    System.out.printf(Locale.ROOT, "%-9s %14s %14s %14s %14s%n", "mode", "1 thr, batch1", "4 thr, batch1", "1 thr, b100", "4 thr, b100");
    for (Durability d : Durability.values()) {
      try (Server s = Server.start(d)) {
        create(s, "d", "unlimited");
        int n = vectors;
        double a = upsertRate(s, "d", n / 5, 1, 1);
        double b = upsertRate(s, "d", n / 5, 1, 4);
        double c = upsertRate(s, "d", n, 100, 1);
        double e = upsertRate(s, "d", n, 100, 4);
        System.out.printf(Locale.ROOT, "%-9s %14.0f %14.0f %14.0f %14.0f%n", d.name().toLowerCase(Locale.ROOT), a, b, c, e);
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private double timeQuery(NamespaceManager m, String ns, float[] q) {
    long t = System.nanoTime();
    m.query(ns, new SearchRequest(q, 10, null, null, true, false));
    return (System.nanoTime() - t) / 1e6;
  }

  private final AtomicInteger ids = new AtomicInteger();

  /** Vectors per second for {@code total} vectors sent in batches by {@code threads} clients. */
  private double upsertRate(Server s, String ns, int total, int batchSize, int threads) throws Exception {
    int batches = Math.max(1, total / batchSize);
    List<String> bodies = new ArrayList<>(batches);
    for (int b = 0; b < batches; b++) {
      StringBuilder sb = new StringBuilder("{\"vectors\":[");
      for (int i = 0; i < batchSize; i++) {
        sb.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(ids.incrementAndGet()).append("\",\"values\":")
            .append(json(randomVector())).append(",\"metadata\":{\"n\":").append(i).append("}}");
      }
      bodies.add(sb.append("]}").toString());
    }
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        for (int b; (b = next.getAndIncrement()) < bodies.size(); ) {
          post(s, "/v1/namespaces/" + ns + "/vectors", bodies.get(b));
        }
      }, "bench-client-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    return (double) batches * batchSize / ((System.nanoTime() - start) / 1e9);
  }

  private double[] queryLatencies(Server s, String ns, int n, int k, String filter) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      String body = "{\"vector\":" + json(randomVector()) + ",\"k\":" + k + (filter == null ? "" : ",\"filter\":\"" + filter + "\"") + "}";
      long t = System.nanoTime();
      post(s, "/v1/namespaces/" + ns + "/query", body);
      out[i] = (System.nanoTime() - t) / 1e6;
    }
    return out;
  }

  private void create(Server s, String id, String tier) {
    post(s, "/admin/namespaces", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"tier\":\"" + tier + "\"}");
  }

  private void post(Server s, String path, String body) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(s.base + path))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private float[] randomVector() {
    float[] v = new float[DIM];
    synchronized (random) {
      for (int i = 0; i < DIM; i++) {
        v[i] = (float) random.nextGaussian();
      }
    }
    return v;
  }

  private static double sum(double[] values) {
    return Arrays.stream(values).sum();
  }

  /** The real server in this JVM on a loopback port, over a temporary data directory. */
  private static final class Server implements AutoCloseable {
    final Path dir;
    final NamespaceManager manager;
    final Javalin app;
    final String base;

    private Server(Path dir, NamespaceManager manager, Javalin app) {
      this.dir = dir;
      this.manager = manager;
      this.app = app;
      this.base = "http://127.0.0.1:" + app.port();
    }

    static Server start(Durability durability) throws IOException {
      Path dir = Files.createTempDirectory("vecstore-bench");
      ServerConfig config = new ServerConfig("127.0.0.1", 0, dir, ServerConfig.DEFAULT_MAX_BODY_BYTES, durability,
          java.time.Duration.ofMillis(100), null, false, java.time.Duration.ofDays(7));
      NamespaceManager manager = new NamespaceManager(config.managerConfig());
      Javalin app = App.create(config, manager).start("127.0.0.1", 0);
      return new Server(dir, manager, app);
    }

    @Override
    public void close() throws IOException {
      app.stop();
      manager.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
