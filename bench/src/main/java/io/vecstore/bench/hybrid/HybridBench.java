package io.vecstore.bench.hybrid;

import io.vecstore.bench.dataset.DatasetBuilder;
import io.vecstore.bench.dataset.WordNetCorpus;
import io.vecstore.bench.hybrid.HybridResults.Difference;
import io.vecstore.bench.hybrid.HybridResults.LatencyRatio;
import io.vecstore.bench.hybrid.HybridResults.LatencyRow;
import io.vecstore.bench.hybrid.HybridResults.RelevanceRow;
import io.vecstore.bench.hybrid.HybridResults.SweepRow;
import io.vecstore.bench.hybrid.HybridResults.Throughput;
import io.vecstore.bench.querypath.CpuShare;
import io.vecstore.bench.querypath.Wrk;
import io.vecstore.bench.suite.BenchContext;
import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.vector.Fusion;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.embed.OnnxEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code bin/vecstore bench --hybrid}: issue #24's relevance evaluation and benchmarks of text
 * search, on a judged set built offline from WordNet ({@link JudgedSet}), against the real server
 * in this JVM ({@link TextServer}: manager and REST app on loopback, the embedder given to it as
 * {@code Main} gives its own). In order:
 *
 * <ol>
 *   <li><b>Throughput</b>: the documents, chunk by chunk, through the bare embedder (batches of
 *       {@code --batch} texts, one calling thread, the embedder's own pool) and as text-only
 *       upserts of the same batch size over HTTP into the first analyzer's namespace (one blocking
 *       client thread; the server embeds them on the same embedder). The two alternate which goes
 *       first from chunk to chunk, so a drift of the machine's load hits both alike. The bare
 *       vectors then fill the other analyzers' namespaces (upserted with their text and vectors).
 *   <li><b>Relevance</b>: every test query, as written and masked, in the vector, keyword and
 *       hybrid modes (RRF and linear fusion at their defaults), top 100, in process; nDCG@10,
 *       MRR@10, Recall@100. A sweep of fusion settings on the dev queries picks one per analyzer,
 *       which is then also run on the test queries (reported as dev-tuned).
 *   <li><b>Latency</b>: once the first namespace is one segment, the test sentences as keyword,
 *       vector and hybrid queries (k = 10), with the server embedding the text or the vector
 *       given; in process, and over HTTP with wrk.
 * </ol>
 *
 * <p>Writes {@code hybrid.json} and {@code hybrid.md} into {@code --out}. Not thread-safe: one run.
 */
public final class HybridBench {

  /** Warm-up texts (bare and upserted) before the throughput is measured, at most a tenth of the documents. */
  private static final int WARMUP_TEXTS = 200;
  /** Test queries whose top 10 is compared between a given vector and the server's own embedding of the text. */
  private static final int EMBEDDING_CHECKS = 20;
  /** Documents whose stored vector (embedded by the server) is compared with the bare embedder's. */
  private static final int VECTOR_CHECKS = 200;
  private static final int BOOTSTRAP_RESAMPLES = 2000;
  /** Texts between two progress lines of the throughput comparison. */
  private static final int REPORT_EVERY = 10_000;
  /** The longest wait for this process to go quiet before each side of a throughput chunk. */
  private static final int QUIET_TIMEOUT_SECONDS = 300;

  private HybridBench() {}

  /** The namespace of an analyzer. */
  static String namespace(TextAnalyzer analyzer) {
    return "hybrid-" + analyzer.wireName();
  }

  /** The flags of {@code bench --hybrid}. */
  public static String usage() {
    return HybridOptions.usage();
  }

  /** Runs the whole bench; returns the path of {@code hybrid.json}. */
  public static Path run(List<String> args, Map<String, Object> machine) throws Exception {
    return run(HybridOptions.parse(args), machine);
  }

