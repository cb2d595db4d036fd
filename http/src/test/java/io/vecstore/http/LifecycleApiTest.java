package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grace-period deletion and compaction. */
class LifecycleApiTest {

  @TempDir Path dataDir;
  TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withDeletionGrace(Duration.ofSeconds(2)));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private void fill(String ns, int n) {
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"" + ns + "\",\"name\":\"" + ns + "\",\"tier\":\"unlimited\"}").status());
    upsert(ns, "v", n);
  }

  private void upsert(String ns, String idPrefix, int n) {
    StringBuilder b = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(idPrefix).append(i).append("\",\"values\":[").append(i).append(",1],\"metadata\":{\"text\":\"")
          .append("x".repeat(200)).append("\"}}");
    }
    assertEquals(200, server.post("/v1/namespaces/" + ns + "/vectors", b.append("]}").toString()).status());
  }

  @Test
  void pendingDeletionIsUndoneWithinTheGracePeriodAndDeletedAfterIt() throws Exception {
    fill("keep", 5);
    fill("drop", 5);
    Response pending = server.put("/admin/namespaces/keep/status", "{\"status\":\"pending_deletion\"}");
    Instant due = Instant.parse(pending.json().get("deletion_due").asText());
    assertTrue(due.isAfter(Instant.now()));
    assertEquals(due.toString(), server.get("/admin/namespaces/keep/stats").json().get("deletion_due").asText());
    assertEquals("active", server.put("/admin/namespaces/keep/status", "{\"status\":\"active\"}").json().get("status").asText());
    assertTrue(server.get("/admin/namespaces/keep").json().get("deletion_due").isNull());

    server.put("/admin/namespaces/drop/status", "{\"status\":\"pending_deletion\"}");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.get("/admin/namespaces/drop").status() != 404 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(404, server.get("/admin/namespaces/drop").status(), "deleted when the grace period ended");
    Thread.sleep(2500);
    assertEquals(5, server.get("/admin/namespaces/keep/stats").json().get("vector_count").asInt(), "undone deletion kept everything");
  }

  @Test
  void compactionMergesAwayDeletedVectorsWhileServing() throws Exception {
    // Two generations of segments: the first with 15% deleted, the second with 0.5% deleted,
    // far under the 10% at which Lucene's forceMergeDeletes stops by default. Compaction must
    // leave no deleted vector behind in either.
    fill("c", 1000);
    server.post("/v1/namespaces/c/query", "{\"vector\":[1,1]}"); // the first batch's segments become searchable
    upsert("c", "w", 1000);
    server.post("/v1/namespaces/c/query", "{\"vector\":[1,1]}");
    StringBuilder ids = new StringBuilder("{\"ids\":[");
    for (int i = 0; i < 150; i++) {
      ids.append(i == 0 ? "" : ",").append("\"v").append(i).append('"');
    }
    for (int i = 0; i < 5; i++) {
      ids.append(",\"w").append(i).append('"');
    }
    assertEquals(155, server.post("/v1/namespaces/c/vectors/delete", ids.append("]}").toString()).json().get("deleted").asInt());
    JsonNode before = server.get("/admin/namespaces/c/stats").json();
    assertTrue(before.get("deleted_count").asInt() > 0, before.toString());

    Response started = server.post("/admin/namespaces/c/compact", "{}");
    assertEquals(202, started.status(), started.body());
    JsonNode stats = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      assertEquals(200, server.post("/v1/namespaces/c/query", "{\"vector\":[1,1],\"k\":5}").status(), "queries go on");
      stats = server.get("/admin/namespaces/c/stats").json();
    } while (!stats.at("/compaction/state").asText().equals("done") && System.nanoTime() < deadline);
    assertEquals("done", stats.at("/compaction/state").asText(), stats.toString());
    assertEquals(0, stats.get("deleted_count").asInt());
    assertEquals(1845, stats.get("vector_count").asInt());
    assertTrue(stats.at("/compaction/bytes_after").asLong() < stats.at("/compaction/bytes_before").asLong(), stats.toString());
    assertEquals(before.get("deleted_count").asLong(), stats.at("/compaction/deleted_before").asLong());
    assertEquals(404, server.post("/admin/namespaces/ghost/compact", "{}").status());
  }
}
