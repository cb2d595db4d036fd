package io.vecstore.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.vecstore.bench.BenchHttp;
import io.vecstore.bench.dataset.Dataset;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.wal.Durability;
import io.vecstore.http.App;
import io.vecstore.http.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real VecStore server (NamespaceManager + Javalin app, default configuration, durability
 * {@code request}) in this JVM on a loopback port, and the HTTP client calls the scenarios make.
 * The client builds request bodies with a StringBuilder (no JSON tree, no boxed floats) and sends
 * them with {@link BenchHttp} (I/O on the calling thread: client and server share the machine's
 * cores). A production client runs elsewhere.
 *
 * <p>Thread-safety: every method may be called from many threads. The caller closes it; closing
 * stops the server and deletes its data directory.
 */
final class VecStoreServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dataDir;
  private final NamespaceManager manager;
  private final Javalin app;
  private final BenchHttp http;

  VecStoreServer(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    ServerConfig config = new ServerConfig("127.0.0.1", 0, dataDir, ServerConfig.DEFAULT_MAX_BODY_BYTES, Durability.REQUEST,
        Duration.ofMillis(100), null, false, Duration.ofDays(7));
    this.manager = new NamespaceManager(config.managerConfig());
    this.app = App.create(config, manager).start("127.0.0.1", 0);
    // One keep-alive connection per client thread (at most a few).
    this.http = new BenchHttp(app.port(), dataDir, 16);
  }

  /** Creates an unlimited-tier cosine namespace with this quantization. */
  void create(String namespace, Quantization quantization) throws IOException {
    post("/admin/namespaces", "{\"id\":\"" + namespace + "\",\"tier\":\"unlimited\",\"metric\":\"cosine\",\"quantization\":\""
        + quantization.wireName() + "\"}");
  }

  void delete(String namespace) throws IOException {
    http.delete("/admin/namespaces/" + namespace);
  }

  JsonNode stats(String namespace) throws IOException {
    return JSON.readTree(http.get("/admin/namespaces/" + namespace + "/stats"));
  }

  /**
   * Upserts every base vector (id = its index, metadata {@code {"category": …}}) in batches of
   * {@code batch} from {@code threads} client threads; returns the seconds until the last reply.
   */
  double ingest(String namespace, Dataset data, int batch, int threads) throws Exception {
    String path = "/v1/namespaces/" + namespace + "/vectors";
    int batches = (data.base().length + batch - 1) / batch;
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofPlatform().name("bench-ingest-" + t).start(() -> {
        try {
          for (int b = next.getAndIncrement(); b < batches && error.get() == null; b = next.getAndIncrement()) {
            post(path, upsertBody(data, b * batch, Math.min(data.base().length, (b + 1) * batch)));
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    if (error.get() != null) {
      throw new IllegalStateException("ingest into " + namespace + " failed", error.get());
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static String upsertBody(Dataset data, int from, int to) {
    StringBuilder b = new StringBuilder((to - from) * (data.dimension() * 12 + 64));
    b.append("{\"vectors\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        b.append(',');
      }
      b.append("{\"id\":\"").append(i).append("\",\"values\":");
      appendVector(b, data.base()[i]);
      b.append(",\"metadata\":{\"category\":\"").append(data.categories()[i]).append("\"}}");
    }
    return b.append("]}").toString();
  }

  static void appendVector(StringBuilder b, float[] v) {
    b.append('[');
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(v[i]); // Float.toString: shortest text that reads back as the same float
    }
    b.append(']');
  }

  /**
   * Waits until the namespace holds {@code count} vectors and its storage_bytes has not changed
   * for {@code stableSeconds} (background flushes, merges and the deletion of merged-away files,
   * which waits for the next commit, are done), at most {@code maxSeconds}; returns the last
   * storage_bytes.
   */
  long settle(String namespace, int count, double stableSeconds, int maxSeconds) throws IOException, InterruptedException {
    long last = -1;
    int stable = 0;
    int needed = (int) Math.ceil(stableSeconds * 4);
    for (int i = 0; i < maxSeconds * 4 && stable < needed; i++) {
      Thread.sleep(250);
      JsonNode st = stats(namespace);
      long bytes = st.path("storage_bytes").asLong(-1);
      boolean complete = st.path("vector_count").asLong() == count;
      stable = complete && bytes == last ? stable + 1 : 0;
      last = bytes;
    }
    return last;
  }

  /** The namespace's segments now (see {@link BenchHttp#segments}). */
  int segments(String namespace) throws IOException {
    return http.segments(namespace);
  }

  /**
   * Waits until the namespace is one segment, at most {@code maxSeconds}; returns whether it got
   * there (an index over the server's write-idle merge limit stays as Lucene merged it).
   */
  boolean awaitOneSegment(String namespace, int maxSeconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (segments(namespace) == 1) {
        return true;
      }
      Thread.sleep(2000);
    }
    System.out.printf(java.util.Locale.ROOT, "namespace %s still has %d segments after %d s%n", namespace, segments(namespace), maxSeconds);
    return false;
  }

  String post(String path, String body) throws IOException {
    return http.post(path, body);
  }

  @Override
  public void close() throws IOException {
    app.stop();
    manager.close();
    http.close();
    BenchContext.deleteTree(dataDir);
  }
}
