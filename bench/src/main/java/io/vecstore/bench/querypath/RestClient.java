package io.vecstore.bench.querypath;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.bench.BenchHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The bench's own calls to the server process over loopback HTTP: creating namespaces, ingest,
 * the non-timed recall pass and segment counts, over {@link BenchHttp} (I/O on the calling thread,
 * no retries). Only documented REST routes and the documented snapshot layout are used.
 *
 * <p>Thread-safety: safe from many threads. The caller closes it.
 */
final class RestClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchHttp http;

  /** A client of the server at {@code port} whose data directory is {@code dataDir}. */
  RestClient(int port, Path dataDir) {
    this.http = new BenchHttp(port, dataDir, 4);
  }

  /** Waits until {@code GET /ready} answers 200, at most {@code seconds}. */
  void awaitReady(int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      int status = http.status("/ready");
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
    http.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"tier\":\"unlimited\",\"metric\":\"cosine\"}");
  }

  /** Sends one upsert body (see {@link Bodies#upsert}). */
  void upsert(String namespace, byte[] body) throws IOException {
    http.post("/v1/namespaces/" + namespace + "/vectors", body);
  }

  /** The reply of one query body (see {@link Bodies#query}). */
  String query(String namespace, String body) throws IOException {
    return http.post("/v1/namespaces/" + namespace + "/query", body);
  }

  /** The namespace's {@code vector_count} from its stats. */
  long vectorCount(String namespace) throws IOException {
    return JSON.readTree(http.get("/admin/namespaces/" + namespace + "/stats")).path("vector_count").asLong(-1);
  }

  /** The namespace's segments now (see {@link BenchHttp#segments}). */
  int segments(String namespace) throws IOException {
    return http.segments(namespace);
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

  @Override
  public void close() throws IOException {
    http.close();
  }
}
