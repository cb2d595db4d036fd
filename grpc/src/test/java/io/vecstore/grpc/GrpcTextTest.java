package io.vecstore.grpc;

import static io.vecstore.grpc.GrpcTestServer.assertFailure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status.Code;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.EmbeddingOptions;
import io.vecstore.grpc.v1.FetchRequest;
import io.vecstore.grpc.v1.Fusion;
import io.vecstore.grpc.v1.FusionMethod;
import io.vecstore.grpc.v1.GetNamespaceRequest;
import io.vecstore.grpc.v1.Metric;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QueryResult;
import io.vecstore.grpc.v1.SearchMode;
import io.vecstore.grpc.v1.TextOptions;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc.VecStoreAdminServiceBlockingStub;
import io.vecstore.grpc.v1.VecStoreServiceGrpc.VecStoreServiceBlockingStub;
import io.vecstore.grpc.v1.Vector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text over gRPC: namespaces with a full-text field and an embedding model, records with text,
 * keyword, hybrid and embedded queries, and the REST messages for what cannot be done.
 */
class GrpcTextTest {

  static final String MODEL = "all-minilm-l6-v2";

  @TempDir Path dataDir;
  GrpcTestServer server;
  VecStoreAdminServiceBlockingStub admin;
  VecStoreServiceBlockingStub data;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, null);
    admin = server.admin(null);
    data = server.data(null);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private Namespace create(String id, String analyzer, String model) {
    CreateNamespaceRequest.Builder r = CreateNamespaceRequest.newBuilder().setId(id).setTier(Tier.UNLIMITED);
    if (analyzer != null) {
      r.setText(TextOptions.newBuilder().setAnalyzer(analyzer));
    }
    if (model != null) {
      r.setEmbedding(EmbeddingOptions.newBuilder().setModel(model));
    }
    return admin.createNamespace(r.build()).getNamespace();
  }

  private static Vector record(String id, String text, float... values) {
    Vector.Builder v = Vector.newBuilder().setId(id);
    for (float f : values) {
      v.addValues(f);
    }
    if (text != null) {
      v.setText(text);
    }
    return v.build();
  }

  private static QueryRequest.Builder query(String ns, String text, float... vector) {
    QueryRequest.Builder r = QueryRequest.newBuilder().setNamespace(ns);
    for (float f : vector) {
      r.addVector(f);
    }
    if (text != null) {
      r.setText(text);
    }
    return r;
  }

  private static List<String> ids(List<QueryResult> results) {
    return results.stream().map(QueryResult::getId).toList();
  }

  /** "docs": english text search, 3 dimensions; a vector leg ranks a, d, b, c for [1, 0, 0]. */
  private void docs() {
    create("docs", "english", null);
    data.upsert(UpsertRequest.newBuilder().setNamespace("docs")
        .addVectors(record("a", "The quick brown fox jumps over the lazy dog", 1, 0, 0))
        .addVectors(record("b", "Foxes are running in the forest", 0.1f, 1, 0))
        .addVectors(record("c", "A cat sleeps on the sofa", 0, 0, 1))
        .addVectors(record("d", null, 0.9f, 0.1f, 0))
        .build());
  }

  @Test
  void namespacesShowTheirTextAnalyzerAndEmbeddingModel() {
    Namespace docs = create("docs", "english", null);
    assertEquals("english", docs.getText().getAnalyzer());
    assertFalse(docs.hasEmbedding());
    assertFalse(docs.hasDimension(), "without a model the first upsert fixes the dimension");
    Namespace got = admin.getNamespace(GetNamespaceRequest.newBuilder().setId("docs").build()).getNamespace();
    assertEquals(docs.getText(), got.getText());
    assertFalse(got.hasEmbedding());

    assertEquals("standard", create("std", "", null).getText().getAnalyzer(), "an empty analyzer is standard, as REST's {}");

    Namespace embedded = create("emb", null, MODEL);
    assertFalse(embedded.hasText());
    assertEquals(MODEL, embedded.getEmbedding().getModel());
    assertEquals(384, embedded.getDimension(), "the model fixes the dimension");
    assertEquals(Metric.COSINE, embedded.getMetric());

    Namespace plain = create("plain", null, null);
    assertFalse(plain.hasText());
    assertFalse(plain.hasEmbedding());
  }

  @Test
  void badTextOptionsAreRefusedNamingTheField() {
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "text.analyzer must be one of [standard, english, simple, "
        + "whitespace, german, french, spanish, italian, portuguese, dutch], got: klingon",
        () -> create("x", "klingon", null));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "embedding.model must be one of [all-minilm-l6-v2, bge-small-en-v1.5], got: word2vec",
        () -> create("x", null, "word2vec"));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "model is required in embedding",
        () -> create("x", null, ""));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "dimension must be 384 (or left out) with embedding model all-minilm-l6-v2, got: 3",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("x").setDimension(3)
            .setEmbedding(EmbeddingOptions.newBuilder().setModel(MODEL)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "metric must be cosine (or left out) with embedding model all-minilm-l6-v2, got: euclidean",
        () -> admin.createNamespace(CreateNamespaceRequest.newBuilder().setId("x").setMetric(Metric.EUCLIDEAN)
            .setEmbedding(EmbeddingOptions.newBuilder().setModel(MODEL)).build()));
  }

  @Test
  void textIsStoredAndFetched() {
    docs();
    Vector a = data.fetch(FetchRequest.newBuilder().setNamespace("docs").setId("a").build()).getVector();
    assertEquals(record("a", "The quick brown fox jumps over the lazy dog", 1, 0, 0), a);
    assertFalse(data.fetch(FetchRequest.newBuilder().setNamespace("docs").setId("d").build()).getVector().hasText());
  }

  @Test
  void keywordQueryWithoutVectorRanksByBm25AndHasNoDistance() {
    docs();
    List<QueryResult> results = data.query(query("docs", "running foxes").build()).getResultsList();
    assertEquals(List.of("b", "a"), ids(results), "english stems foxes and running; c and d do not match");
    for (int i = 0; i < results.size(); i++) {
      QueryResult r = results.get(i);
      assertFalse(r.hasDistance(), "no vector, no distance");
      assertTrue(r.getScore() > 0, "BM25");
      assertEquals(i + 1, r.getRanks().getKeyword());
      assertFalse(r.getRanks().hasVector());
      assertFalse(r.hasText(), "text only when asked");
    }
    assertTrue(results.get(0).getScore() > results.get(1).getScore());

    List<QueryResult> withVector = data.query(query("docs", "running foxes", 1, 0, 0).setMode(SearchMode.SEARCH_MODE_KEYWORD)
        .build()).getResultsList();
    assertEquals(List.of("b", "a"), ids(withVector));
    assertEquals(0, withVector.get(1).getDistance(), 1e-6, "keyword mode with a vector has exact distances");
    assertFalse(withVector.get(1).getRanks().hasVector());
  }

  @Test
  void hybridQueryFusesBothLegsAndShowsRanks() {
    docs();
    List<QueryResult> results = data.query(query("docs", "running foxes", 1, 0, 0).setIncludeText(true).build())
        .getResultsList();
    // RRF with rank constant 60: a is v1 k2, b is v3 k1, d is v2, c is v4
    assertEquals(List.of("a", "b", "d", "c"), ids(results), "text and vector without a mode: hybrid");
    QueryResult a = results.get(0);
    assertEquals(1, a.getRanks().getVector());
    assertEquals(2, a.getRanks().getKeyword());
    assertEquals(1.0 / 61 + 1.0 / 62, a.getScore(), 1e-12);
    assertEquals(0, a.getDistance(), 1e-6);
    assertEquals("The quick brown fox jumps over the lazy dog", a.getText());
    QueryResult b = results.get(1);
    assertEquals(3, b.getRanks().getVector());
    assertEquals(1, b.getRanks().getKeyword());
    assertEquals("Foxes are running in the forest", b.getText());
    QueryResult d = results.get(2);
    assertEquals(2, d.getRanks().getVector());
    assertFalse(d.getRanks().hasKeyword(), "the keyword leg did not find d");
    assertFalse(d.hasText(), "d has no text");
    assertTrue(d.hasDistance());

    QueryResult plain = data.query(query("docs", null, 1, 0, 0).build()).getResults(0);
    assertEquals("a", plain.getId());
    assertFalse(plain.hasRanks(), "a plain vector query answers as before");
    assertEquals(1 - plain.getDistance(), plain.getScore(), 1e-12);

    QueryResult vectorOnly = data.query(query("docs", "running foxes", 1, 0, 0).setMode(SearchMode.SEARCH_MODE_VECTOR)
        .build()).getResults(0);
    assertEquals("a", vectorOnly.getId());
    assertEquals(1, vectorOnly.getRanks().getVector());
    assertFalse(vectorOnly.getRanks().hasKeyword());
  }

  @Test
  void fusionSettingsReachTheFusion() {
    docs();
    List<QueryResult> rrf1 = data.query(query("docs", "running foxes", 1, 0, 0).setK(2)
        .setFusion(Fusion.newBuilder().setRankConstant(1)).build()).getResultsList();
    assertEquals(List.of("a", "b"), ids(rrf1));
    assertEquals(1.0 / 2 + 1.0 / 3, rrf1.get(0).getScore(), 1e-12);
    assertEquals(1.0 / 4 + 1.0 / 2, rrf1.get(1).getScore(), 1e-12);

    List<QueryResult> linear = data.query(query("docs", "running foxes", 1, 0, 0).setMode(SearchMode.SEARCH_MODE_HYBRID)
        .setFusion(Fusion.newBuilder().setMethod(FusionMethod.FUSION_METHOD_LINEAR).setKeywordWeight(0)).build())
        .getResultsList();
    assertEquals(List.of("a", "d", "b", "c"), ids(linear), "the vector leg alone decides");
    assertEquals(1.0, linear.get(0).getScore(), 1e-9);
    assertEquals(0.0, linear.get(3).getScore(), 1e-9);

    List<QueryResult> window2 = data.query(query("docs", "running foxes", 1, 0, 0).setK(2)
        .setFusion(Fusion.newBuilder().setWindow(2)).build()).getResultsList();
    assertEquals(List.of("a", "b"), ids(window2));
    QueryResult b = window2.get(1);
    assertFalse(b.getRanks().hasVector(), "b is third in the vector leg, outside a window of 2");
    assertEquals(1, b.getRanks().getKeyword());
    assertEquals(1.0 / 61, b.getScore(), 1e-12);
    assertTrue(b.hasDistance(), "a hit of the keyword leg alone still has its exact distance");
  }

  @Test
  void textRequestsTheNamespaceCannotServeAreRefusedWithRestsMessages() {
    docs();
    create("plain", null, null);
    create("emb", null, MODEL);
    data.upsert(UpsertRequest.newBuilder().setNamespace("plain").addVectors(record("p", null, 1, 0)).build());

    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "mode hybrid needs text",
        () -> data.query(query("docs", null, 1, 0, 0).setMode(SearchMode.SEARCH_MODE_HYBRID).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "mode keyword needs text search: namespace 'emb' was created without text.analyzer",
        () -> data.query(query("emb", "fox").setMode(SearchMode.SEARCH_MODE_KEYWORD).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "mode vector needs vector, or text with an embedding model: namespace 'docs' has none",
        () -> data.query(query("docs", "fox").setMode(SearchMode.SEARCH_MODE_VECTOR).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "text cannot be searched: namespace 'plain' has neither "
        + "text search nor an embedding model (set text or embedding when creating it)",
        () -> data.query(query("plain", "fox", 1, 0).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "text must not be blank",
        () -> data.query(query("docs", " ").build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "mode must be one of [vector, keyword, hybrid], got: 9",
        () -> data.query(query("docs", "fox").setModeValue(9).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "fusion.method must be one of [rrf, linear], got: 7",
        () -> data.query(query("docs", "fox").setFusion(Fusion.newBuilder().setMethodValue(7)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "fusion.window must be between k (10) and 10000, got: 5",
        () -> data.query(query("docs", "fox").setFusion(Fusion.newBuilder().setWindow(5)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "fusion.weights must not both be 0",
        () -> data.query(query("docs", "fox").setFusion(Fusion.newBuilder().setVectorWeight(0).setKeywordWeight(0)).build()));

    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "text of vector 'x' cannot be stored: namespace 'plain' has "
        + "neither text search nor an embedding model (set text or embedding when creating it)",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("plain").addVectors(record("x", "fox", 1, 0)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument",
        "values of vector 'x' are required: namespace 'docs' has no embedding model to embed its text",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("docs").addVectors(record("x", "fox")).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "text of vector 'x' must not be blank",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("docs").addVectors(record("x", "", 1, 0, 0)).build()));
    assertFailure(Code.INVALID_ARGUMENT, "invalid_argument", "values of vector 'x' must not be empty",
        () -> data.upsert(UpsertRequest.newBuilder().setNamespace("docs").addVectors(record("x", null)).build()));
  }

  @Test
  void namespaceWithAModelEmbedsTextsOfRecordsAndQueries() {
    create("emb", "english", MODEL);
    UpsertRequest upsert = UpsertRequest.newBuilder().setNamespace("emb")
        .addVectors(record("fox", "The quick brown fox jumps over the lazy dog"))
        .addVectors(record("cat", "A cat sleeps on the sofa"))
        .addVectors(record("rain", "Rain falls on the city at night"))
        .build();
    assertFailure(Code.UNAVAILABLE, "embedding_unavailable",
        "Embedding model all-minilm-l6-v2 is unavailable: this server runs no embedding models",
        () -> data.upsert(upsert));

    server.manager.embedder(new WordHashEmbedder());
    assertEquals(3, data.upsert(upsert).getUpserted());
    Vector cat = data.fetch(FetchRequest.newBuilder().setNamespace("emb").setId("cat").build()).getVector();
    assertEquals("A cat sleeps on the sofa", cat.getText());
    float[] stored = GrpcRequests.floats(cat.getValuesList());
    assertArrayEquals(WordHashEmbedder.vector(384, "A cat sleeps on the sofa"), stored, "the server embedded the text");

    List<QueryResult> hybrid = data.query(query("emb", "sleeping cat on a sofa").build()).getResultsList();
    assertEquals("cat", hybrid.get(0).getId(), "text alone, with text search and a model: hybrid");
    assertEquals(1, hybrid.get(0).getRanks().getVector());
    assertEquals(1, hybrid.get(0).getRanks().getKeyword());
    assertTrue(hybrid.get(0).hasDistance(), "the query text was embedded");

    QueryResult embedded = data.query(query("emb", "sleeping cat on a sofa").setMode(SearchMode.SEARCH_MODE_VECTOR)
        .setK(1).build()).getResults(0);
    assertEquals("cat", embedded.getId());
    assertFalse(embedded.getRanks().hasKeyword());
    float[] q = WordHashEmbedder.vector(384, "sleeping cat on a sofa");
    double dot = 0;
    for (int i = 0; i < q.length; i++) {
      dot += (double) q[i] * stored[i];
    }
    assertEquals(1 - dot, embedded.getDistance(), 1e-5, "cosine distance of the embedded query and record");
  }
}