  static Path run(HybridOptions o, Map<String, Object> machine) throws Exception {
    long t0 = System.nanoTime();
    HybridReport report = new HybridReport(o, machine);
    DatasetBuilder.installCorpus(o.wordnet());
    List<WordNetCorpus.Synset> synsets = WordNetCorpus.readSynsets(o.wordnet());
    JudgedSet set = JudgedSet.build(synsets, new Masker(WordNetCorpus.readExceptions(o.wordnet())), o.seed(), o.queries(),
        o.devQueries(), o.limit());
    report.judgedSet(set);
    System.out.printf(Locale.ROOT, "judged set: %,d documents of %,d synsets, %d test and %d dev queries from the %,d "
        + "synsets with an example (seed %d); masked test queries with a lemma found: %d%n", set.docs().size(),
        set.synsets(), set.test().size(), set.dev().size(), set.candidates(), o.seed(),
        set.test().stream().filter(q -> q.maskedOccurrences() > 0).count());
    String wrkVersion = o.wrk() ? Wrk.ensureInstalled() : null;
    Files.createDirectories(o.workDir());
    Path work = Files.createTempDirectory(o.workDir(), "vecstore-hybrid-");
    ExecutorService queryPool = Executors.newFixedThreadPool(o.threads(),
        Thread.ofPlatform().name("bench-relevance-", 0).daemon(true).factory());
    try (OnnxEmbedder embedder = new OnnxEmbedder(o.threads());
        TextServer server = new TextServer(work.resolve("server-data"), embedder)) {
      report.embedder("OnnxEmbedder (module embed), " + o.threads() + " threads, " + TextServer.MODEL.wireName());
      for (TextAnalyzer a : o.analyzers()) {
        server.create(namespace(a), a);
      }
      String primary = namespace(o.analyzers().getFirst());

      System.out.printf(Locale.ROOT, "%n== throughput: bare embedder vs text upserts over HTTP ==%n");
      float[][] docVectors = new float[set.docs().size()][];
      Throughput throughput = throughput(o, set, embedder, server, primary, docVectors);
      report.throughput(throughput);
      report.vectorCheck(vectorCheck(server, primary, set, docVectors));

      System.out.printf(Locale.ROOT, "%n== relevance ==%n");
      long r0 = System.nanoTime();
      // Queried once merged: an HNSW search visits every segment's graph, so results would
      // depend on how far the server's merges had got.
      for (TextAnalyzer a : o.analyzers()) {
        report.segments(namespace(a), awaitOneSegment(server, namespace(a), o.mergeTimeoutSeconds()));
      }
      float[][][] testVectors = queryVectors(embedder, set.test(), o.batch());
      float[][][] devVectors = queryVectors(embedder, set.dev(), o.batch());
      RelevanceRuns runs = new RelevanceRuns(server.manager(), queryPool);
      report.embeddingCheck(embeddingCheck(server, primary, set.test(), testVectors[0]));
      relevance(o, set, runs, testVectors, devVectors, report);
      report.seconds("relevance", (System.nanoTime() - r0) / 1e9);
      for (TextAnalyzer a : o.analyzers().subList(1, o.analyzers().size())) {
        server.delete(namespace(a)); // its merges would run during the latency rounds
      }

      System.out.printf(Locale.ROOT, "%n== latency on %s ==%n", primary);
      long l0 = System.nanoTime();
      report.segments("latency", awaitOneSegment(server, primary, o.mergeTimeoutSeconds()));
      ProcessCpu.awaitQuiet(QUIET_TIMEOUT_SECONDS);
      LatencyRuns latency = new LatencyRuns(set.test(), testVectors[0], o.latencySeconds(), o.rounds());
      CpuShare.Sample c0 = CpuShare.sample();
      List<LatencyRow> rows = new ArrayList<>(latency.inProcess(server.manager(), primary, embedder));
      if (o.wrk()) {
        rows.addAll(latency.http(server.port(), primary, work));
      }
      report.latency(rows, ratios(rows), CpuShare.othersShare(c0, CpuShare.sample()), wrkVersion);
      report.seconds("latency", (System.nanoTime() - l0) / 1e9);
    } finally {
      queryPool.shutdownNow();
      BenchContext.deleteTree(work);
    }
    report.seconds("total", (System.nanoTime() - t0) / 1e9);
    Path json = report.write(o.out());
    System.out.println();
    System.out.println(report.markdown());
    System.out.println("results written to " + json + " and " + o.out().resolve("hybrid.md"));
    return json;
  }

