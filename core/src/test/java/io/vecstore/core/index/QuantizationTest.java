package io.vecstore.core.index;

import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.testdata.Seeded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-namespace quantization: each choice writes Lucene's own format (so plain Lucene reads it),
 * survives a restart, and with exact rescoring of the candidates still finds the true neighbours.
 */
@ExtendWith(Seeded.class)
class QuantizationTest {

  private static final int DIM = 64;
  private static final String FORMAT_ATTRIBUTE = "PerFieldKnnVectorsFormat.format";

  @TempDir Path dataDir;

  @ParameterizedTest
  @EnumSource(Quantization.class)
  void writesLucenesFormatSurvivesRestartAndFindsNeighbours(Quantization q, Random random) throws Exception {
    List<VectorRecord> all = clustered(random, 1_200);
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      manager.create(new CreateNamespace("ns", "ns", null, Map.of(), null, null, Metric.COSINE, DIM,
          new IndexOptions(q, null)));
      for (int from = 0; from < 800; from += 400) { // batches large enough to be indexed on several threads
        manager.upsert("ns", all.subList(from, from + 400));
      }
    }
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      assertEquals(q, manager.get("ns").meta().options().quantization());
      manager.upsert("ns", all.subList(800, all.size())); // written after the restart: still quantized
      assertEquals(all.size(), manager.stats("ns").vectorCount());
      double recall = recall(manager, all, random, q == Quantization.BBQ ? 200 : 100);
      double floor = switch (q) {
        case NONE, INT8 -> 0.95;
        case INT4 -> 0.9;
        case BBQ -> 0.8;
      };
      assertTrue(recall >= floor, q + " recall@10 " + recall + " < " + floor);
    }
    Path indexDir = dataDir.resolve("ns/index");
    try (Directory dir = FSDirectory.open(indexDir)) {
      // Lucene's own SPI names (the scalar-quantized format registers as "...BinaryQuantized...").
      String expected = q == Quantization.NONE ? "Lucene99HnswVectorsFormat" : Lucene104HnswScalarQuantizedVectorsFormat.NAME;
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertTrue(reader.leaves().size() > 0);
        for (LeafReaderContext leaf : reader.leaves()) {
          assertEquals(expected, leaf.reader().getFieldInfos().fieldInfo(FieldNames.VECTOR).getAttribute(FORMAT_ATTRIBUTE));
        }
        assertEquals(all.size(), reader.numDocs());
      }
      try (CheckIndex checker = new CheckIndex(dir)) {
        checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(checker.checkIndex().clean, log.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Quantization.class)
  void selectiveFiltersAreSearchedExactlyWhateverTheQuantization(Quantization q, Random random) throws Exception {
    List<VectorRecord> plain = clustered(random, 3_000);
    List<VectorRecord> all = new ArrayList<>();
    for (int i = 0; i < plain.size(); i++) { // ~1% "rare", ~10% "common"
      String category = i % 100 == 0 ? "rare" : i % 10 == 1 ? "common" : "other";
      all.add(new VectorRecord(plain.get(i).id(), plain.get(i).values(),
          (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree("{\"category\":\"" + category + "\"}")));
    }
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      manager.create(new CreateNamespace("ns", "ns", null, Map.of(), io.vecstore.core.quota.Tier.UNLIMITED, null,
          Metric.COSINE, DIM, new IndexOptions(q, null)));
      for (int from = 0; from < all.size(); from += 500) {
        manager.upsert("ns", all.subList(from, from + 500));
      }
      for (String category : List.of("rare", "common")) {
        List<VectorRecord> matching = all.stream()
            .filter(r -> r.metadata().get("category").asText().equals(category)).toList();
        for (int i = 0; i < 20; i++) {
          float[] v = all.get(random.nextInt(all.size())).values().clone();
          v[random.nextInt(DIM)] += 0.5f;
          List<String> got = manager.query("ns", new SearchRequest(v, 10, 20,
              com.fasterxml.jackson.databind.node.TextNode.valueOf("category = '" + category + "'"), false, false))
              .stream().map(QueryHit::id).toList();
          assertEquals(exact(matching, v, 10), got, q + " " + category + " query " + i);
        }
      }
    }
  }

  @Test
  void aNamespaceDefaultNumCandidatesIsWhatQueriesWithoutOneUse(Random random) throws Exception {
    List<VectorRecord> all = clustered(random, 1_000);
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      manager.create(new CreateNamespace("narrow", "narrow", null, Map.of(), null, null, Metric.COSINE, DIM,
          new IndexOptions(Quantization.NONE, 10)));
      manager.create(new CreateNamespace("wide", "wide", null, Map.of(), null, null, Metric.COSINE, DIM,
          new IndexOptions(Quantization.NONE, 1_000)));
      manager.upsert("narrow", all);
      manager.upsert("wide", all);
      for (int i = 0; i < 20; i++) {
        float[] v = all.get(random.nextInt(all.size())).values().clone();
        v[random.nextInt(DIM)] += 0.3f;
        assertEquals(ids(manager, "narrow", v, 10), ids(manager, "narrow", v, null), "default 10 = explicit 10");
        assertEquals(exact(all, v, 10), ids(manager, "wide", v, null), "default 1000 searches every vector");
      }
    }
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      assertEquals(10, manager.get("narrow").meta().options().defaultNumCandidates());
    }
  }

  @Test
  void rejectsADefaultNumCandidatesOutOfRange() throws Exception {
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      for (int bad : new int[] {0, -5, 1_000_000}) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.create(
            new CreateNamespace("x", "x", null, Map.of(), null, null, null, null, new IndexOptions(Quantization.INT8, bad))));
        assertTrue(e.getMessage().startsWith("default_num_candidates must be between 1 and "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", got: " + bad), e.getMessage());
      }
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Quantization.parse("int2"));
      assertEquals("quantization must be one of [none, int8, int4, bbq], got: int2", e.getMessage());
      assertEquals(Quantization.BBQ, Quantization.parse("BBQ"));
    }
  }

  private static List<String> ids(NamespaceManager m, String ns, float[] v, Integer candidates) {
    return m.query(ns, new SearchRequest(v, 10, candidates, null, false, false)).stream().map(QueryHit::id).toList();
  }

  private static double recall(NamespaceManager manager, List<VectorRecord> all, Random random, int candidates) {
    int found = 0, queries = 50;
    for (int i = 0; i < queries; i++) {
      float[] v = all.get(random.nextInt(all.size())).values().clone();
      for (int d = 0; d < DIM; d++) {
        v[d] += (float) (random.nextGaussian() * 0.05);
      }
      Set<String> truth = new HashSet<>(exact(all, v, 10));
      found += (int) ids(manager, "ns", v, candidates).stream().filter(truth::contains).count();
    }
    return found / (queries * 10.0);
  }

  private static List<String> exact(List<VectorRecord> all, float[] v, int k) {
    return all.stream()
        .sorted(Comparator.comparingDouble((VectorRecord r) -> Metric.COSINE.distance(v, r.values())).thenComparing(VectorRecord::id))
        .limit(k).map(VectorRecord::id).toList();
  }

  /** Vectors around 20 random centres, like embeddings of texts on a few topics. */
  private static List<VectorRecord> clustered(Random random, int n) {
    float[][] centres = new float[20][DIM];
    for (float[] c : centres) {
      for (int d = 0; d < DIM; d++) {
        c[d] = (float) random.nextGaussian();
      }
    }
    List<VectorRecord> out = new ArrayList<>(n);
    IntStream.range(0, n).forEach(i -> {
      float[] c = centres[random.nextInt(centres.length)];
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = c[d] + (float) (random.nextGaussian() * 0.4);
      }
      out.add(new VectorRecord("v" + i, v, null));
    });
    return out;
  }
}
