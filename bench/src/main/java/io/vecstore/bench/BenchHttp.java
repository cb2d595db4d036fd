package io.vecstore.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;

/**
 * The benchmarks' own HTTP calls to a server on loopback. Apache HttpClient 5's classic client does
 * the I/O on the calling thread (the JDK client's thread hand-offs cost ~0.3–0.6 ms of the shared
 * cores per request, measured, which would be charged to VecStore), over keep-alive connections,
 * without retries or compression: a failure is a result. Any answer outside 2xx throws, naming the
 * request, the status and the body.
 *
 * <p>Thread-safety: safe from many threads (at most {@code connections} at once on the wire). The
 * caller closes it.
 */
public final class BenchHttp implements AutoCloseable {

  private static final String SEGMENTS_SNAPSHOT = "bench-segments";

  private final String base;
  private final Path dataDir;
  private final CloseableHttpClient client;

  /** A client of the server at {@code 127.0.0.1:port} whose data directory is {@code dataDir}. */
  public BenchHttp(int port, Path dataDir, int connections) {
    this.base = "http://127.0.0.1:" + port;
    this.dataDir = dataDir;
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(connections).setMaxConnTotal(connections).build())
        .disableAutomaticRetries()
        .disableContentCompression()
        .build();
  }

  /** The status of {@code GET path}, whatever it is (for readiness polls). */
  public int status(String path) throws IOException {
    return client.execute(new HttpGet(base + path), r -> {
      EntityUtils.consume(r.getEntity());
      return r.getCode();
    });
  }

  public String get(String path) throws IOException {
    return send(new HttpGet(base + path));
  }

  public String post(String path, String json) throws IOException {
    return post(path, new StringEntity(json, ContentType.APPLICATION_JSON));
  }

  public String post(String path, byte[] json) throws IOException {
    return post(path, new ByteArrayEntity(json, ContentType.APPLICATION_JSON));
  }

  public String delete(String path) throws IOException {
    return send(new HttpDelete(base + path));
  }

  /**
   * The namespace's segments now: a snapshot (which commits every acknowledged write first) read
   * with Lucene's SegmentInfos from the documented layout ({@code <data>/<id>/snapshots/<name>/index/})
   * as any Lucene tool would, then deleted. HNSW search cost grows with the segment count.
   */
  public int segments(String namespace) throws IOException {
    String snapshots = "/admin/namespaces/" + namespace + "/snapshots";
    post(snapshots, "{\"name\":\"" + SEGMENTS_SNAPSHOT + "\"}");
    Path index = dataDir.resolve(namespace).resolve("snapshots").resolve(SEGMENTS_SNAPSHOT).resolve("index");
    try (FSDirectory dir = FSDirectory.open(index)) {
      return SegmentInfos.readLatestCommit(dir).size();
    } finally {
      delete(snapshots + "/" + SEGMENTS_SNAPSHOT);
    }
  }

  private String post(String path, HttpEntity entity) throws IOException {
    HttpPost post = new HttpPost(base + path);
    post.setEntity(entity);
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