  /**
   * Warm-up, then chunk by chunk: the bare embedder on the chunk's texts and the text upserts of
   * the same texts, alternating which goes first. The bare vectors land in {@code vectors}; the
   * other analyzers' namespaces are then filled with them (texts and vectors given).
   */
  private static Throughput throughput(HybridOptions o, JudgedSet set, OnnxEmbedder embedder, TextServer server,
      String primary, float[][] vectors) throws IOException {
    List<JudgedSet.Doc> docs = set.docs();
    int warm = Math.min(WARMUP_TEXTS, docs.size() / 10);
    server.create("hybrid-warmup", o.analyzers().getFirst());
    for (int from = 0; from < warm; from += o.batch()) {
      List<JudgedSet.Doc> b = docs.subList(from, Math.min(warm, from + o.batch()));
      embedder.embed(TextServer.MODEL, texts(b));
      server.upsertTexts("hybrid-warmup", b);
    }
    server.delete("hybrid-warmup");

    CpuShare.Sample c0 = CpuShare.sample();
    double bare = 0;
    double upsert = 0;
    double settle = 0;
    List<Double> chunkRatios = new ArrayList<>();
    int intervalFrom = 0;
    double intervalBare = 0;
    double intervalUpsert = 0;
    for (int from = 0, chunk = 0; from < docs.size(); from += o.chunk(), chunk++) {
      int to = Math.min(docs.size(), from + o.chunk());
      double b = 0;
      double u = 0;
      double chunkSettle = 0;
      for (int side = 0; side < 2; side++) {
        // Each side starts on a quiet process: the server's merges and commits after the last
        // upsert reply would otherwise run during the bare embedder's turn.
        ProcessCpu.awaitQuiet(QUIET_TIMEOUT_SECONDS);
        if ((side == 0) == (chunk % 2 == 0)) {
          b = bare(embedder, docs, from, to, o.batch(), vectors);
        } else {
          u = upserts(server, primary, docs, from, to, o.batch());
          chunkSettle = ProcessCpu.awaitQuiet(QUIET_TIMEOUT_SECONDS);
        }
      }
      bare += b;
      upsert += u;
      settle += chunkSettle;
      chunkRatios.add(b / u);
      intervalBare += b;
      intervalUpsert += u;
      if (to / REPORT_EVERY != from / REPORT_EVERY || to == docs.size()) {
        System.out.printf(Locale.ROOT, "texts %,7d-%,7d  bare embedder %7.1f texts/s  text upserts %7.1f texts/s  ratio %.3f  "
            + "(median chunk ratio so far %.3f; server busy %.1f s after replies so far)%n", intervalFrom, to,
            (to - intervalFrom) / intervalBare, (to - intervalFrom) / intervalUpsert, intervalBare / intervalUpsert,
            median(chunkRatios), settle);
        intervalFrom = to;
        intervalBare = 0;
        intervalUpsert = 0;
      }
    }
    double others = CpuShare.othersShare(c0, CpuShare.sample());
    int valuesTexts = 0;
    double values = 0;
    for (TextAnalyzer a : o.analyzers().subList(1, o.analyzers().size())) {
      long v0 = System.nanoTime();
      for (int from = 0; from < docs.size(); from += o.batch()) {
        int to = Math.min(docs.size(), from + o.batch());
        server.upsert(namespace(a), docs.subList(from, to), Arrays.copyOfRange(vectors, from, to));
      }
      values += (System.nanoTime() - v0) / 1e9;
      valuesTexts += docs.size();
      System.out.printf(Locale.ROOT, "%s: %,d texts upserted with their vectors in %.1f s%n", namespace(a), docs.size(),
          (System.nanoTime() - v0) / 1e9);
    }
    Throughput t = new Throughput(docs.size(), o.batch(), o.chunk(), bare, upsert, settle, chunkRatios, valuesTexts, values,
        others);
    System.out.printf(Locale.ROOT, "bare embedder %.1f texts/s, text upserts %.1f texts/s: ratio %.3f (target >= %.1f)%n",
        t.barePerSecond(), t.upsertPerSecond(), t.ratio(), Throughput.TARGET);
    return t;
  }

