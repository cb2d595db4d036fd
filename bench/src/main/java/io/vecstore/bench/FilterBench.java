package io.vecstore.bench;

import io.vecstore.core.wal.Durability;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vecstore.core.filter.Filters;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.search.Query;

/**
 * Filtered versus unfiltered kNN latency and recall on one namespace index: indexes N seeded random
 * clustered vectors with two categorical attributes ({@code c100}: 100 values, 1% each; {@code c10}:
 * 10 values, 10% each, independent of the vectors and of each other), then runs single-threaded
 * queries without a filter, with {@code c100 = '…'} and with {@code c10 = '…'}, and reports p50/p99
 * latency, QPS and recall@k against brute force. Not a test: run by hand (bench/README.md). A
 * single-threaded program; it owns and closes the index it creates.
 *
 * <p>Flags: {@code --docs 100000 --dim 128 --queries 300 --warmup 100 --k 10 --candidates 100
 * --seed 42 --dir <index dir, default a temp dir deleted afterwards>}.
 */
public final class FilterBench {

  private record Mode(String name, String attribute, int cardinality) {}

  private record Result(String mode, double meanMatches, double p50Ms, double p99Ms, double qps, double recall) {}

  private FilterBench() {}

  public static void main(String[] args) throws IOException {
    int docs = intFlag(args, "--docs", 100_000);
    int dim = intFlag(args, "--dim", 128);
    int queries = intFlag(args, "--queries", 300);
    int warmup = intFlag(args, "--warmup", 100);
    int k = intFlag(args, "--k", 10);
    int candidates = intFlag(args, "--candidates", 100);
    long seed = intFlag(args, "--seed", 42);
    String dirFlag = flag(args, "--dir", null);
    Path dir = dirFlag == null ? Files.createTempDirectory("vecstore-filterbench") : Path.of(dirFlag);

    Random random = new Random(seed);
    float[][] centroids = new float[256][];
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = gaussian(random, dim, 1.0f);
    }
    float[][] vectors = new float[docs][];
    int[] c100 = new int[docs];
    int[] c10 = new int[docs];

    System.out.printf(Locale.ROOT, "FilterBench: %d docs, dim %d, k %d, num_candidates %d, seed %d, index %s%n", docs, dim, k, candidates, seed, dir);
    try (NamespaceIndex index = NamespaceIndex.open("bench", dir, null, Metric.COSINE, new IndexSettings(512, Durability.NONE, UnaryOperator.identity(), null), Map::of)) {
      long start = System.nanoTime();
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < docs; i++) {
        vectors[i] = near(random, centroids, dim);
        c100[i] = random.nextInt(100);
        c10[i] = random.nextInt(10);
        ObjectNode md = JsonNodeFactory.instance.objectNode();
        md.put("c100", "g" + c100[i]);
        md.put("c10", "g" + c10[i]);
        md.put("n", i);
        batch.add(new VectorRecord("v" + i, vectors[i], md));
        if (batch.size() == 1000 || i == docs - 1) {
          index.writes().upsert(batch, 0, n -> {});
          batch = new ArrayList<>();
        }
      }
      index.commitIfDirty();
      System.out.printf(Locale.ROOT, "indexed in %.1f s (%.0f docs/s), %.1f MB on disk%n",
          (System.nanoTime() - start) / 1e9, docs / ((System.nanoTime() - start) / 1e9), index.storageBytes() / 1e6);

      List<Result> results = new ArrayList<>();
      for (Mode mode : List.of(new Mode("unfiltered", null, 0), new Mode("1% (c100 = 'gN')", "c100", 100), new Mode("10% (c10 = 'gN')", "c10", 10))) {
        int[] attribute = mode.attribute() == null ? null : mode.attribute().equals("c100") ? c100 : c10;
        results.add(run(index, mode, attribute, vectors, centroids, new Random(seed + 1), dim, k, candidates, warmup, queries));
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "%-18s %10s %9s %9s %8s %10s%n", "query", "matches", "p50 ms", "p99 ms", "QPS", "recall@" + k);
      for (Result r : results) {
        System.out.printf(Locale.ROOT, "%-18s %10.0f %9.3f %9.3f %8.0f %10.4f%n", r.mode(), r.meanMatches(), r.p50Ms(), r.p99Ms(), r.qps(), r.recall());
      }
    } finally {
      if (dirFlag == null) {
        deleteRecursively(dir);
      }
    }
  }

  private static Result run(
      NamespaceIndex index, Mode mode, int[] attribute, float[][] vectors, float[][] centroids, Random random,
      int dim, int k, int candidates, int warmup, int queries) {
    long[] nanos = new long[queries];
    double recallSum = 0;
    double matchSum = 0;
    for (int q = -warmup; q < queries; q++) {
      float[] query = near(random, centroids, dim);
      int value = attribute == null ? -1 : random.nextInt(mode.cardinality());
      String filterText = attribute == null ? null : mode.attribute() + " = 'g" + value + "'";
      long start = System.nanoTime();
      Query filter = filterText == null ? null : Filters.compile(TextNode.valueOf(filterText));
      List<QueryHit> hits = index.searches().search(query, k, candidates, filter, false, false);
      long elapsed = System.nanoTime() - start;
      if (q < 0) {
        continue; // warm-up: JIT and page cache
      }
      nanos[q] = elapsed;
      Set<String> truth = new HashSet<>();
      int matches = bruteForce(vectors, attribute, value, query, k, truth);
      matchSum += matches;
      long found = hits.stream().filter(h -> truth.contains(h.id())).count();
      recallSum += found / (double) Math.min(k, matches);
    }
    Arrays.sort(nanos);
    double totalSeconds = Arrays.stream(nanos).sum() / 1e9;
    return new Result(
        mode.name(),
        matchSum / queries,
        nanos[queries / 2] / 1e6,
        nanos[(int) Math.ceil(queries * 0.99) - 1] / 1e6,
        queries / totalSeconds,
        recallSum / queries);
  }

  /** Exact top k among the documents whose attribute has the value (all documents if none). */
  private static int bruteForce(float[][] vectors, int[] attribute, int value, float[] query, int k, Set<String> out) {
    record Scored(int doc, double distance) {}
    List<Scored> scored = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      if (attribute == null || attribute[i] == value) {
        scored.add(new Scored(i, Metric.COSINE.distance(query, vectors[i])));
      }
    }
    scored.sort(Comparator.comparingDouble(Scored::distance));
    for (Scored s : scored.subList(0, Math.min(k, scored.size()))) {
      out.add("v" + s.doc());
    }
    return scored.size();
  }

  private static float[] near(Random random, float[][] centroids, int dim) {
    float[] c = centroids[random.nextInt(centroids.length)];
    float[] v = gaussian(random, dim, 0.6f);
    for (int i = 0; i < dim; i++) {
      v[i] += c[i];
    }
    return v;
  }

  private static float[] gaussian(Random random, int dim, float scale) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return v;
  }

  private static String flag(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private static int intFlag(String[] args, String name, int fallback) {
    String value = flag(args, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got: " + value, e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
