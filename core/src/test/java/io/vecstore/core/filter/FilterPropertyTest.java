package io.vecstore.core.filter;

import io.vecstore.core.wal.Durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vecstore.core.filter.Expr.Literal;
import io.vecstore.core.filter.Expr.Op;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random metadata, vectors and filters against a brute-force evaluator that implements the
 * semantics of docs/FILTERS.md directly on the JSON metadata (it shares no code with the compiler).
 * Every generated filter must count exactly as many documents as the evaluator; the filters that
 * fall near 0.1%, 1%, 10% and 50% selectivity are also run as kNN pre-filters: the exact result set
 * when at most k documents match, mean recall ≥ 0.95 otherwise.
 *
 * <p>Seeded: the seed is printed and named in every failure; rerun one with {@code
 * -Dvecstore.filter.seed=<seed>}.
 */
class FilterPropertyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final int DOCS = 5_000;
  private static final int DIM = 16;
  private static final int K = 10;
  private static final int NUM_CANDIDATES = 100;
  private static final int PER_BIN = 25;
  /** Filters counted against the evaluator, at least; counting is cheap, so check many. */
  private static final int MIN_COUNTED = 1_500;
  private static final int MAX_ATTEMPTS = 6_000;
  private static final double[] TARGETS = {0.001, 0.01, 0.1, 0.5};

  private static final String[] WORDS = {
    "red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "gray", "orange"
  };
  private static final String[] FIELDS = {"color", "n", "d", "flag", "tags", "name", "mix", "absent"};

  @TempDir Path dir;

  @Test
  void filteredSearchMatchesBruteForce() throws Exception {
    long seed = Long.getLong("vecstore.filter.seed", new Random().nextLong());
    System.out.println("FilterPropertyTest seed: " + seed + " (rerun with -Dvecstore.filter.seed=" + seed + ")");
    try {
      run(seed);
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + " (-Dvecstore.filter.seed=" + seed + "): " + e.getMessage(), e);
    }
  }

  private void run(long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, ObjectNode> metadata = new LinkedHashMap<>();
    Map<String, float[]> vectors = new LinkedHashMap<>();

    try (NamespaceIndex index = NamespaceIndex.open("prop", dir, null, Metric.COSINE, IndexSettings.defaults().withDurability(Durability.NONE), Map::of)) {
      // Batches with commits in between give several segments; updates and deletes give deleted docs.
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < DOCS; i++) {
        String id = "v" + i;
        ObjectNode md = random.nextInt(100) == 0 ? null : randomMetadata(random);
        float[] v = randomVector(random);
        batch.add(new VectorRecord(id, v, md));
        metadata.put(id, md);
        vectors.put(id, v);
        if (batch.size() == 700) {
          index.writes().upsert(batch, 0, n -> {});
          index.commitIfDirty();
          batch.clear();
        }
      }
      index.writes().upsert(batch, 0, n -> {});
      batch.clear();
      for (int i = 0; i < 200; i++) {
        String id = "v" + random.nextInt(DOCS);
        ObjectNode md = randomMetadata(random);
        batch.add(new VectorRecord(id, vectors.get(id), md));
        metadata.put(id, md);
      }
      index.writes().upsert(batch, 0, n -> {});
      Set<String> deleted = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        deleted.add("v" + random.nextInt(DOCS));
      }
      index.writes().delete(deleted);
      deleted.forEach(id -> {
        metadata.remove(id);
        vectors.remove(id);
      });
      index.commitIfDirty();

      try (Directory directory = FSDirectory.open(dir);
          DirectoryReader reader = DirectoryReader.open(directory)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        assertEquals(metadata.size(), reader.numDocs());
        checkFilters(random, index, searcher, metadata, vectors);
      }
    }
    try (Directory directory = FSDirectory.open(dir);
        CheckIndex checker = new CheckIndex(directory)) {
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
      assertTrue(checker.checkIndex().clean, () -> log.toString(StandardCharsets.UTF_8));
    }
  }

  private void checkFilters(
      Random random, NamespaceIndex index, IndexSearcher searcher, Map<String, ObjectNode> metadata, Map<String, float[]> vectors)
      throws Exception {
    int live = metadata.size();
    List<List<Expr>> bins = new ArrayList<>();
    for (int b = 0; b < TARGETS.length; b++) {
      bins.add(new ArrayList<>());
    }
    int attempts = 0;
    while (attempts < MAX_ATTEMPTS && (attempts < MIN_COUNTED || bins.stream().anyMatch(b -> b.size() < PER_BIN))) {
      attempts++;
      Expr expr = randomExpr(random, 0);
      JsonNode rendered = random.nextBoolean() ? TextNode.valueOf(renderText(expr, random)) : renderJson(expr, random);
      assertEquals(expr, Filters.parse(rendered), () -> "round trip of " + rendered);
      Set<String> expected = matching(expr, metadata);
      Query query = Filters.compile(rendered);
      assertEquals(expected.size(), searcher.count(query), () -> "count of " + rendered + " as " + query);

      double selectivity = expected.size() / (double) live;
      for (int b = 0; b < TARGETS.length; b++) {
        if (bins.get(b).size() < PER_BIN && inBin(selectivity, TARGETS[b])) {
          bins.get(b).add(expr);
          checkKnn(random, index, rendered, expected, vectors);
        }
      }
    }
    StringBuilder report = new StringBuilder("FilterPropertyTest: " + attempts + " filters counted exactly;");
    for (int b = 0; b < TARGETS.length; b++) {
      report.append(String.format(Locale.ROOT, " %.1f%%: %d kNN filters", TARGETS[b] * 100, bins.get(b).size()));
    }
    System.out.println(report);
    for (int b = 0; b < TARGETS.length; b++) {
      assertTrue(bins.get(b).size() == PER_BIN, "too few filters near " + TARGETS[b] + ": " + bins.get(b).size() + " in " + attempts + " attempts");
    }
    System.out.println(String.format(Locale.ROOT, "FilterPropertyTest: kNN recall@%d min %.3f mean %.4f over %d queries with more than k matches, %d exact-set queries",
        K, minRecall, recallSum / Math.max(1, recallQueries), recallQueries, exactQueries));
    assertTrue(recallSum / recallQueries >= 0.95, "mean recall " + recallSum / recallQueries);
  }

  private double recallSum;
  private double minRecall = 1;
  private int recallQueries;
  private int exactQueries;

  private static boolean inBin(double selectivity, double target) {
    return target == 0.5 ? selectivity >= 0.4 && selectivity <= 0.6 : selectivity >= target / 2 && selectivity <= target * 2;
  }

  private void checkKnn(Random random, NamespaceIndex index, JsonNode rendered, Set<String> expected, Map<String, float[]> vectors) {
    float[] q = randomVector(random);
    Query filter = Filters.compile(rendered);
    List<QueryHit> hits = index.searches().search(q, K, NUM_CANDIDATES, filter, false, false);
    Set<String> got = hits.stream().map(QueryHit::id).collect(Collectors.toSet());
    assertEquals(Math.min(K, expected.size()), hits.size(), () -> "hit count for " + rendered);
    for (String id : got) {
      assertTrue(expected.contains(id), () -> id + " does not match " + rendered);
    }
    if (expected.size() <= K) {
      assertEquals(expected, got, () -> "exact set for " + rendered);
      exactQueries++;
      return;
    }
    List<String> truth =
        expected.stream()
            .sorted(Comparator.comparingDouble((String id) -> Metric.COSINE.distance(q, vectors.get(id))).thenComparing(id -> id))
            .limit(K)
            .toList();
    long found = truth.stream().filter(got::contains).count();
    double recall = found / (double) K;
    recallSum += recall;
    minRecall = Math.min(minRecall, recall);
    recallQueries++;
  }

  // --- brute-force evaluator: the documented semantics, straight on the JSON -------------------

  private static Set<String> matching(Expr expr, Map<String, ObjectNode> metadata) {
    Set<String> out = new HashSet<>();
    metadata.forEach((id, md) -> {
      if (eval(expr, md)) {
        out.add(id);
      }
    });
    return out;
  }

  static boolean eval(Expr expr, ObjectNode md) {
    return switch (expr) {
      case Expr.And and -> and.children().stream().allMatch(c -> eval(c, md));
      case Expr.Or or -> or.children().stream().anyMatch(c -> eval(c, md));
      case Expr.Not not -> !eval(not.child(), md);
      case Expr.Exists exists -> md != null && md.has(exists.field()) && !md.get(exists.field()).isNull();
      case Expr.Compare c -> scalars(md, c.field()).stream().anyMatch(v -> compares(v, c.op(), c.value()));
      case Expr.In in ->
          in.values().stream()
              .anyMatch(lit -> lit instanceof Literal.Null
                  ? !eval(new Expr.Exists(in.field()), md)
                  : scalars(md, in.field()).stream().anyMatch(v -> compares(v, Op.EQ, lit)));
      case Expr.Contains c ->
          scalars(md, c.field()).stream()
              .anyMatch(v -> c.value() instanceof Literal.Str s
                  ? v.isTextual() && v.textValue().contains(s.value())
                  : compares(v, Op.EQ, c.value()));
      case Expr.StartsWith s ->
          scalars(md, s.field()).stream().anyMatch(v -> v.isTextual() && v.textValue().startsWith(s.prefix()));
    };
  }

  /** The scalar values of a top-level key: the value itself, or an array's scalar elements. */
  private static List<JsonNode> scalars(ObjectNode md, String field) {
    if (md == null || !md.has(field)) {
      return List.of();
    }
    JsonNode v = md.get(field);
    List<JsonNode> out = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(e -> {
        if (e.isValueNode() && !e.isNull()) {
          out.add(e);
        }
      });
    } else if (v.isValueNode() && !v.isNull()) {
      out.add(v);
    }
    return out;
  }

  private static boolean compares(JsonNode v, Op op, Literal lit) {
    int cmp;
    switch (lit) {
      case Literal.Str s -> {
        if (!v.isTextual()) {
          return false;
        }
        cmp = Arrays.compareUnsigned(
            v.textValue().getBytes(StandardCharsets.UTF_8), s.value().getBytes(StandardCharsets.UTF_8));
      }
      case Literal.Num n -> {
        if (!v.isNumber()) {
          return false;
        }
        double d = v.doubleValue();
        cmp = d < n.value() ? -1 : d > n.value() ? 1 : 0; // -0.0 == 0.0 here, as documented
      }
      case Literal.Bool b -> {
        return op == Op.EQ && v.isBoolean() && v.booleanValue() == b.value();
      }
      case Literal.Null n -> {
        return false;
      }
    }
    return switch (op) {
      case EQ -> cmp == 0;
      case GT -> cmp > 0;
      case GTE -> cmp >= 0;
      case LT -> cmp < 0;
      case LTE -> cmp <= 0;
    };
  }

  // --- random data ------------------------------------------------------------------------------

  private static float[] randomVector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static ObjectNode randomMetadata(Random r) {
    ObjectNode md = NODES.objectNode();
    int p = r.nextInt(100);
    if (p < 85) {
      md.put("color", word(r));
    } else if (p < 90) {
      md.putNull("color");
    }
    if (r.nextInt(100) < 95) {
      md.put("n", r.nextInt(1000));
    }
    p = r.nextInt(100);
    if (p < 80) {
      md.put("d", (r.nextInt(2001) - 1000) / 8.0);
    } else if (p < 90) {
      md.put("d", "x" + r.nextInt(3));
    }
    if (r.nextInt(100) < 90) {
      md.put("flag", r.nextBoolean());
    }
    p = r.nextInt(100);
    if (p < 80) {
      ArrayNode tags = md.putArray("tags");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        tags.add(word(r));
      }
    } else if (p < 90) {
      md.putNull("tags");
    }
    p = r.nextInt(100);
    if (p < 88) {
      md.put("name", word(r) + "-" + word(r) + "-" + r.nextInt(10));
    } else if (p < 90) {
      md.put("name", (word(r) + " ").repeat(12) + r.nextInt(10)); // over 64 code points
    }
    switch (r.nextInt(6)) {
      case 0 -> md.put("mix", r.nextInt(10));
      case 1 -> md.put("mix", Integer.toString(r.nextInt(10)));
      case 2 -> md.put("mix", r.nextBoolean());
      case 3 -> md.putArray("mix").add(r.nextInt(10)).add(Integer.toString(r.nextInt(10))).add(r.nextBoolean());
      case 4 -> md.putObject("mix").put("inner", 1);
      default -> {}
    }
    return md;
  }

  private static String word(Random r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  // --- random filters ---------------------------------------------------------------------------

  private static Expr randomExpr(Random r, int depth) {
    int p = r.nextInt(100);
    if (depth < 3 && p < 35) {
      int n = 2 + r.nextInt(2);
      List<Expr> children = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        children.add(randomExpr(r, depth + 1));
      }
      return r.nextInt(3) == 0 ? new Expr.Or(children) : new Expr.And(children);
    }
    if (depth < 3 && p < 42) {
      Expr child = randomExpr(r, depth + 1);
      return child instanceof Expr.Not ? child : new Expr.Not(child);
    }
    return randomLeaf(r);
  }

  private static Expr randomLeaf(Random r) {
    String field = r.nextInt(4) == 0 ? FIELDS[r.nextInt(FIELDS.length)] : new String[] {"n", "n", "color", "name", "tags", "d"}[r.nextInt(6)];
    int p = r.nextInt(100);
    if (p < 45) {
      Op op = Op.values()[r.nextInt(Op.values().length)];
      Literal lit = randomLiteral(r, field);
      if (lit instanceof Literal.Bool && op != Op.EQ) {
        op = Op.EQ;
      }
      Expr cmp = new Expr.Compare(field, op, lit);
      return op == Op.EQ && r.nextInt(4) == 0 ? new Expr.Not(cmp) : cmp;
    }
    if (p < 65) {
      List<Literal> values = new ArrayList<>();
      int n = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        values.add(r.nextInt(15) == 0 ? new Literal.Null() : randomLiteral(r, field));
      }
      Expr in = new Expr.In(field, values);
      return r.nextInt(4) == 0 ? new Expr.Not(in) : in;
    }
    if (p < 72) {
      Expr exists = new Expr.Exists(field);
      return r.nextBoolean() ? new Expr.Not(exists) : exists;
    }
    if (p < 90) {
      Literal lit = r.nextInt(5) == 0 ? randomLiteral(r, field) : new Literal.Str(fragment(r));
      return new Expr.Contains(field, lit);
    }
    String prefix = r.nextBoolean() ? word(r).substring(0, 1 + r.nextInt(3)) : word(r) + "-" + word(r).substring(0, 1 + r.nextInt(2));
    return new Expr.StartsWith(field, prefix);
  }

  private static String fragment(Random r) {
    String w = word(r);
    int start = r.nextInt(w.length());
    int end = start + 1 + r.nextInt(w.length() - start);
    String s = w.substring(start, end);
    return switch (r.nextInt(6)) {
      case 0 -> s + "-";
      case 1 -> "-" + r.nextInt(10);
      case 2 -> w + "-" + word(r).substring(0, 2);
      case 3 -> "";
      default -> s;
    };
  }

  private static Literal randomLiteral(Random r, String field) {
    int kind = switch (field) {
      case "n", "d" -> r.nextInt(10) < 8 ? 0 : r.nextInt(3);
      case "flag" -> r.nextInt(10) < 8 ? 2 : r.nextInt(3);
      case "mix" -> r.nextInt(3);
      default -> r.nextInt(10) < 8 ? 1 : r.nextInt(3);
    };
    return switch (kind) {
      case 0 -> switch (field) {
        case "d" -> new Literal.Num((r.nextInt(2001) - 1000) / 8.0);
        case "mix" -> new Literal.Num(r.nextInt(10));
        default -> new Literal.Num(r.nextInt(10) == 0 ? r.nextInt(1000) + 0.5 : r.nextInt(1000));
      };
      case 1 -> switch (field) {
        case "name" -> new Literal.Str(word(r) + "-" + word(r) + "-" + r.nextInt(10));
        case "mix" -> new Literal.Str(Integer.toString(r.nextInt(10)));
        case "d" -> new Literal.Str("x" + r.nextInt(3));
        default -> new Literal.Str(word(r));
      };
      default -> new Literal.Bool(r.nextBoolean());
    };
  }

  // --- rendering: the AST back to both surface forms -----------------------------------------------

  private static String renderText(Expr expr, Random r) {
    return switch (expr) {
      case Expr.And and -> and.children().stream().map(c -> renderText(c, r)).collect(Collectors.joining(" " + kw("AND", r) + " ", "(", ")"));
      case Expr.Or or -> or.children().stream().map(c -> renderText(c, r)).collect(Collectors.joining(" " + kw("OR", r) + " ", "(", ")"));
      case Expr.Not not -> switch (not.child()) {
        case Expr.Compare c when c.op() == Op.EQ && r.nextBoolean() -> field(c.field(), r) + " != " + text(c.value(), r);
        case Expr.In in when r.nextBoolean() -> field(in.field(), r) + " " + kw("NOT", r) + " " + kw("IN", r) + " " + list(in.values(), r);
        case Expr.Exists e when r.nextBoolean() -> field(e.field(), r) + " = " + kw("null", r);
        default -> kw("NOT", r) + " " + renderText(not.child(), r);
      };
      case Expr.Exists e -> field(e.field(), r) + " != " + kw("null", r);
      case Expr.Compare c -> field(c.field(), r) + " " + c.op().symbol() + " " + text(c.value(), r);
      case Expr.In in -> field(in.field(), r) + " " + kw("IN", r) + " " + list(in.values(), r);
      case Expr.Contains c -> field(c.field(), r) + " " + kw("CONTAINS", r) + " " + text(c.value(), r);
      case Expr.StartsWith s -> field(s.field(), r) + " " + kw("STARTSWITH", r) + " " + text(new Literal.Str(s.prefix()), r);
    };
  }

  private static String kw(String keyword, Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> keyword.toUpperCase(Locale.ROOT);
      case 1 -> keyword.toLowerCase(Locale.ROOT);
      default -> keyword.charAt(0) + keyword.substring(1).toLowerCase(Locale.ROOT);
    };
  }

  private static String field(String name, Random r) {
    return r.nextInt(5) == 0 ? "`" + name + "`" : name;
  }

  private static String list(List<Literal> values, Random r) {
    return values.stream().map(v -> text(v, r)).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String text(Literal lit, Random r) {
    return switch (lit) {
      case Literal.Str s -> {
        String q = r.nextBoolean() ? "'" : "\"";
        yield q + s.value().replace("\\", "\\\\").replace(q, "\\" + q) + q;
      }
      case Literal.Num n -> n.value() == Math.rint(n.value()) && r.nextBoolean() ? Long.toString((long) n.value()) : Double.toString(n.value());
      case Literal.Bool b -> kw(Boolean.toString(b.value()), r);
      case Literal.Null n -> kw("null", r);
    };
  }

  private static JsonNode renderJson(Expr expr, Random r) {
    ObjectNode out = NODES.objectNode();
    switch (expr) {
      case Expr.And and -> and.children().forEach(c -> out.withArray("$and").add(renderJson(c, r)));
      case Expr.Or or -> or.children().forEach(c -> out.withArray("$or").add(renderJson(c, r)));
      case Expr.Not not -> {
        switch (not.child()) {
          case Expr.Compare c when c.op() == Op.EQ && r.nextBoolean() -> out.putObject(c.field()).set("$ne", json(c.value()));
          case Expr.In in when r.nextBoolean() -> out.putObject(in.field()).set("$nin", jsonList(in.values()));
          case Expr.Exists e when r.nextBoolean() -> out.putObject(e.field()).put("$exists", false);
          default -> out.set("$not", renderJson(not.child(), r));
        }
      }
      case Expr.Exists e -> out.putObject(e.field()).put("$exists", true);
      case Expr.Compare c -> {
        if (c.op() == Op.EQ && r.nextBoolean()) {
          out.set(c.field(), json(c.value()));
        } else {
          String op = switch (c.op()) {
            case EQ -> "$eq";
            case GT -> "$gt";
            case GTE -> "$gte";
            case LT -> "$lt";
            case LTE -> "$lte";
          };
          out.putObject(c.field()).set(op, json(c.value()));
        }
      }
      case Expr.In in -> out.putObject(in.field()).set("$in", jsonList(in.values()));
      case Expr.Contains c -> out.putObject(c.field()).set("$contains", json(c.value()));
      case Expr.StartsWith s -> out.putObject(s.field()).put("$startswith", s.prefix());
    }
    return out;
  }

  private static ArrayNode jsonList(List<Literal> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(v -> a.add(json(v)));
    return a;
  }

  private static JsonNode json(Literal lit) {
    return switch (lit) {
      case Literal.Str s -> NODES.textNode(s.value());
      case Literal.Num n -> n.value() == Math.rint(n.value()) ? NODES.numberNode((long) n.value()) : NODES.numberNode(n.value());
      case Literal.Bool b -> NODES.booleanNode(b.value());
      case Literal.Null n -> NODES.nullNode();
    };
  }
}
