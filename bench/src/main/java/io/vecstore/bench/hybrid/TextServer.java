package io.vecstore.bench.hybrid;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.vecstore.bench.BenchHttp;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.wal.Durability;
import io.vecstore.http.App;
import io.vecstore.http.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real VecStore server in this JVM on a loopback port (NamespaceManager + Javalin app, default
 * configuration, durability {@code request}), embedding texts with the given embedder as the
 * server's {@code Main} does with its own, and this bench's HTTP calls to it. Bodies are built
 * with a StringBuilder; the client ({@link BenchHttp}) does its I/O on the calling thread.
 *
 * <p>Thread-safety: every method may be called from many threads. The caller closes it (which
 * stops the server; the embedder stays the caller's).
 */
final class TextServer implements AutoCloseable {

  /** The embedding model of every namespace of this bench. */
  static final EmbeddingModel MODEL = EmbeddingModel.ALL_MINILM_L6_V2;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private final Path dataDir;
  private final NamespaceManager manager;
  private final Javalin app;
  private final BenchHttp http;

  TextServer(Path dataDir, Embedder embedder) throws IOException {
    this.dataDir = dataDir;
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dataDir, ServerConfig.DEFAULT_MAX_BODY_BYTES, Durability.REQUEST,
        Duration.ofMillis(100), null, false, Duration.ofDays(7));
    this.manager = new NamespaceManager(config.managerConfig());
    manager.embedder(embedder);
    this.app = App.create(config, manager).start("127.0.0.1", 0);
    this.http = new BenchHttp(app.port(), dataDir, 4);
  }

  int port() {
    return app.port();
  }

  /** The server's manager, for in-process queries (the same namespaces the HTTP routes serve). */
  NamespaceManager manager() {
    return manager;
  }

  /** Creates an unlimited-tier cosine namespace with a full-text field and the embedding model. */
  void create(String namespace, TextAnalyzer analyzer) throws IOException {
    http.post("/admin/namespaces", "{\"id\":\"" + namespace + "\",\"tier\":\"unlimited\",\"metric\":\"cosine\","
        + "\"text\":{\"analyzer\":\"" + analyzer.wireName() + "\"},\"embedding\":{\"model\":\"" + MODEL.wireName() + "\"}}");
  }

  void delete(String namespace) throws IOException {
    http.delete("/admin/namespaces/" + namespace);
  }

  /** Upserts the documents as text-only records (the server embeds them), in one request. */
  void upsertTexts(String namespace, List<JudgedSet.Doc> docs) throws IOException {
    postUpsert(namespace, upsertBody(docs, null));
  }

  /** Sends an upsert body built by {@link #upsertBody}. */
  void postUpsert(String namespace, String body) throws IOException {
    http.post("/v1/namespaces/" + namespace + "/vectors", body);
  }

  /** Upserts the documents with their vectors (nothing to embed), in one request. */
  void upsert(String namespace, List<JudgedSet.Doc> docs, float[][] vectors) throws IOException {
    http.post("/v1/namespaces/" + namespace + "/vectors", upsertBody(docs, vectors));
  }

  /** {@code {"vectors":[{"id":…,"text":…}, …]}}, with {@code "values"} when vectors are given. */
  static String upsertBody(List<JudgedSet.Doc> docs, float[][] vectors) {
    StringBuilder b = new StringBuilder(docs.size() * (vectors == null ? 160 : 4800));
    b.append("{\"vectors\":[");
    for (int i = 0; i < docs.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      JudgedSet.Doc d = docs.get(i);
      b.append("{\"id\":\"").append(ENCODER.quoteAsString(d.id())).append("\",\"text\":\"")
          .append(ENCODER.quoteAsString(d.text())).append('"');
      if (vectors != null) {
        b.append(",\"values\":");
        appendVector(b, vectors[i]);
      }
      b.append('}');
    }
    return b.append("]}").toString();
  }

  /** A JSON query body: text and/or vector, a mode, k. */
  static String queryBody(String text, float[] vector, String mode, int k) {
    StringBuilder b = new StringBuilder(vector == null ? 200 : 4800);
    b.append('{');
    if (text != null) {
      b.append("\"text\":\"").append(ENCODER.quoteAsString(text)).append("\",");
    }
    if (vector != null) {
      b.append("\"vector\":");
      appendVector(b, vector);
      b.append(',');
    }
    return b.append("\"mode\":\"").append(mode).append("\",\"k\":").append(k).append('}').toString();
  }

  /** The ids of the results of a query sent over HTTP, in order. */
  List<String> query(String namespace, String body) throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode hit : JSON.readTree(http.post("/v1/namespaces/" + namespace + "/query", body)).get("results")) {
      ids.add(hit.get("id").asText());
    }
    return ids;
  }

  JsonNode stats(String namespace) throws IOException {
    return JSON.readTree(http.get("/admin/namespaces/" + namespace + "/stats"));
  }

  /** The namespace's segments now (a snapshot read with Lucene's SegmentInfos; see {@link BenchHttp#segments}). */
  int segments(String namespace) throws IOException {
    return http.segments(namespace);
  }

  private static void appendVector(StringBuilder b, float[] v) {
    b.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(v[i]);
    }
    b.append(']');
  }

  @Override
  public void close() throws IOException {
    app.stop();
    manager.close();
    http.close();
  }
}
