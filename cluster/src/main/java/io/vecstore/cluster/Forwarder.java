package io.vecstore.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Replays a REST request on the namespace's owner and returns its answer unchanged, with the
 * JDK HTTP client (HTTP/1.1, no proxy, no redirects, timeouts). Hop-by-hop headers (and those the
 * Connection header names) are dropped both ways, as are Host, Content-Length and Expect (the
 * client sets them); {@link #FORWARDED_BY} is added.
 *
 * <p>The receiver of a request carrying {@link #FORWARDED_BY} never forwards it again: it serves
 * it if it owns the namespace (after {@link Router#routeFresh} if its cached route disagrees),
 * else answers 503 {@code not_owner} with Retry-After. Forwards are counted per target node id
 * ({@link #forwardCounts()}, for the server's metrics).
 *
 * <p>Only live nodes' advertise URLs are targets: anything else is refused, so a request can
 * never be sent elsewhere by a forged route. Thread-safe. Owned and closed by {@link ClusterNode}.
 */
public final class Forwarder implements AutoCloseable {

  /** The header naming the node that forwarded a request. */
  public static final String FORWARDED_BY = "X-VecStore-Forwarded-By";

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
  // The JDK client sets these itself and refuses them from callers.
  private static final Set<String> CLIENT_SET = Set.of("host", "content-length", "expect");

  private final String selfId;
  private final Supplier<Collection<NodeInfo>> liveNodes;
  private final Duration timeout;
  private final ExecutorService executor;
  private final HttpClient client;
  private final Map<String, AtomicLong> forwards = new ConcurrentHashMap<>();

  Forwarder(String selfId, Supplier<Collection<NodeInfo>> liveNodes, Duration timeout) {
    this.selfId = selfId;
    this.liveNodes = liveNodes;
    this.timeout = timeout;
    this.executor = Executors.newCachedThreadPool(new NamedThreads("vecstore-cluster-" + selfId + "-forward"));
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(timeout)
        .executor(executor)
        .build();
  }

  /** Whether the request was already forwarded by a node (header names compared ignoring case). */
  public static boolean isForwarded(Map<String, List<String>> headers) {
    return headers.keySet().stream().anyMatch(FORWARDED_BY::equalsIgnoreCase);
  }

  /** Forwards to the owner a {@link Router} named. */
  public ForwardResponse forward(Route.Remote owner, ForwardRequest request) throws IOException, InterruptedException {
    return forward(owner.advertiseUrl(), request);
  }

  /**
   * Replays the request on {@code target} (a live node's advertise URL) and returns its answer.
   *
   * @throws IllegalArgumentException the target is not a live node's advertise URL, or is this node
   * @throws IllegalStateException the request was itself forwarded (it must not travel twice)
   * @throws IOException the owner could not be reached or did not answer in time
   */
  public ForwardResponse forward(URI target, ForwardRequest request) throws IOException, InterruptedException {
    NodeInfo node = liveNodeAt(target);
    if (isForwarded(request.headers())) {
      throw new IllegalStateException("request " + request.method() + " " + request.pathAndQuery()
          + " was already forwarded; it must be served where it is or refused");
    }
    String base = node.advertiseUrl().toString().replaceAll("/+$", "");
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.pathAndQuery()))
        .timeout(timeout)
        .method(request.method(), request.body().length == 0
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    Map<String, List<String>> headers = endToEnd(request.headers());
    headers.forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
    builder.header(FORWARDED_BY, selfId);
    forwards.computeIfAbsent(node.nodeId(), id -> new AtomicLong()).incrementAndGet();
    HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new ForwardResponse(response.statusCode(), endToEnd(response.headers().map()), response.body());
  }

  /** Forwards so far per target node id; live counters, safe to read from any thread. */
  public Map<String, AtomicLong> forwardCounts() {
    return Collections.unmodifiableMap(forwards);
  }

  private NodeInfo liveNodeAt(URI target) {
    for (NodeInfo node : liveNodes.get()) {
      if (sameOrigin(node.advertiseUrl(), target)) {
        if (node.nodeId().equals(selfId)) {
          throw new IllegalArgumentException("target " + target + " is this node (" + selfId + "): serve it locally");
        }
        return node;
      }
    }
    throw new IllegalArgumentException("target " + target + " is not the advertise URL of a live node");
  }

  private static boolean sameOrigin(URI a, URI b) {
    return b != null && b.getScheme() != null && b.getHost() != null
        && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static Map<String, List<String>> endToEnd(Map<String, List<String>> headers) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    drop.addAll(CLIENT_SET);
    drop.add(FORWARDED_BY.toLowerCase(Locale.ROOT));
    headers.forEach((name, values) -> {
      if (name.equalsIgnoreCase("connection")) {
        // Connection names further hop-by-hop headers of this hop.
        values.forEach(v -> List.of(v.split(",")).forEach(t -> drop.add(t.trim().toLowerCase(Locale.ROOT))));
      }
    });
    Map<String, List<String>> kept = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (!name.startsWith(":") && !drop.contains(name.toLowerCase(Locale.ROOT))) {
        kept.put(name, values);
      }
    });
    return kept;
  }

  /** Closes the HTTP client and its threads. Idempotent. */
  @Override
  public void close() {
    client.close();
    executor.shutdownNow();
  }
}
