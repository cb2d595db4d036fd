package io.vecstore.core.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.error.VecStoreException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.HashingEmbedder;
import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.vector.Fusion;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Full-text fields, server-side embedding and hybrid (BM25 + vector) queries, on real Lucene. */
@ExtendWith(Seeded.class)
class TextSearchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private NamespaceManager manager;
  private final HashingEmbedder embedder = new HashingEmbedder();

  @BeforeEach
  void open() throws IOException {
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    manager.embedder(embedder);
  }

  @AfterEach
  void close() throws IOException {
    manager.close();
  }

  private void reopen() throws IOException {
    manager.close();
    open();
  }

  private void create(String id, TextAnalyzer text, EmbeddingModel model) {
    manager.create(new CreateNamespace(id, null, null, null, null, QuotaPatch.of(Map.of()), null, null,
        new IndexOptions(Quantization.NONE, null, text, model))); // quotas given, none set: unlimited
  }

  private static VectorRecord rec(String id, String text, float... values) {
    return new VectorRecord(id, values.length == 0 ? null : values, null, text);
  }

  private static SearchRequest query(float[] vector, String text, SearchMode mode, int k) {
    return new SearchRequest(vector, k, null, null, true, false, text, mode, null, true);
  }

  private List<String> ids(String ns, float[] vector, String text, SearchMode mode) {
    return manager.query(ns, query(vector, text, mode, 10)).stream().map(QueryHit::id).toList();
  }

  // --- analyzers ---------------------------------------------------------------------------------

  @Test
  void englishStemsAndDropsStopWordsWhereStandardDoesNot() {
    for (TextAnalyzer a : List.of(TextAnalyzer.ENGLISH, TextAnalyzer.STANDARD)) {
      String ns = a.wireName();
      create(ns, a, null);
      manager.upsert(ns, List.of(
          rec("a", "The runner was running fast", 1, 0),
          rec("b", "I like red apples", 0, 1),
          rec("c", "She runs every day", 1, 1)));
    }
    assertEquals(List.of("a", "c"), sorted(ids("english", null, "run", SearchMode.KEYWORD)));
    assertEquals(List.of(), ids("english", null, "the was", SearchMode.KEYWORD), "stop words only: no match");
    assertEquals(List.of("b"), ids("english", null, "APPLE", SearchMode.KEYWORD));
    assertEquals(List.of(), ids("standard", null, "run", SearchMode.KEYWORD), "no stemming");
    assertEquals(List.of("a"), ids("standard", null, "running", SearchMode.KEYWORD));
    assertEquals(List.of("a"), ids("standard", null, "the", SearchMode.KEYWORD), "no stop words");
  }

  @Test
  void whitespaceKeepsCaseAndPunctuation() {
    create("ws", TextAnalyzer.WHITESPACE, null);
    manager.upsert("ws", List.of(rec("a", "Apple pie.", 1, 0), rec("b", "apple pie", 0, 1)));
    assertEquals(List.of("a"), ids("ws", null, "Apple", SearchMode.KEYWORD));
    assertEquals(List.of("b"), ids("ws", null, "pie", SearchMode.KEYWORD));
  }

  @Test
  void everyAnalyzerIndexesAndFindsAWord() {
    for (TextAnalyzer a : TextAnalyzer.values()) {
      String ns = "ns-" + a.wireName();
      create(ns, a, null);
      manager.upsert(ns, List.of(rec("a", "zebra crossing", 1, 0), rec("b", "quiet harbour", 0, 1)));
      assertEquals(List.of("a"), ids(ns, null, "zebra", SearchMode.KEYWORD), a.wireName());
    }
  }

  // --- keyword leg ---------------------------------------------------------------------------------

  @Test
  void keywordRanksByBm25WithRanksAndDistances() {
    create("kw", TextAnalyzer.STANDARD, null);
    manager.upsert("kw", List.of(
        rec("once", "lucene is a search library written in java for many things", 1, 0),
        rec("twice", "lucene lucene", 0, 1),
        rec("none", "nothing here", 1, 1)));
    List<QueryHit> hits = manager.query("kw", query(null, "lucene", SearchMode.KEYWORD, 10));
    assertEquals(List.of("twice", "once"), hits.stream().map(QueryHit::id).toList());
    assertTrue(hits.get(0).score() > hits.get(1).score(), "BM25 scores, best first");
    assertEquals(new QueryHit.Ranks(null, 1), hits.get(0).ranks());
    assertEquals(new QueryHit.Ranks(null, 2), hits.get(1).ranks());
    assertNull(hits.get(0).distance(), "no vector: no distance");
    assertEquals("lucene lucene", hits.get(0).text());

    List<QueryHit> withVector = manager.query("kw", query(new float[] {1, 0}, "lucene", SearchMode.KEYWORD, 10));
    assertEquals(Metric.COSINE.distance(new float[] {1, 0}, new float[] {0, 1}), withVector.get(0).distance(), 1e-9);
    assertEquals(0.0, withVector.get(1).distance(), 1e-9);
  }

  // --- hybrid ---------------------------------------------------------------------------------------

  /**
   * A hybrid query's results are exactly the RRF fusion of its two legs run alone (over the same
   * window), the filter holding in both, checked against a brute-force filter.
   */
  @Test
  void hybridIsTheFusionOfItsLegsWithTheFilterOnBoth(Random random) throws IOException {
    create("hy", TextAnalyzer.STANDARD, null);
    String[] words = new String[30];
    for (int i = 0; i < words.length; i++) {
      words[i] = "w" + i;
    }
    List<VectorRecord> docs = new ArrayList<>();
    Map<String, Integer> group = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      StringBuilder text = new StringBuilder();
      for (int w = 1 + random.nextInt(8); w > 0; w--) {
        text.append(words[random.nextInt(words.length)]).append(' ');
      }
      float[] v = new float[8];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) random.nextGaussian();
      }
      int g = random.nextInt(4);
      group.put("d" + i, g);
      docs.add(new VectorRecord("d" + i, v, (ObjectNode) JSON.createObjectNode().put("g", g), text.toString().trim()));
    }
    manager.upsert("hy", docs);
    for (int round = 0; round < 20; round++) {
      float[] v = new float[8];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) random.nextGaussian();
      }
      String text = words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)];
      boolean filtered = random.nextBoolean();
      var filter = filtered ? JSON.createObjectNode().set("g", JSON.createObjectNode().put("$eq", 1)) : null;
      int window = 20 + random.nextInt(40);
      Fusion fusion = new Fusion(Fusion.Method.RRF, 60, window, 1, 1);
      List<QueryHit> vectorLeg = manager.query("hy", new SearchRequest(v, window, null, filter, false, false, text, SearchMode.VECTOR, null, false));
      List<QueryHit> keywordLeg = manager.query("hy", new SearchRequest(v, window, null, filter, false, false, text, SearchMode.KEYWORD, null, false));
      List<QueryHit> hybrid = manager.query("hy", new SearchRequest(v, 10, null, filter, false, false, text, SearchMode.HYBRID, fusion, false));
      String at = "round " + round + " text '" + text + "' filtered " + filtered;
      Map<String, Double> expected = new HashMap<>();
      Map<String, Integer> vectorRank = new HashMap<>();
      Map<String, Integer> keywordRank = new HashMap<>();
      for (int i = 0; i < vectorLeg.size(); i++) {
        expected.merge(vectorLeg.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
        vectorRank.put(vectorLeg.get(i).id(), i + 1);
      }
      for (int i = 0; i < keywordLeg.size(); i++) {
        expected.merge(keywordLeg.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
        keywordRank.put(keywordLeg.get(i).id(), i + 1);
      }
      assertEquals(Math.min(10, expected.size()), hybrid.size(), at);
      for (QueryHit h : hybrid) {
        assertEquals(expected.get(h.id()), h.score(), 1e-12, at + " " + h.id());
        assertEquals(new QueryHit.Ranks(vectorRank.get(h.id()), keywordRank.get(h.id())), h.ranks(), at + " " + h.id());
        assertEquals(Metric.COSINE.distance(v, manager.fetch("hy", h.id()).values()), h.distance(), 1e-6, at);
      }
      double last = hybrid.getLast().score();
      for (int i = 1; i < hybrid.size(); i++) {
        assertTrue(hybrid.get(i - 1).score() >= hybrid.get(i).score(), at + ": best first");
      }
      List<String> returned = hybrid.stream().map(QueryHit::id).toList();
      expected.forEach((id, score) -> assertTrue(returned.contains(id) || score <= last, at + ": " + id + " missing"));
      if (filtered) {
        for (List<QueryHit> leg : List.of(vectorLeg, keywordLeg, hybrid)) {
          leg.forEach(h -> assertEquals(1, group.get(h.id()), at + ": filter broken by " + h.id()));
        }
        // Every document holding a query word and passing the filter is in the keyword leg (window allowing).
        long matching = docs.stream().filter(d -> group.get(d.id()) == 1
            && List.of(d.text().split(" ")).stream().anyMatch(w -> List.of(text.split(" ")).contains(w))).count();
        assertEquals(Math.min(window, matching), keywordLeg.size(), at);
      }
    }
  }

  @Test
  void linearFusionRunsAndWeightsCanSilenceALeg() {
    create("lin", TextAnalyzer.STANDARD, null);
    manager.upsert("lin", List.of(rec("near", "far away words", 1, 0), rec("match", "exact words match", -1, 0)));
    Fusion vectorOnly = new Fusion(Fusion.Method.LINEAR, 60, null, 1, 0);
    Fusion keywordOnly = new Fusion(Fusion.Method.LINEAR, 60, null, 0, 1);
    SearchRequest base = new SearchRequest(new float[] {1, 0}, 2, null, null, false, false, "exact match", null, vectorOnly, false);
    assertEquals("near", manager.query("lin", base).getFirst().id());
    SearchRequest other = new SearchRequest(new float[] {1, 0}, 2, null, null, false, false, "exact match", null, keywordOnly, false);
    assertEquals("match", manager.query("lin", other).getFirst().id());
  }

  // --- embedding ---------------------------------------------------------------------------------

  @Test
  void textWithoutValuesIsEmbeddedStoredAndSearchable() {
    create("emb", null, EmbeddingModel.ALL_MINILM_L6_V2);
    NamespaceMeta meta = manager.meta("emb");
    assertEquals(384, meta.dimension());
    assertEquals(Metric.COSINE, meta.metric());
    manager.upsert("emb", List.of(rec("a", "hello world"), rec("b", "goodbye moon")));
    VectorRecord a = manager.fetch("emb", "a");
    assertEquals("hello world", a.text());
    assertArrayEquals(HashingEmbedder.vector(384, "hello world"), a.values());
    List<QueryHit> hits = manager.query("emb", query(null, "hello", null, 2));
    assertEquals("a", hits.getFirst().id());
    assertEquals(new QueryHit.Ranks(1, null), hits.getFirst().ranks(), "no analyzer: the vector leg alone");
  }

  @Test
  void hybridWithEmbeddedQueryTextAndGivenValuesSideBySide() {
    create("both", TextAnalyzer.ENGLISH, EmbeddingModel.ALL_MINILM_L6_V2);
    float[] given = HashingEmbedder.vector(384, "something else entirely");
    manager.upsert("both", List.of(rec("a", "red apples and pears"), new VectorRecord("b", given, null, "green pears")));
    assertArrayEquals(given, manager.fetch("both", "b").values(), "given values are kept, not embedded");
    List<QueryHit> hits = manager.query("both", query(null, "pears", null, 10));
    assertEquals(2, hits.size());
    hits.forEach(h -> assertTrue(h.ranks().vector() != null && h.ranks().keyword() != null, "hybrid by default: " + h));
  }

  @Test
  void textSurvivesUpdatesAndRestarts() throws IOException {
    create("keep", TextAnalyzer.ENGLISH, EmbeddingModel.ALL_MINILM_L6_V2);
    manager.upsert("keep", List.of(rec("a", "the quick brown fox")));
    manager.update("keep", "a", null, (ObjectNode) JSON.createObjectNode().put("seen", true));
    assertEquals("the quick brown fox", manager.fetch("keep", "a").text());
    reopen();
    assertEquals("the quick brown fox", manager.fetch("keep", "a").text());
    assertEquals(List.of("a"), ids("keep", null, "foxes", SearchMode.KEYWORD));
    assertEquals(TextAnalyzer.ENGLISH, manager.meta("keep").options().text());
    assertEquals(EmbeddingModel.ALL_MINILM_L6_V2, manager.meta("keep").options().embedding());
  }

  @Test
  void aModelFixesDimensionAndMetric() {
    IndexOptions withModel = new IndexOptions(Quantization.NONE, null, null, EmbeddingModel.BGE_SMALL_EN_V1_5);
    assertMessage(() -> manager.create(new CreateNamespace("x", null, null, null, null, null, null, 512, withModel)),
        "dimension must be 384 (or left out) with embedding model bge-small-en-v1.5, got: 512");
    assertMessage(() -> manager.create(new CreateNamespace("x", null, null, null, null, null, Metric.EUCLIDEAN, null, withModel)),
        "metric must be cosine (or left out) with embedding model bge-small-en-v1.5, got: euclidean");
    manager.create(new CreateNamespace("x", null, null, null, null, null, Metric.COSINE, 384, withModel));
    assertEquals(384, manager.meta("x").dimension());
  }

  // --- bad input ---------------------------------------------------------------------------------

  @Test
  void badInputIsRefusedNamingTheField() {
    manager.create(CreateNamespace.of("plain", "plain"));
    create("kw", TextAnalyzer.STANDARD, null);
    create("emb", null, EmbeddingModel.ALL_MINILM_L6_V2);
    assertMessage(() -> manager.upsert("plain", List.of(rec("a", "words", 1, 0))),
        "text of vector 'a' cannot be stored: namespace 'plain' has neither text search nor an embedding model");
    assertMessage(() -> manager.query("plain", query(new float[] {1, 0}, "words", null, 5)),
        "text cannot be searched: namespace 'plain' has neither text search nor an embedding model");
    assertMessage(() -> manager.upsert("kw", List.of(rec("a", "words"))),
        "values of vector 'a' are required: namespace 'kw' has no embedding model to embed its text");
    assertMessage(() -> manager.query("kw", query(new float[] {1, 0}, null, SearchMode.HYBRID, 5)), "mode hybrid needs text");
    assertMessage(() -> manager.query("kw", query(null, "words", SearchMode.VECTOR, 5)),
        "mode vector needs vector, or text with an embedding model: namespace 'kw' has none");
    assertMessage(() -> manager.query("kw", query(null, "words", SearchMode.HYBRID, 5)),
        "mode hybrid needs vector, or text with an embedding model: namespace 'kw' has none");
    assertMessage(() -> manager.query("emb", query(null, "words", SearchMode.KEYWORD, 5)),
        "mode keyword needs text search: namespace 'emb' was created without text.analyzer");
    assertMessage(() -> manager.upsert("emb", List.of(rec("a", " \t"))), "text of vector 'a' must not be blank");
    String huge = "word ".repeat(14_000);
    VecStoreException e = assertThrows(InvalidRequestException.class, () -> manager.upsert("emb", List.of(rec("a", huge))));
    assertEquals("text of vector 'a' is 70000 bytes of UTF-8, over the limit of 65536", e.getMessage());
    assertEquals(InvalidRequestException.LIMIT_EXCEEDED, e.code());
    assertMessage(() -> manager.query("emb", query(null, huge, null, 5)), "text is 70000 bytes of UTF-8, over the limit of 65536");
    assertMessage(() -> new SearchRequest(null, 5, null, null, true, false, null, null, null, false), "a query needs vector or text (or both)");
    assertMessage(() -> new SearchRequest(null, 50, null, null, true, false, "x", null, new Fusion(Fusion.Method.RRF, 60, 20, 1, 1), false),
        "fusion.window must be between k (50) and 10000, got: 20");
    assertEquals(0, embedder.embedded.get(), "nothing refused was embedded");
  }

  @Test
  void quotasAreCheckedBeforeEmbedding() {
    create("q", null, EmbeddingModel.ALL_MINILM_L6_V2);
    manager.updateQuotas("q", QuotaPatch.of(Map.of(QuotaField.MAX_BATCH_SIZE, 2, QuotaField.MAX_REQUESTS_PER_SECOND, 0.01)));
    VecStoreException tooBig = assertThrows(InvalidRequestException.class,
        () -> manager.upsert("q", List.of(rec("a", "x"), rec("b", "y"), rec("c", "z"))));
    assertEquals("Batch size exceeds limit: 3 > 2", tooBig.getMessage());
    assertEquals(0, embedder.embedded.get());
    manager.upsert("q", List.of(rec("a", "x"), rec("b", "y")));
    assertEquals(2, embedder.embedded.get());
    assertThrows(TooManyRequestsException.class, () -> manager.upsert("q", List.of(rec("c", "z"))));
    assertThrows(TooManyRequestsException.class, () -> manager.query("q", query(null, "x", null, 1)));
    assertEquals(2, embedder.embedded.get(), "a request over the rate embeds nothing");
    assertEquals(1, manager.stats("q").usage().totalUpserts());
    assertEquals(0, manager.stats("q").usage().totalQueries(), "a refused query is not counted");
  }

  @Test
  void withoutAnEmbedderTextIsUnavailableNotLost() {
    create("emb", null, EmbeddingModel.ALL_MINILM_L6_V2);
    manager.embedder(Embedder.NONE);
    UnavailableException e = assertThrows(UnavailableException.class, () -> manager.upsert("emb", List.of(rec("a", "hello"))));
    assertEquals("embedding_unavailable", e.code());
    assertEquals(0, manager.stats("emb").vectorCount());
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expectedStart) {
    VecStoreException e = assertThrows(VecStoreException.class, call);
    assertTrue(e.getMessage().startsWith(expectedStart), "expected '" + expectedStart + "', got: " + e.getMessage());
  }

  private static List<String> sorted(List<String> ids) {
    return ids.stream().sorted().toList();
  }
}
