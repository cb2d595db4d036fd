package io.vecstore.server;

import io.vecstore.http.TestServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken namespace is reported and fenced off; the server and every other namespace keep working. */
class IsolationTest {

  @TempDir Path dataDir;

  private static void fill(TestServer server, String id) {
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}").status());
    assertEquals(200, server.post("/v1/namespaces/" + id + "/vectors",
        "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2]},{\"id\":\"b\",\"values\":[2,1]}]}").status());
  }

  @Test
  void corruptNamespacesDoNotStopTheServerOrTheOthers() throws Exception {
    try (TestServer server = TestServer.start(dataDir)) {
      fill(server, "good");
      fill(server, "bad-json");
      fill(server, "bad-index");
    }
    Files.writeString(dataDir.resolve("bad-json/namespace.json"), "{\"id\": \"bad-json\", \"na");
    try (Stream<Path> files = Files.list(dataDir.resolve("bad-index/index"))) {
      for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
        Files.write(f, new byte[] {0x42, 0x42, 0x42}); // every index file garbage
      }
    }

    try (TestServer server = TestServer.start(dataDir)) {
      assertEquals(200, server.get("/ready").status());
      assertEquals(200, server.post("/v1/namespaces/good/query", "{\"vector\":[1,2],\"k\":2}").status());
      assertEquals(2, server.get("/admin/namespaces/good/stats").json().get("vector_count").asInt());

      JsonNode list = server.get("/admin/namespaces").json().get("namespaces");
      assertEquals(3, list.size());
      List<String> unavailable = new ArrayList<>();
      list.forEach(n -> {
        if (n.get("status").asText().equals("unavailable")) {
          unavailable.add(n.get("id").asText());
          assertFalse(n.get("unavailable_reason").asText().isEmpty());
        }
      });
      assertEquals(List.of("bad-index", "bad-json"), unavailable);

      for (String ns : List.of("bad-json", "bad-index")) {
        Response q = server.post("/v1/namespaces/" + ns + "/query", "{\"vector\":[1,2]}");
        assertEquals(503, q.status(), q.body());
        assertEquals("namespace_unavailable", q.code());
        Response up = server.post("/v1/namespaces/" + ns + "/vectors", "{\"vectors\":[{\"id\":\"c\",\"values\":[1,2]}]}");
        assertEquals(503, up.status());
        JsonNode stats = server.get("/admin/namespaces/" + ns + "/stats").json();
        assertEquals("unavailable", stats.get("status").asText());
        assertTrue(stats.get("vector_count").isNull());
      }
      assertEquals(200, server.get("/admin/stats").status());
      assertTrue(server.get("/metrics").body().contains("vecstore_namespace_vector_count{namespace=\"good\"}"));
      // An operator can still delete a broken namespace.
      assertEquals(200, server.delete("/admin/namespaces/bad-json").status());
      assertFalse(Files.exists(dataDir.resolve("bad-json")));
    }
  }

  @Test
  void sigtermFinishesRequestsCommitsAndExitsZero() throws Exception {
    try (ServerProcess server = ServerProcess.start(dataDir)) {
      String base = server.awaitBase(Duration.ofSeconds(60));
      try (TestServerClient c = new TestServerClient(base)) {
        assertEquals(201, c.post("/admin/namespaces", "{\"id\":\"t\",\"name\":\"t\"}"));
        for (int i = 0; i < 20; i++) {
          assertEquals(200, c.post("/v1/namespaces/t/vectors", "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[1," + i + "]}]}"));
        }
      }
      assertEquals(0, server.terminate(Duration.ofSeconds(60)), server.log());
      assertTrue(server.log().contains("Stopped"), server.log());
    }
    try (Stream<Path> wal = Files.list(dataDir.resolve("t/wal"))) {
      assertEquals(0, wal.mapToLong(p -> p.toFile().length()).sum(), "a clean shutdown leaves nothing to replay");
    }
    try (ServerProcess again = ServerProcess.start(dataDir)) {
      String base = again.awaitBase(Duration.ofSeconds(60));
      try (TestServerClient c = new TestServerClient(base)) {
        assertTrue(c.get("/admin/namespaces/t/stats").contains("\"vector_count\":20"));
      }
      assertFalse(again.log().contains("replayed"), again.log());
      again.terminate(Duration.ofSeconds(60));
    }
  }

  /** A minimal client for a server in another process. */
  static final class TestServerClient implements AutoCloseable {
    private final String base;
    private final java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

    TestServerClient(String base) {
      this.base = base;
    }

    int post(String path, String json) throws Exception {
      return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
              .header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    String get(String path) throws Exception {
      return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
