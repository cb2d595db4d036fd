package io.vecstore.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.Quotas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Namespaces} over a running server's REST API with {@code java.net.http} and Jackson: each
 * guide call is one request to the route README.md's table gives it. Errors come back as the
 * server's JSON {@code {"error","code"}} with the HTTP status and {@code Retry-After}.
 *
 * <p>Thread-safety: safe for concurrent use (one shared {@link HttpClient}). Nothing to close but
 * the client.
 */
final class RestNamespaces implements Namespaces {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String adminKey;
  private final HttpClient client;

  /**
   * @param base the server's URL, e.g. {@code http://127.0.0.1:8080}
   * @param adminKey sent as {@code Authorization: Bearer}, or null for a server without keys
   */
  RestNamespaces(String base, String adminKey) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.adminKey = adminKey;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Override
  public String describe() {
    return "a running server over REST at " + base + " (java.net.http)";
  }

  /** Whether the server answers {@code GET /health}; false when nothing listens there. */
  boolean reachable() {
    try {
      return send("GET", "/health", null).statusCode() == 200;
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** Whether a namespace exists, without turning its absence into an error. */
  boolean exists(String id) {
    HttpResponse<String> r = send("GET", "/admin/namespaces/" + path(id), null);
    if (r.statusCode() == 404) {
      return false;
    }
    json(r);
    return true;
  }

  @Override
  public Namespace create(NewNamespace spec) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", spec.id());
    if (spec.name() != null) {
      body.put("name", spec.name());
    }
    if (!spec.metadata().isEmpty()) {
      body.set("metadata", JSON.valueToTree(spec.metadata()));
    }
    if (spec.tier() != null) {
      body.put("tier", spec.tier());
    }
    if (spec.quotas() != null) {
      body.set("quotas", JSON.valueToTree(spec.quotas()));
    }
    return namespace(json(send("POST", "/admin/namespaces", body)));
  }

  @Override
  public Namespace get(String id) {
    return namespace(json(send("GET", "/admin/namespaces/" + path(id), null)));
  }

  @Override
  public List<Namespace> list() {
    List<Namespace> all = new ArrayList<>();
    String cursor = null;
    do {
      String query = "?limit=1000" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonNode page = json(send("GET", "/admin/namespaces" + query, null));
      page.path("namespaces").forEach(n -> all.add(namespace(n)));
      cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
    } while (cursor != null);
    return all;
  }

  @Override
  public Namespace updateQuotas(String id, Map<String, Number> patch) {
    return namespace(json(send("PUT", "/admin/namespaces/" + path(id) + "/quotas", JSON.valueToTree(patch))));
  }

  @Override
  public Namespace overrideQuotas(String id, Map<String, Number> patch) {
    ObjectNode body = JSON.valueToTree(patch);
    body.put("override", true);
    return namespace(json(send("PUT", "/admin/namespaces/" + path(id) + "/quotas", body)));
  }

  @Override
  public Namespace changePlan(String id, String plan) {
    ObjectNode body = JSON.createObjectNode().put("plan", plan).put("reset_quotas", true);
    return namespace(json(send("PUT", "/admin/namespaces/" + path(id) + "/plan", body)));
  }

  @Override
  public Namespace updateStatus(String id, NamespaceStatus status) {
    ObjectNode body = JSON.createObjectNode().put("status", status.wireName());
    return namespace(json(send("PUT", "/admin/namespaces/" + path(id) + "/status", body)));
  }

  @Override
  public Stats stats(String id) {
    JsonNode s = json(send("GET", "/admin/namespaces/" + path(id) + "/stats", null));
    return new Stats(s.path("namespace_id").asText(), s.path("vector_count").asLong(), s.path("active_count").asLong(),
        s.path("deleted_count").asLong(), s.path("storage_bytes").asLong(), s.path("quota_utilization").asDouble(),
        s.path("total_requests").asLong(), s.path("total_queries").asLong(), s.path("total_upserts").asLong(),
        s.path("total_deletes").asLong(), NamespaceStatus.parse(s.path("status").asText()));
  }

  @Override
  public Aggregate aggregateStats() {
    JsonNode a = json(send("GET", "/admin/stats", null));
    return new Aggregate(a.path("total_namespaces").asLong(), a.path("active_namespaces").asLong(),
        a.path("total_vectors").asLong(), a.path("total_requests").asLong(), a.path("total_storage_bytes").asLong());
  }

  @Override
  public void delete(String id) {
    json(send("DELETE", "/admin/namespaces/" + path(id), null));
  }

  @Override
  public long upsert(String namespace, List<Vector> batch) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode vectors = body.putArray("vectors");
    for (Vector v : batch) {
      ObjectNode n = vectors.addObject().put("id", v.id());
      ArrayNode values = n.putArray("values");
      for (float f : v.values()) {
        values.add(f);
      }
      if (!v.metadata().isEmpty()) {
        n.set("metadata", JSON.valueToTree(v.metadata()));
      }
    }
    return json(send("POST", "/v1/namespaces/" + path(namespace) + "/vectors", body)).path("upserted").asLong();
  }

