package io.vecstore.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's HTTP client of the other nodes' internal and admin routes (moves, cluster-wide
 * listings), with the admin key, every node's own, as a bearer token. HTTP/1.1, no proxy, no
 * redirects; only ever sent to live nodes' advertised URLs.
 *
 * <p>Thread-safe. Closed by {@link ClusterRuntime}.
 */
final class NodeClient implements AutoCloseable {

  private final String adminKey;
  private final ExecutorService executor;
  private final HttpClient client;

  NodeClient(String nodeId, String adminKey) {
    this.adminKey = adminKey;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "vecstore-cluster-" + nodeId + "-client-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5))
        .executor(executor)
        .build();
  }

  /** A request to {@code base + path} (path raw, starting with '/'), with the admin key. */
  HttpRequest.Builder request(URI base, String path, Duration timeout) {
    String root = base.toString().replaceAll("/+$", "");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(timeout);
    if (adminKey != null) {
      b.header("Authorization", "Bearer " + adminKey);
    }
    return b;
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    client.close();
    executor.shutdownNow();
  }
}
