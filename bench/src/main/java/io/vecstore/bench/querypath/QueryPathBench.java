package io.vecstore.bench.querypath;

import io.vecstore.bench.BenchUtil;
import io.vecstore.bench.dataset.Dataset;
import io.vecstore.bench.dataset.SyntheticDataset;
import io.vecstore.bench.querypath.QueryPathResults.Measured;
import io.vecstore.bench.querypath.QueryPathResults.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/vecstore bench --query-path}: what one query costs, split into the bare HTTP round
 * trip, the request work around the search, and the search itself against raw Lucene (issue: "A
 * query costs one HTTP round trip plus the Lucene search, and nothing more").
 *
 * <p>In order: install wrk if missing; start the server jar as its own process; create a namespace
 * holding one vector and ingest the base set into another over HTTP (batches, one client thread,
 * timed); wait until the server has merged that namespace into one segment; index the same vectors
 * with a plain IndexWriter (timed) and merge it to one segment; a non-timed recall pass over HTTP
 * and in Lucene; then wrk rounds (a strict warm-up round per request kind, then the measured
 * rounds, kinds interleaved so a drift of the machine's load hits all alike) at each connection
 * count; stop the server with SIGTERM; raw-Lucene query rounds at each thread count; the report.
 *
 * <p>Not thread-safe: one run at a time, from the caller's thread.
 */
public final class QueryPathBench {

  static final String ONE_VECTOR_NAMESPACE = "qp-one-vector";
  static final String REAL_NAMESPACE = "qp-real";
  private final boolean profile;

  private final QueryPathOptions o;
  private final Map<String, Object> machine;

  private QueryPathBench(QueryPathOptions options, Map<String, Object> machine) {
    this.o = options;
    this.profile = options.profile();
    this.machine = new LinkedHashMap<>(machine);
  }

  /**
   * Runs the mode, prints the report, writes it into {@code options.out()} and returns the path of
   * {@code query-path.json}. Fails (IllegalStateException) on any non-2xx reply or socket error,
   * and when the server does not merge the namespace into one segment in time.
   */
  public static Path run(QueryPathOptions options, Map<String, Object> machine) throws Exception {
    return new QueryPathBench(options, machine).run();
  }

  private Path run() throws Exception {
    long t0 = System.nanoTime();
    // Other work on the machine shows in every figure: the report states the load around the run.
    machine.put("load_average_start", loadAverage());
    CpuShare.Sample runStart = CpuShare.sample();
    String wrk = Wrk.ensureInstalled();
    System.out.println("load client: " + wrk);
    Dataset data = dataset();
    System.out.printf(Locale.ROOT, "data set: %s%n", data.description());
    float[][] base = data.base();
    float[][] queries = data.queries();
    Files.createDirectories(o.workDir());
    Path work = Files.createTempDirectory(o.workDir(), "vecstore-query-path-");
    try {
      QueryPathResults results;
      try {
        results = measure(data, base, queries, work, wrk, t0, runStart);
      } finally {
        keepServerLog(work);
      }
      QueryPathReport report = new QueryPathReport(results);
      report.write(o.out());
      System.out.println();
      System.out.println(report.toMarkdown());
      System.out.println("results written to " + o.out().resolve("query-path.json") + ", query-path.md and query-path-server.log");
      return o.out().resolve("query-path.json");
    } finally {
      deleteTree(work);
    }
  }

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg ("unknown" elsewhere). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Copies the server's log next to the results (the work directory is deleted). */
  private void keepServerLog(Path work) throws IOException {
    Path log = work.resolve("server.log");
    if (Files.exists(log)) {
      Files.createDirectories(o.out());
      Files.copy(log, o.out().resolve("query-path-server.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Dataset dataset() throws IOException, InterruptedException {
    int threads = Runtime.getRuntime().availableProcessors();
    if (o.quick()) {
      return SyntheticDataset.create(o.seed(), o.base() == 0 ? QueryPathOptions.QUICK_BASE : o.base(), 200, 64, threads);
    }
    if (!Dataset.exists(o.dataDir())) {
      throw new IllegalArgumentException("no data set in " + o.dataDir() + " (no dataset.json): build it with "
          + "'bin/vecstore bench --make-data', or pass --data DIR, or --quick");
    }
    Dataset data = Dataset.load(o.dataDir());
    return o.base() > 0 && o.base() < data.base().length ? data.truncate(o.base(), threads) : data;
  }

  private QueryPathResults measure(Dataset data, float[][] base, float[][] queries, Path work, String wrk, long t0,
      CpuShare.Sample runStart) throws Exception {
    int maxNc = o.candidates().stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<Measured> http = new ArrayList<>();
    QueryPathResults.Ingest ingest;
    QueryPathResults.Segments segments;
    List<QueryPathResults.Recall> recall = new ArrayList<>();
    List<String> command;
    int exitStatus;
    LuceneBaseline lucene = null;
    CpuShare.Sample measuringStart;
    java.time.Instant roundsStart = java.time.Instant.EPOCH;
    try {
      ServerProcess server = ServerProcess.start(o.serverJar(), serverJavaOptions(work), work);
      command = server.command();
      try (server; RestClient client = new RestClient(server.port(), work.resolve("server-data"))) {
        System.out.printf(Locale.ROOT, "server: pid %d, http://127.0.0.1:%d%n", server.pid(), server.port());
        client.awaitReady(60);
        client.createNamespace(ONE_VECTOR_NAMESPACE);
        client.upsert(ONE_VECTOR_NAMESPACE, Bodies.upsert(base, 0, 1));
        client.createNamespace(REAL_NAMESPACE);
        double httpSeconds = ingest(client, base);
        System.out.printf(Locale.ROOT, "HTTP ingest: %,d vectors in %.1f s, %,.0f vectors/s%n", base.length, httpSeconds,
            base.length / httpSeconds);
        long count = client.vectorCount(REAL_NAMESPACE);
        if (count != base.length) {
          throw new IllegalStateException("namespace " + REAL_NAMESPACE + " holds " + count + " vectors, expected " + base.length);
        }
        System.out.println("waiting for the server to merge the namespace into one segment (write-idle merge)");
        double mergeWait = client.awaitOneSegment(REAL_NAMESPACE, o.mergeTimeoutSeconds(), o.quick() ? 1 : 3);
        System.out.printf(Locale.ROOT, "one segment after %.0f s%n", mergeWait);

        // The server is idle now (merged, nothing written): the baseline's ingest has the machine.
        lucene = LuceneBaseline.build(base, Files.createDirectories(work.resolve("lucene")));
        System.out.printf(Locale.ROOT, "raw Lucene ingest: %,d vectors in %.1f s, %,.0f vectors/s (forceMerge(1): %.1f s, %d segment)%n",
            base.length, lucene.ingestSeconds(), base.length / lucene.ingestSeconds(), lucene.mergeSeconds(), lucene.segments());
        ingest = new QueryPathResults.Ingest(base.length, o.batch(), httpSeconds, lucene.ingestSeconds(), lucene.mergeSeconds());

        for (int nc : o.candidates()) {
          recall.add(recall(client, lucene, data, nc));
        }
        int segmentsBefore = client.segments(REAL_NAMESPACE);
        int oneVectorSegments = client.segments(ONE_VECTOR_NAMESPACE);
        measuringStart = CpuShare.sample(server.pid());
        roundsStart = java.time.Instant.now();
        http.addAll(new WrkRounds(o, work, server).run(queries, maxNc));
        server.checkAlive();
        int segmentsAfter = client.segments(REAL_NAMESPACE);
        segments = new QueryPathResults.Segments(segmentsBefore, segmentsAfter, oneVectorSegments, lucene.segments(), mergeWait);
      }
      exitStatus = server.exitStatus();
      System.out.println("server stopped (SIGTERM), exit status " + exitStatus);
      if (profile) {
        writeProfile(work.resolve(RECORDING), roundsStart);
      }
      List<Measured> raw = luceneRounds(lucene, queries);
      machine.put("load_average_end", loadAverage());
      CpuShare.Sample end = CpuShare.sample();
      double runShare = CpuShare.othersShare(runStart, end);
      double measuringShare = CpuShare.othersShare(measuringStart, end);
      machine.put(QueryPathReport.OTHERS_SHARE_RUN, Double.isNaN(runShare) ? null : runShare);
      machine.put(QueryPathReport.OTHERS_SHARE_MEASURING, Double.isNaN(measuringShare) ? null : measuringShare);
      Map<String, Object> ds = new LinkedHashMap<>();
      ds.put("name", data.name());
      ds.put("description", data.description());
      ds.put("base", base.length);
      ds.put("queries", queries.length);
      ds.put("dimension", data.dimension());
      return new QueryPathResults(machine, ds, o, wrk, command, exitStatus, ingest, segments, recall, http, raw,
          (System.nanoTime() - t0) / 1e9);
    } finally {
      if (lucene != null) {
        lucene.close();
      }
    }
  }

  private static final String RECORDING = "server.jfr";

  /** The server's JVM options: the user's, and a JFR recording (written at exit) with --profile. */
  private List<String> serverJavaOptions(Path work) {
    List<String> options = new ArrayList<>(o.serverJavaOptions());
    if (profile) {
      options.add("-XX:StartFlightRecording=filename=" + work.resolve(RECORDING) + ",settings=profile,dumponexit=true");
    }
    return options;
  }

  /** The request threads' time by layer during the wrk rounds, printed and kept beside the results. */
  private void writeProfile(Path recording, java.time.Instant since) throws IOException {
    Map<String, Double> layers = ProfileLayers.breakdown(recording, since);
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "request threads' time by layer during the wrk rounds (%,.0f JFR samples):%n",
        layers.get("samples")));
    layers.forEach((layer, share) -> {
      if (!layer.equals("samples")) {
        text.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100 * share, layer));
      }
    });
    System.out.print(text);
    Files.createDirectories(o.out());
    Files.writeString(o.out().resolve("query-path-profile.txt"), text);
    Files.copy(recording, o.out().resolve("query-path-server.jfr"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Upserts the base set in batches from one thread; bodies are rendered before the clock starts. Returns seconds. */
  private double ingest(RestClient client, float[][] base) throws IOException {
    List<byte[]> bodies = new ArrayList<>();
    for (int from = 0; from < base.length; from += o.batch()) {
      bodies.add(Bodies.upsert(base, from, Math.min(base.length, from + o.batch())));
    }
    System.out.printf(Locale.ROOT, "ingesting %,d vectors over HTTP (batches of %,d, one client thread, durability request)%n",
        base.length, o.batch());
    long t0 = System.nanoTime();
    for (byte[] body : bodies) {
      client.upsert(REAL_NAMESPACE, body);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Recall@k of the server (over HTTP, not timed) and of raw Lucene at this num_candidates. */
  private static QueryPathResults.Recall recall(RestClient client, LuceneBaseline lucene, Dataset data, int nc) throws IOException {
    double server = 0;
    double raw = 0;
    int k = QueryPathOptions.K;
    for (int q = 0; q < data.queries().length; q++) {
      int[] truth = data.groundTruth()[q];
      server += BenchUtil.recall(BenchUtil.replyIds(client.query(REAL_NAMESPACE, Bodies.query(data.queries()[q], k, nc)), k), truth, k);
      raw += BenchUtil.recall(lucene.search(data.queries()[q], k, nc), truth, k);
    }
    int n = data.queries().length;
    System.out.printf(Locale.ROOT, "recall@%d at num_candidates %d: server %.4f, raw Lucene %.4f%n", k, nc, server / n, raw / n);
    return new QueryPathResults.Recall(nc, n, server / n, raw / n);
  }

  /** Raw Lucene: a warm-up round per num_candidates, then the rounds, interleaved like wrk's. */
  private List<Measured> luceneRounds(LuceneBaseline lucene, float[][] queries) throws InterruptedException {
    int k = QueryPathOptions.K;
    int warmThreads = o.connections().stream().mapToInt(Integer::intValue).max().orElseThrow();
    for (int nc : o.candidates()) {
      Latency l = lucene.round(queries, k, nc, warmThreads, o.roundSeconds());
      System.out.printf(Locale.ROOT, "warm-up  lucene nc=%-4d   t=%d %s%n", nc, warmThreads, line(l));
    }
    Map<String, List<Latency>> rounds = new LinkedHashMap<>();
    for (int round = 1; round <= o.rounds(); round++) {
      for (int threads : o.connections()) {
        for (int nc : o.candidates()) {
          Latency l = lucene.round(queries, k, nc, threads, o.roundSeconds());
          System.out.printf(Locale.ROOT, "round %d  lucene nc=%-4d   t=%d %s%n", round, nc, threads, line(l));
          rounds.computeIfAbsent(nc + "/" + threads, x -> new ArrayList<>()).add(l);
        }
      }
    }
    List<Measured> out = new ArrayList<>();
    for (int threads : o.connections()) {
      for (int nc : o.candidates()) {
        out.add(best(Probe.LUCENE, nc, threads, rounds.get(nc + "/" + threads), 0));
      }
    }
    return out;
  }

  private static String line(Latency l) {
    return String.format(Locale.ROOT, "mean %8.1f µs  p50 %7.0f  p99 %7.0f  %,9.0f q/s    (%,d queries)",
        l.meanUs(), l.p50Us(), l.p99Us(), l.perSecond(), l.count());
  }

  private static Measured best(Probe probe, int nc, int c, List<Latency> rounds, long failures) {
    Latency best = rounds.stream().min(Comparator.comparingDouble(Latency::meanUs)).orElseThrow();
    return new Measured(probe, nc, c, best, Double.NaN, best, rounds.stream().map(Latency::meanUs).toList(), failures);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
