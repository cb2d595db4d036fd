package io.vecstore.bench.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark data set in memory: unit-norm base and query vectors, each base vector's category,
 * the exact top-{@link #GT_K} neighbours of every query, and filtered query sets (a category
 * filter with its own exact ground truth). Immutable once built; safe to share between threads
 * as long as nobody writes into the arrays.
 *
 * <p>On disk (see {@link #save}): {@code dataset.json}, {@code base.fvecs}, {@code query.fvecs},
 * {@code groundtruth.ivecs}, {@code base.tsv} (category, source key, text per base vector) and
 * one {@code groundtruth-<name>.ivecs} per filter.
 */
public record Dataset(
    String name, String description, float[][] base, float[][] queries, int[][] groundTruth,
    String[] categories, List<Filter> filters) {

  /** How many exact neighbours the ground truth holds per query. */
  public static final int GT_K = 100;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Dataset {
    if (base.length == 0 || queries.length == 0) {
      throw new IllegalArgumentException("a data set needs base and query vectors, got: " + base.length + " and " + queries.length);
    }
    if (groundTruth.length != queries.length || categories.length != base.length) {
      throw new IllegalArgumentException("ground truth rows (" + groundTruth.length + ") must match queries (" + queries.length
          + ") and categories (" + categories.length + ") base vectors (" + base.length + ")");
    }
    filters = List.copyOf(filters);
  }

  /**
   * A filtered query set: the queries restricted to base vectors whose category is one of
   * {@code categories}; {@code fraction} is the share of base vectors that match.
   */
  public record Filter(String name, List<String> categories, int matches, double fraction, int[][] groundTruth) {
    public Filter {
      categories = List.copyOf(categories);
    }
  }

  public int dimension() {
    return base[0].length;
  }

  /**
   * The first {@code n} base vectors only (the base is stored in shuffled order, so this is a
   * random sample), with every ground truth recomputed exactly; filters keep their categories.
   */
  public Dataset truncate(int n, int threads) throws InterruptedException {
    if (n < 1 || n > base.length) {
      throw new IllegalArgumentException("base size must be between 1 and " + base.length + ", got: " + n);
    }
    if (n == base.length) {
      return this;
    }
    float[][] b = java.util.Arrays.copyOf(base, n);
    String[] c = java.util.Arrays.copyOf(categories, n);
    List<Filter> fs = new ArrayList<>();
    for (Filter f : filters) {
      java.util.Set<String> set = java.util.Set.copyOf(f.categories());
      int matches = (int) java.util.Arrays.stream(c).filter(set::contains).count();
      fs.add(new Filter(f.name(), f.categories(), matches, (double) matches / n,
          GroundTruth.topK(b, queries, GT_K, i -> set.contains(c[i]), threads)));
    }
    return new Dataset(name, description + ", first " + n + " base vectors", b, queries,
        GroundTruth.topK(b, queries, GT_K, i -> true, threads), c, fs);
  }

  /** Writes the data set into {@code dir} (created if missing); {@code extra} goes into dataset.json. */
  public void save(Path dir, ObjectNode extra, List<String> baseTexts) throws IOException {
    Files.createDirectories(dir);
    Vecs.writeFvecs(dir.resolve("base.fvecs"), base);
    Vecs.writeFvecs(dir.resolve("query.fvecs"), queries);
    Vecs.writeIvecs(dir.resolve("groundtruth.ivecs"), groundTruth);
    List<String> tsv = new ArrayList<>(base.length);
    for (int i = 0; i < base.length; i++) {
      tsv.add(categories[i] + (baseTexts == null ? "" : "\t" + baseTexts.get(i)));
    }
    Files.write(dir.resolve("base.tsv"), tsv, StandardCharsets.UTF_8);
    ObjectNode meta = JSON.createObjectNode();
    meta.put("name", name).put("description", description).put("dimension", dimension())
        .put("base", base.length).put("queries", queries.length).put("groundtruth_k", GT_K).put("metric", "cosine");
    ArrayNode fs = meta.putArray("filters");
    for (Filter f : filters) {
      String file = "groundtruth-" + f.name() + ".ivecs";
      Vecs.writeIvecs(dir.resolve(file), f.groundTruth());
      ObjectNode n = fs.addObject();
      n.put("name", f.name()).put("matches", f.matches()).put("fraction", f.fraction()).put("groundtruth", file);
      f.categories().forEach(n.putArray("categories")::add);
    }
    if (extra != null) {
      meta.set("build", extra);
    }
    // dataset.json last: its presence marks a complete data set.
    Path tmp = dir.resolve("dataset.json.tmp");
    JSON.writeValue(tmp.toFile(), meta);
    Files.move(tmp, dir.resolve("dataset.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** True when {@code dir} holds a complete saved data set. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve("dataset.json"));
  }

  /** Reads a data set written by {@link #save}. */
  public static Dataset load(Path dir) throws IOException {
    JsonNode meta = JSON.readTree(dir.resolve("dataset.json").toFile());
    float[][] base = Vecs.readFvecs(dir.resolve("base.fvecs"));
    float[][] queries = Vecs.readFvecs(dir.resolve("query.fvecs"));
    int[][] gt = Vecs.readIvecs(dir.resolve("groundtruth.ivecs"));
    List<String> lines = Files.readAllLines(dir.resolve("base.tsv"), StandardCharsets.UTF_8);
    String[] categories = new String[lines.size()];
    for (int i = 0; i < categories.length; i++) {
      String line = lines.get(i);
      int tab = line.indexOf('\t');
      categories[i] = tab < 0 ? line : line.substring(0, tab);
    }
    List<Filter> filters = new ArrayList<>();
    for (JsonNode f : meta.get("filters")) {
      List<String> cats = new ArrayList<>();
      f.get("categories").forEach(c -> cats.add(c.asText()));
      filters.add(new Filter(f.get("name").asText(), cats, f.get("matches").asInt(), f.get("fraction").asDouble(),
          Vecs.readIvecs(dir.resolve(f.get("groundtruth").asText()))));
    }
    return new Dataset(meta.get("name").asText(), meta.get("description").asText(), base, queries, gt, categories, filters);
  }
}