  /** The median of non-empty values. */
  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double bare(OnnxEmbedder embedder, List<JudgedSet.Doc> docs, int from, int to, int batch, float[][] into) {
    long t0 = System.nanoTime();
    for (int b = from; b < to; b += batch) {
      int end = Math.min(to, b + batch);
      float[][] v = embedder.embed(TextServer.MODEL, texts(docs.subList(b, end)));
      System.arraycopy(v, 0, into, b, v.length);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double upserts(TextServer server, String namespace, List<JudgedSet.Doc> docs, int from, int to, int batch)
      throws IOException {
    // Bodies are rendered before the clock starts: the client's JSON is not the server's work.
    List<String> bodies = new ArrayList<>();
    for (int b = from; b < to; b += batch) {
      bodies.add(TextServer.upsertBody(docs.subList(b, Math.min(to, b + batch)), null));
    }
    long t0 = System.nanoTime();
    for (String body : bodies) {
      server.postUpsert(namespace, body);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<String> texts(List<JudgedSet.Doc> docs) {
    return docs.stream().map(JudgedSet.Doc::text).toList();
  }

  /** The largest difference between a stored vector (the server's embedding) and the bare embedder's, over a sample. */
  private static double vectorCheck(TextServer server, String namespace, JudgedSet set, float[][] bare) {
    int n = Math.min(VECTOR_CHECKS, set.docs().size());
    List<String> ids = new ArrayList<>(n);
    Map<String, float[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int at = (int) ((long) i * set.docs().size() / n);
      ids.add(set.docs().get(at).id());
      expected.put(set.docs().get(at).id(), bare[at]);
    }
    double max = 0;
    List<VectorRecord> stored = server.manager().fetchMany(namespace, ids);
    if (stored.size() != n) {
      throw new IllegalStateException("fetched " + stored.size() + " of " + n + " vectors from " + namespace);
    }
    for (VectorRecord r : stored) {
      float[] e = expected.get(r.id());
      for (int d = 0; d < e.length; d++) {
        max = Math.max(max, Math.abs(e[d] - r.values()[d]));
      }
    }
    System.out.printf(Locale.ROOT, "stored vectors vs the bare embedder's (%d documents): largest difference %.3g%n", n, max);
    return max;
  }

  /** The unmasked [0] and masked [1] query vectors, embedded by the bare embedder in batches. */
  private static float[][][] queryVectors(OnnxEmbedder embedder, List<JudgedSet.Query> queries, int batch) {
    float[][][] out = new float[2][queries.size()][];
    for (int m = 0; m < 2; m++) {
      for (int from = 0; from < queries.size(); from += batch) {
        int to = Math.min(queries.size(), from + batch);
        List<String> texts = new ArrayList<>();
        for (JudgedSet.Query q : queries.subList(from, to)) {
          texts.add(m == 0 ? q.text() : q.masked());
        }
        System.arraycopy(embedder.embed(TextServer.MODEL, texts), 0, out[m], from, to - from);
      }
    }
    return out;
  }

  /**
   * How many of the first test queries get the same top 10 from a vector query with the text only
   * (the server embeds it) as with the vector given (embedded beforehand): the relevance runs give
   * the vectors, which is valid only when the two agree.
   */
  private static int[] embeddingCheck(TextServer server, String namespace, List<JudgedSet.Query> queries, float[][] vectors)
      throws IOException {
    int n = Math.min(EMBEDDING_CHECKS, queries.size());
    int same = 0;
    for (int i = 0; i < n; i++) {
      List<String> byText = server.query(namespace, TextServer.queryBody(queries.get(i).text(), null, "vector", 10));
      List<String> byVector = server.query(namespace, TextServer.queryBody(null, vectors[i], "vector", 10));
      same += byText.equals(byVector) ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "vector queries by text (embedded by the server) vs by the given vector: %d of %d "
        + "identical top 10%n", same, n);
    return new int[] {same, n};
  }

  /** The fusion settings tried on the dev queries. */
  static List<Fusion> sweep() {
    List<Fusion> out = new ArrayList<>();
    double[][] weights = {{1, 1}, {2, 1}, {1, 2}, {4, 1}, {1, 4}};
    for (int rankConstant : new int[] {10, 60}) {
      for (double[] w : weights) {
        out.add(new Fusion(Fusion.Method.RRF, rankConstant, null, w[0], w[1]));
      }
    }
    for (double[] w : weights) {
      out.add(new Fusion(Fusion.Method.LINEAR, Fusion.DEFAULT_RANK_CONSTANT, null, w[0], w[1]));
    }
    return out;
  }

  /** A fusion setting as the report names it. */
  static String label(Fusion f) {
    String w = "w " + weight(f.vectorWeight()) + ":" + weight(f.keywordWeight());
    return switch (f.method()) {
      case RRF -> "rrf k=" + f.rankConstant() + " " + w;
      case LINEAR -> "linear " + w;
    };
  }

  private static String weight(double w) {
    return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
  }

  private static final Fusion LINEAR_DEFAULT = new Fusion(Fusion.Method.LINEAR, Fusion.DEFAULT_RANK_CONSTANT, null, 1, 1);

  private static void relevance(HybridOptions o, JudgedSet set, RelevanceRuns runs, float[][][] testVectors,
      float[][][] devVectors, HybridReport report) throws Exception {
    String[] sets = {"unmasked", "masked"};
    String primary = namespace(o.analyzers().getFirst());
    // The tuned fusion of each analyzer: the best dev nDCG@10 on the unmasked queries.
    Map<TextAnalyzer, Fusion> tuned = new LinkedHashMap<>();
    List<SweepRow> sweep = new ArrayList<>();
    if (!set.dev().isEmpty()) {
      // The single legs on the dev queries too: what a fusion setting has to beat there.
      Relevance vu = runs.run(primary, set.dev(), false, devVectors[0], SearchMode.VECTOR, null);
      Relevance vm = runs.run(primary, set.dev(), true, devVectors[1], SearchMode.VECTOR, null);
      sweep.add(new SweepRow("–", "vector alone", vu.ndcgAt10(), vm.ndcgAt10()));
      for (TextAnalyzer a : o.analyzers()) {
        Relevance ku = runs.run(namespace(a), set.dev(), false, devVectors[0], SearchMode.KEYWORD, null);
        Relevance km = runs.run(namespace(a), set.dev(), true, devVectors[1], SearchMode.KEYWORD, null);
        sweep.add(new SweepRow(a.wireName(), "keyword alone", ku.ndcgAt10(), km.ndcgAt10()));
        System.out.printf(Locale.ROOT, "dev  %-8s %-22s nDCG@10 unmasked %.4f  masked %.4f (vector alone: %.4f, %.4f)%n",
            a.wireName(), "keyword alone", ku.ndcgAt10(), km.ndcgAt10(), vu.ndcgAt10(), vm.ndcgAt10());
        double best = -1;
        for (Fusion f : sweep()) {
          Relevance u = runs.run(namespace(a), set.dev(), false, devVectors[0], SearchMode.HYBRID, f);
          Relevance m = runs.run(namespace(a), set.dev(), true, devVectors[1], SearchMode.HYBRID, f);
          sweep.add(new SweepRow(a.wireName(), label(f), u.ndcgAt10(), m.ndcgAt10()));
          System.out.printf(Locale.ROOT, "dev  %-8s %-22s nDCG@10 unmasked %.4f  masked %.4f%n", a.wireName(), label(f),
              u.ndcgAt10(), m.ndcgAt10());
          if (u.ndcgAt10() > best) {
            best = u.ndcgAt10();
            tuned.put(a, f);
          }
        }
      }
    }
    List<RelevanceRow> rows = new ArrayList<>();
    List<Difference> differences = new ArrayList<>();
    for (int m = 0; m < 2; m++) {
      boolean masked = m == 1;
      Relevance vector = runs.run(primary, set.test(), masked, testVectors[m], SearchMode.VECTOR, null);
      rows.add(print(new RelevanceRow(sets[m], null, "vector", null, false, vector)));
      for (TextAnalyzer a : o.analyzers()) {
        String ns = namespace(a);
        Relevance keyword = runs.run(ns, set.test(), masked, testVectors[m], SearchMode.KEYWORD, null);
        rows.add(print(new RelevanceRow(sets[m], a.wireName(), "keyword", null, false, keyword)));
        boolean vectorBetter = vector.ndcgAt10() >= keyword.ndcgAt10();
        Relevance better = vectorBetter ? vector : keyword;
        List<Fusion> fusions = new ArrayList<>(List.of(Fusion.DEFAULT, LINEAR_DEFAULT));
        if (tuned.containsKey(a)) {
          fusions.add(tuned.get(a));
        }
        for (int i = 0; i < fusions.size(); i++) {
          Fusion f = fusions.get(i);
          Relevance hybrid = runs.run(ns, set.test(), masked, testVectors[m], SearchMode.HYBRID, f);
          rows.add(print(new RelevanceRow(sets[m], a.wireName(), "hybrid", label(f), i == 2, hybrid)));
          double[] d = hybrid.ndcgDifference(better, BOOTSTRAP_RESAMPLES, o.seed());
          differences.add(new Difference(sets[m], a.wireName(), (i == 2 ? "dev-tuned " : "") + label(f),
              vectorBetter ? "vector" : "keyword", d[0], d[1], d[2]));
        }
      }
    }
    report.relevance(rows, sweep, differences);
  }

  private static RelevanceRow print(RelevanceRow r) {
    System.out.printf(Locale.ROOT, "test %-8s %-8s %-7s %-32s nDCG@10 %.4f  MRR@10 %.4f  Recall@100 %.4f%n", r.queries(),
        r.analyzer() == null ? "-" : r.analyzer(), r.method(), r.fusion() == null ? "" : (r.tuned() ? "dev-tuned " : "")
            + r.fusion(), r.relevance().ndcgAt10(), r.relevance().mrrAt10(), r.relevance().recallAt100());
    return r;
  }

  /** Waits for the namespace to be one segment (the server merges a write-idle namespace); returns the count seen. */
  private static int awaitOneSegment(TextServer server, String namespace, int maxSeconds) throws Exception {
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    int segments = server.segments(namespace);
    while (segments > 1 && System.nanoTime() < deadline) {
      Thread.sleep(2000);
      segments = server.segments(namespace);
    }
    System.out.printf(Locale.ROOT, "%s: %d segment(s)%s%n", namespace, segments,
        segments > 1 ? " after " + maxSeconds + " s: measured on several segments" : "");
    return segments;
  }

  /** hybrid ÷ (vector + keyword) per transport and input, from the measured rows. */
  static List<LatencyRatio> ratios(List<LatencyRow> rows) {
    List<LatencyRatio> out = new ArrayList<>();
    for (String transport : List.of("in-process", "http")) {
      Map<String, Double> mean = new LinkedHashMap<>();
      rows.stream().filter(r -> r.transport().equals(transport)).forEach(r -> mean.put(r.kind(), r.latency().meanUs()));
      if (mean.isEmpty()) {
        continue;
      }
      for (String input : List.of("text", "vector")) {
        out.add(new LatencyRatio(transport, input, mean.get("hybrid(" + input + ")"), mean.get("vector(" + input + ")"),
            mean.get("keyword")));
      }
    }
    return out;
  }
}