  @Override
  public List<Hit> query(String namespace, Query query) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode vector = body.putArray("vector");
    for (float f : query.vector()) {
      vector.add(f);
    }
    body.put("k", query.k());
    if (query.filter() != null) {
      body.put("filter", query.filter());
    }
    List<Hit> hits = new ArrayList<>();
    for (JsonNode h : json(send("POST", "/v1/namespaces/" + path(namespace) + "/query", body)).path("results")) {
      JsonNode metadata = h.path("metadata");
      hits.add(new Hit(h.path("id").asText(), h.path("distance").asDouble(), h.path("score").asDouble(),
          metadata.isObject() ? metadata : null));
    }
    return hits;
  }

  @Override
  public void deleteVector(String namespace, String vectorId) {
    json(send("DELETE", "/v1/namespaces/" + path(namespace) + "/vectors/" + path(vectorId), null));
  }

  @Override
  public Optional<String> metricsText() {
    HttpResponse<String> r = send("GET", "/metrics", null);
    if (r.statusCode() != 200) {
      json(r); // throws the server's error
    }
    return Optional.of(r.body());
  }

  @Override
  public Optional<Integer> restart() {
    return Optional.empty();
  }

  @Override
  public void close() {
    client.close();
  }

  private HttpResponse<String> send(String method, String path, JsonNode body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    if (adminKey != null) {
      b.header("Authorization", "Bearer " + adminKey);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + base + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  /** The body of a 2xx answer; any other answer becomes the server's error. */
  private static JsonNode json(HttpResponse<String> r) {
    JsonNode n;
    try {
      n = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ApiException(r.statusCode(), "not_json", "answer is not JSON: " + r.body(), 0);
    }
    if (r.statusCode() / 100 != 2) {
      long retryAfter = r.headers().firstValueAsLong("Retry-After").orElse(0);
      throw new ApiException(r.statusCode(), n.path("code").asText("?"), n.path("error").asText(r.body()), retryAfter);
    }
    return n;
  }

  private static Namespace namespace(JsonNode n) {
    Map<String, String> metadata = new LinkedHashMap<>();
    n.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    return new Namespace(n.path("id").asText(), n.path("name").asText(), metadata, quotas(n.path("quotas")),
        NamespaceStatus.parse(n.path("status").asText()), n.path("vector_count").asLong(),
        n.path("storage_bytes").asLong(), n.path("quota_utilization").asDouble(), n.path("is_near_quota").asBoolean());
  }

  /** The quotas object; null fields are unlimited. */
  private static Quotas quotas(JsonNode q) {
    return new Quotas(
        q.path("max_vectors").isNumber() ? q.path("max_vectors").asLong() : null,
        q.path("max_storage_bytes").isNumber() ? q.path("max_storage_bytes").asLong() : null,
        q.path("max_requests_per_second").isNumber() ? q.path("max_requests_per_second").asDouble() : null,
        q.path("max_concurrent_queries").isNumber() ? q.path("max_concurrent_queries").asInt() : null,
        q.path("max_dimension").isNumber() ? q.path("max_dimension").asInt() : null,
        q.path("max_results_per_query").isNumber() ? q.path("max_results_per_query").asInt() : null,
        q.path("max_batch_size").isNumber() ? q.path("max_batch_size").asInt() : null);
  }

  /** One path segment, percent-encoded (a vector id may hold {@code /}). */
  private static String path(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
