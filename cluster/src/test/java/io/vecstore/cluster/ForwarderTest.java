package io.vecstore.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForwarderTest {

  private HttpServer owner;
  private final List<HttpExchangeRecord> received = new CopyOnWriteArrayList<>();
  private final List<NodeInfo> live = new CopyOnWriteArrayList<>();
  private Forwarder forwarder;
  private URI ownerUrl;

  record HttpExchangeRecord(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {}

  @BeforeEach
  void startOwner() throws IOException {
    owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    owner.createContext("/", this::answer);
    owner.start();
    ownerUrl = URI.create("http://127.0.0.1:" + owner.getAddress().getPort());
    live.add(node("self", URI.create("http://127.0.0.1:1")));
    live.add(node("owner", ownerUrl));
    forwarder = new Forwarder("self", () -> live, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    forwarder.close();
    owner.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    URI uri = exchange.getRequestURI();
    received.add(new HttpExchangeRecord(exchange.getRequestMethod(),
        uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
        new LinkedHashMap<>(exchange.getRequestHeaders()), body));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Request-Id", "r-1");
    exchange.getResponseHeaders().add("Vary", "Accept");
    exchange.getResponseHeaders().add("Vary", "Origin");
    exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
    byte[] answer = ("{\"code\":\"quota_exceeded\",\"got\":" + body.length + "}").getBytes();
    exchange.sendResponseHeaders(429, answer.length);
    exchange.getResponseBody().write(answer);
    exchange.close();
  }

  @Test
  void replaysTheRequestAndReturnsTheAnswerUnchanged() throws Exception {
    byte[] body = new byte[300];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Authorization", List.of("Bearer k1"));
    headers.put("Content-Type", List.of("application/octet-stream"));
    headers.put("X-Multi", List.of("one", "two"));
    headers.put("Via", List.of("1.1 front"));
    headers.put("Date", List.of("Sun, 06 Dec 2026 02:00:00 GMT"));
    headers.put("Connection", List.of("keep-alive, X-Hop"));
    headers.put("X-Hop", List.of("only for this hop"));
    headers.put("Keep-Alive", List.of("timeout=5"));
    headers.put("TE", List.of("trailers"));
    headers.put("Proxy-Authorization", List.of("Basic eA=="));
    headers.put("Host", List.of("front.example"));
    headers.put("Content-Length", List.of("300"));
    ForwardRequest request = new ForwardRequest("POST", "/v1/namespaces/a.b/upsert?x=1&y=%20z", headers, body);

    ForwardResponse response = forwarder.forward(new Route.Remote("owner", ownerUrl, null), request);

    assertEquals(429, response.status());
    assertEquals("{\"code\":\"quota_exceeded\",\"got\":300}", new String(response.body()));
    assertEquals("application/json", response.header("content-type"));
    assertEquals("r-1", response.header("X-Request-Id"));
    assertEquals(List.of("Accept", "Origin"), values(response.headers(), "Vary"));
    assertNull(response.header("Keep-Alive"), "hop-by-hop answer headers are dropped");
    assertNull(response.header("Content-Length"), "the server sets the length from the body");

    HttpExchangeRecord got = received.get(0);
    assertEquals("POST", got.method());
    assertEquals("/v1/namespaces/a.b/upsert?x=1&y=%20z", got.rawPathAndQuery());
    assertArrayEquals(body, got.body());
    assertEquals(List.of("Bearer k1"), values(got.headers(), "Authorization"));
    assertEquals(List.of("one", "two"), values(got.headers(), "X-Multi"));
    assertEquals(List.of("self"), values(got.headers(), Forwarder.FORWARDED_BY));
    assertEquals(List.of("1.1 front"), values(got.headers(), "Via"));
    assertEquals(List.of("Sun, 06 Dec 2026 02:00:00 GMT"), values(got.headers(), "Date"));
    for (String dropped : List.of("X-Hop", "Keep-Alive", "TE", "Proxy-Authorization")) {
      assertEquals(List.of(), values(got.headers(), dropped), dropped + " must not be forwarded");
    }
    assertEquals(List.of("127.0.0.1:" + owner.getAddress().getPort()), values(got.headers(), "Host"));
    assertEquals(1L, forwarder.forwardCounts().get("owner").get());
  }

  @Test
  void forwardsAGetWithoutBody() throws Exception {
    ForwardResponse response = forwarder.forward(ownerUrl.resolve("/x/"),
        new ForwardRequest("GET", "/v1/namespaces?cursor=abc", Map.of(), null));
    assertEquals(429, response.status());
    assertEquals("GET", received.get(0).method());
    assertEquals(0, received.get(0).body().length);
  }

  @Test
  void refusesTargetsThatAreNotLiveNodes() {
    ForwardRequest request = new ForwardRequest("GET", "/v1/namespaces", Map.of(), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> forwarder.forward(URI.create("http://127.0.0.9:8080"), request));
    assertEquals("target http://127.0.0.9:8080 is not the advertise URL of a live node", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> forwarder.forward(URI.create("https://127.0.0.1:" + owner.getAddress().getPort()), request));
    e = assertThrows(IllegalArgumentException.class, () -> forwarder.forward(URI.create("http://127.0.0.1:1"), request));
    assertEquals("target http://127.0.0.1:1 is this node (self): serve it locally", e.getMessage());
    live.removeIf(n -> n.nodeId().equals("owner"));
    assertThrows(IllegalArgumentException.class, () -> forwarder.forward(ownerUrl, request));
    assertTrue(received.isEmpty());
    assertTrue(forwarder.forwardCounts().isEmpty());
  }

  @Test
  void neverForwardsAForwardedRequestAgain() {
    ForwardRequest request = new ForwardRequest("GET", "/v1/namespaces",
        Map.of("x-vecstore-forwarded-by", List.of("other")), null);
    assertTrue(Forwarder.isForwarded(request.headers()));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> forwarder.forward(ownerUrl, request));
    assertEquals("request GET /v1/namespaces was already forwarded; it must be served where it is or refused",
        e.getMessage());
    assertTrue(received.isEmpty());
  }

  @Test
  void rejectsMalformedRequests() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ForwardRequest("GET", "//evil.example/x", Map.of(), null));
    assertEquals("pathAndQuery must be a raw absolute path with optional query, got: '//evil.example/x'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ForwardRequest("get", "/x", Map.of(), null));
  }

  private static List<String> values(Map<String, List<String>> headers, String name) {
    List<String> values = new ArrayList<>();
    headers.forEach((key, list) -> {
      if (key.equalsIgnoreCase(name)) {
        values.addAll(list);
      }
    });
    return values;
  }

  private static NodeInfo node(String id, URI url) {
    return new NodeInfo(id, url, null, Load.EMPTY, Instant.EPOCH, false);
  }
}
