package io.vecstore.bench.querypath;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;

/**
 * The bench's own calls to the server process over loopback HTTP: creating namespaces, ingest,
 * the non-timed recall pass and segment counts. Apache HttpClient 5's classic client does the I/O
 * on the calling thread (no hand-offs to charge to the shared cores), over one keep-alive
 * connection, without retries (a failure is a result). Only documented REST routes and the
 * documented disk layout of snapshots ({@code <data>/<id>/snapshots/<name>/index/}) are used.
 *
 * <p>Thread-safety: safe from many threads. The caller closes it.
 */
final class RestClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SNAPSHOT = "bench-segments";

  private final String base;
  private final Path dataDir;
  private final CloseableHttpClient client;

  /** A client of the server at {@code port} whose data directory is {@code dataDir}. */
  RestClient(int port, Path dataDir) {
    this.base = "http://127.0.0.1:" + port;
    this.dataDir = dataDir;
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnPerRoute(4).setMaxConnTotal(4).build())
        .disableAutomaticRetries()
        .disableContentCompression()
        .build();
  }

  /** Waits until {@code GET /ready} answers 200, at most {@code seconds}. */
  void awaitReady(int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      int status = client.execute(new HttpGet(base + "/ready"), r -> {
        EntityUtils.consume(r.getEntity());
        return r.getCode();
      });
      if (status == 200) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("GET /ready still answers " + status + " after " + seconds + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Creates a cosine namespace of the unlimited tier (no rate limit or query slots to hit at thousands of queries/s). */
  void createNamespace(String id) throws IOException {
    post("/admin/namespaces", "{\"id\":\"" + id + "\",\"tier\":\"unlimited\",\"metric\":\"cosine\"}");
  }

  /** Sends one upsert body (see {@link Bodies#upsert}). */
  void upsert(String namespace, byte[] body) throws IOException {
    HttpPost post = new HttpPost(base + "/v1/namespaces/" + namespace + "/vectors");
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    send(post);
  }

  /** The reply of one query body (see {@link Bodies#query}). */
  String query(String namespace, String body) throws IOException {
    return post("/v1/namespaces/" + namespace + "/query", body);
  }

  /** The namespace's {@code vector_count} from its stats. */
  long vectorCount(String namespace) throws IOException {
    return JSON.readTree(send(new HttpGet(base + "/admin/namespaces/" + namespace + "/stats"))).path("vector_count").asLong(-1);
  }

  /**
   * The namespace's segments now: a snapshot (which commits every acknowledged write first) read
   * with Lucene's SegmentInfos as any Lucene tool would, then deleted.
   */
  int segments(String namespace) throws IOException {
    String path = "/admin/namespaces/" + namespace + "/snapshots";
    post(path, "{\"name\":\"" + SNAPSHOT + "\"}");
    try (FSDirectory dir = FSDirectory.open(dataDir.resolve(namespace).resolve("snapshots").resolve(SNAPSHOT).resolve("index"))) {
      return SegmentInfos.readLatestCommit(dir).size();
    } finally {
      send(new HttpDelete(base + path + "/" + SNAPSHOT));
    }
  }

  /**
   * Waits until the namespace is one segment (the server merges a write-idle namespace into one
   * about 10 s after its last write), polling every {@code pollSeconds}; fails after
   * {@code timeoutSeconds} naming the count it saw. Returns the seconds waited.
   */
  double awaitOneSegment(String namespace, int timeoutSeconds, int pollSeconds) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + timeoutSeconds * 1_000_000_000L;
    int segments;
    while ((segments = segments(namespace)) != 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "namespace %s still has %d segments %d s after its last write: the server did not merge it into one "
                + "(write-idle merge: README 'Many namespaces'); raise --merge-timeout or look at server.log",
            namespace, segments, timeoutSeconds));
      }
      Thread.sleep(pollSeconds * 1000L);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private String post(String path, String body) throws IOException {
    HttpPost post = new HttpPost(base + path);
    post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
    return send(post);
  }

  private String send(ClassicHttpRequest request) throws IOException {
    return client.execute(request, r -> {
      String body = r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity());
      if (r.getCode() < 200 || r.getCode() >= 300) {
        throw new IllegalStateException(request.getMethod() + " " + request.getPath() + " -> " + r.getCode() + " " + body);
      }
      return body;
    });
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
