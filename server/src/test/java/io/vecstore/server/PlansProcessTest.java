package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.testdata.Seeded;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plans file and the audit trail in a real server process: a bad plans file stops it at
 * start with the plan, field and value; events, a grown quota and an override survive kill -9.
 */
@ExtendWith(Seeded.class)
class PlansProcessTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode ok(String base, String method, String path, String body) throws Exception {
    HttpResponse<String> r = send(base, method, path, body);
    assertTrue(r.statusCode() / 100 == 2, method + " " + path + " -> " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void aPlansFileWithACeilingBelowItsQuotaStopsTheServerAtStart() throws Exception {
    Path plans = dir.resolve("plans.json");
    Files.writeString(plans, "{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":10000},\"ceilings\":{\"max_vectors\":5000}}}}");
    try (ServerProcess p = ServerProcess.start(dir.resolve("data"), "--plans", plans.toString())) {
      assertEquals(2, p.awaitExit(START));
      assertTrue(p.log().contains("--plans " + plans + ": plan starter: ceilings.max_vectors must be at least the plan's own "
          + "max_vectors (10000), got: 5000"), p.log());
    }
    assertTrue(!Files.exists(dir.resolve("data")), "nothing was started");
  }

  @Test
  void eventsAndGrownQuotasSurviveKillNine(Random random) throws Exception {
    Path plans = dir.resolve("plans.json");
    Files.writeString(plans, """
        {"plans": {"metered": {"quotas": {"max_vectors": 20}, "ceilings": {"max_vectors": 40},
                               "quota_policy": {"auto_grow": {"quota": "max_vectors", "factor": 1.5}}}}}""");
    Path data = dir.resolve("data");
    List<String> before = new ArrayList<>();
    try (ServerProcess p = ServerProcess.start(data, "--plans", plans.toString())) {
      String base = p.awaitBase(START);
      ok(base, "POST", "/admin/namespaces", "{\"id\":\"k\",\"plan\":\"metered\",\"dimension\":2}");
      ok(base, "POST", "/admin/namespaces", "{\"id\":\"f\",\"tier\":\"free\"}");
      ok(base, "PUT", "/admin/namespaces/f/quotas", "{\"max_vectors\":10001,\"override\":true}");
      int changes = 3 + random.nextInt(5);
      for (int i = 0; i < changes; i++) {
        ok(base, "PUT", "/admin/namespaces/k/status", "{\"status\":\"" + (i % 2 == 0 ? "read_only" : "active") + "\"}");
      }
      ok(base, "PUT", "/admin/namespaces/k/status", "{\"status\":\"active\"}");
      for (int i = 0; i < 18; i++) { // the 18th of 20 is above 0.85
        ok(base, "POST", "/v1/namespaces/k/vectors", "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[1," + i + "]}]}");
      }
      assertEquals(30, ok(base, "GET", "/admin/namespaces/k", null).at("/quotas/max_vectors").asLong());
      ok(base, "GET", "/admin/namespaces/k/events?limit=1000", null).get("events").forEach(e -> before.add(e.toString()));
      assertEquals("policy", JSON.readTree(before.getFirst()).get("actor").asText());
      p.kill9();
    }
    try (ServerProcess p = ServerProcess.start(data, "--plans", plans.toString())) {
      String base = p.awaitBase(START);
      List<String> after = new ArrayList<>();
      ok(base, "GET", "/admin/namespaces/k/events?limit=1000", null).get("events").forEach(e -> after.add(e.toString()));
      assertEquals(before, after);
      JsonNode k = ok(base, "GET", "/admin/namespaces/k", null);
      assertEquals(30, k.at("/quotas/max_vectors").asLong());
      assertEquals(18, k.get("vector_count").asLong());
      JsonNode override = ok(base, "GET", "/admin/namespaces/f/events?limit=1", null).at("/events/0");
      assertTrue(override.get("override").asBoolean());
      assertEquals(10001, ok(base, "GET", "/admin/namespaces/f", null).at("/quotas/max_vectors").asLong());
      assertEquals(List.of("free", "pro", "unlimited", "metered"),
          ok(base, "GET", "/admin/plans", null).get("plans").findValuesAsText("name"));
      assertEquals(0, p.terminate(Duration.ofSeconds(30)));
    }
  }
}
