package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Quotas, tiers and statuses, enforced through the real HTTP server (DESIGN.md §4–5). */
class QuotaApiTest extends ServerTestBase {

  private void create(String id, String quotasJson) {
    Response r = server.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"quotas\":" + quotasJson + "}");
    assertEquals(201, r.status(), r.body());
  }

  private Response upsert(String ns, String... ids) {
    StringBuilder b = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < ids.length; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i]).append("\",\"values\":[1,").append(i + 1).append("]}");
    }
    return server.post("/v1/namespaces/" + ns + "/vectors", b.append("]}").toString());
  }

  private long vectorCount(String ns) {
    return server.get("/admin/namespaces/" + ns + "/stats").json().get("vector_count").asLong();
  }

  @Test
  void vectorQuotaCountsOnlyNewIdsAndRejectsWholeBatches() {
    create("v", "{\"max_vectors\":5}");
    assertEquals(200, upsert("v", "a", "b", "c", "d").status());
    Response over = upsert("v", "e", "f");
    assertEquals(403, over.status());
    assertEquals("quota_exceeded", over.code());
    assertEquals("Upsert would exceed vector quota: 4 + 2 > 5", over.error());
    assertEquals(5, over.json().get("limit").asLong());
    assertEquals(6, over.json().get("value").asLong());
    assertEquals(404, server.get("/v1/namespaces/v/vectors/e").status(), "a rejected batch writes nothing");
    assertEquals(200, upsert("v", "e").status(), "at the limit");
    assertEquals(5, vectorCount("v"));
    assertEquals(200, upsert("v", "a", "b").status(), "updates at full quota succeed");
    assertEquals(200, upsert("v", "a", "e").status(), "updates at full quota succeed");
    assertEquals(200, server.post("/v1/namespaces/v/query", "{\"vector\":[1,1]}").status(), "full namespaces answer queries");
    Response one = upsert("v", "z");
    assertEquals("Upsert would exceed vector quota: 5 + 1 > 5", one.error());
    server.delete("/v1/namespaces/v/vectors/a");
    assertEquals(200, upsert("v", "z").status(), "a delete frees room");
    assertEquals(5, vectorCount("v"));
    JsonNode ns = server.get("/admin/namespaces/v").json();
    assertEquals(1.0, ns.get("quota_utilization").asDouble());
    assertTrue(ns.get("is_near_quota").asBoolean());
  }

  @Test
  void storageQuotaRejectsWhenDiskPlusBatchWouldExceed() {
    create("s", "{\"max_storage_bytes\":20000}");
    Response last = null;
    int accepted = 0;
    for (int i = 0; i < 200; i++) {
      last = server.post("/v1/namespaces/s/vectors",
          "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[1,2,3,4,5,6,7,8],\"metadata\":{\"text\":\"" + "x".repeat(200) + "\"}}]}");
      if (last.status() != 200) {
        break;
      }
      accepted++;
    }
    assertEquals(403, last.status(), last.body());
    assertEquals("quota_exceeded", last.code());
    assertTrue(last.error().matches("Storage quota exceeded: \\d+ / 20000 bytes"), last.error());
    assertEquals(20000, last.json().get("limit").asLong());
    assertTrue(last.json().get("value").asLong() > 20000);
    assertTrue(accepted > 5, "accepted " + accepted);
    JsonNode stats = server.get("/admin/namespaces/s/stats").json();
    assertEquals(accepted, stats.get("vector_count").asInt());
    assertTrue(stats.get("storage_bytes").asLong() <= 20000, stats.toString());
  }

  @Test
  void requestChecksOnDimensionKAndBatchSize() {
    server.post("/admin/namespaces", "{\"id\":\"p\",\"name\":\"p\",\"tier\":\"pro\",\"quotas\":{\"max_dimension\":4}}");
    Response k = server.post("/v1/namespaces/p/query", "{\"vector\":[1,2,3],\"k\":5000}");
    assertEquals(400, k.status());
    assertEquals("limit_exceeded", k.code());
    assertEquals("Query limit exceeds maximum: 5000 > 1000", k.error());
    assertEquals(200, server.post("/v1/namespaces/p/query", "{\"vector\":[1,2,3],\"k\":1000}").status());

    String[] ids = new String[2000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "b" + i;
    }
    Response batch = upsert("p", ids);
    assertEquals(400, batch.status());
    assertEquals("Batch size exceeds limit: 2000 > 1000", batch.error());
    assertEquals(200, upsert("p", java.util.Arrays.copyOf(ids, 1000)).status());

    Response dim = server.post("/v1/namespaces/p/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3,4,5]}]}");
    assertEquals(400, dim.status());
    assertEquals("Dimension exceeds maximum: 5 > 4", dim.error());
    Response created = server.post("/admin/namespaces", "{\"id\":\"q\",\"name\":\"q\",\"tier\":\"free\",\"dimension\":2048}");
    assertEquals(400, created.status());
    assertEquals("Dimension exceeds maximum: 2048 > 1536", created.error());
  }

  @Test
  void rateLimitIsASlidingWindowWithRetryAfter() throws InterruptedException {
    create("r", "{\"max_requests_per_second\":5.0}");
    upsert("r", "a");
    int ok = 1;
    Response rejected = null;
    long start = System.nanoTime();
    for (int i = 0; i < 20 && rejected == null; i++) {
      Response r = server.get("/v1/namespaces/r/vectors/a");
      if (r.status() == 200) {
        ok++;
      } else {
        rejected = r;
      }
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(rejected != null, "20 requests never hit a limit of 5/s");
    if (elapsedMs < 900) {
      assertEquals(5, ok, "exactly the limit admitted within one second");
    }
    assertEquals(429, rejected.status());
    assertEquals("rate_limited", rejected.code());
    assertEquals("Rate limit exceeded: 5 requests/second", rejected.error());
    long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter >= 1 && retryAfter <= 1, "Retry-After " + retryAfter);
    long statsBefore = server.get("/admin/namespaces/r/stats").json().get("total_requests").asLong();
    assertEquals(ok, statsBefore, "rejected requests are not counted");
    Thread.sleep(1100);
    assertEquals(200, server.get("/v1/namespaces/r/vectors/a").status(), "the window slides");
    Response q = server.put("/admin/namespaces/r/quotas", "{\"max_requests_per_second\":null}");
    assertTrue(q.json().at("/quotas/max_requests_per_second").isNull());
    for (int i = 0; i < 30; i++) {
      assertEquals(200, server.get("/v1/namespaces/r/vectors/a").status());
    }
  }

  @Test
  void zeroConcurrentQueriesRejectsEveryQuery() {
    create("z", "{\"max_concurrent_queries\":0}");
    upsert("z", "a");
    Response r = server.post("/v1/namespaces/z/query", "{\"vector\":[1,1]}");
    assertEquals(429, r.status());
    assertEquals("too_many_concurrent_queries", r.code());
    assertEquals("Concurrent query limit exceeded: 0 / 0", r.error());
    assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(200, server.get("/v1/namespaces/z/vectors/a").status(), "fetches are not queries");
  }

  @Test
  void concurrentQuerySlotsRejectAtOnceAndAreAlwaysReleased() throws Exception {
    create("c", "{\"max_concurrent_queries\":1}");
    // Enough data that a query with a large candidate list takes a few milliseconds.
    java.util.Random random = new java.util.Random(7);
    for (int b = 0; b < 8; b++) {
      StringBuilder body = new StringBuilder("{\"vectors\":[");
      for (int i = 0; i < 1000; i++) {
        body.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(b * 1000 + i).append("\",\"values\":[");
        for (int d = 0; d < 32; d++) {
          body.append(d == 0 ? "" : ",").append(random.nextFloat());
        }
        body.append("]}");
      }
      assertEquals(200, server.post("/v1/namespaces/c/vectors", body.append("]}").toString()).status());
    }
    String query = "{\"vector\":[" + "0.5,".repeat(31) + "0.5],\"k\":100,\"num_candidates\":2000}";
    int threads = 6;
    AtomicInteger ok = new AtomicInteger();
    ConcurrentLinkedQueue<Response> rejected = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Response> other = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < 300 && rejected.size() < 20; i++) {
            Response r = server.post("/v1/namespaces/c/query", query);
            if (r.status() == 200) {
              ok.incrementAndGet();
            } else if (r.status() == 429) {
              rejected.add(r);
            } else {
              other.add(r);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "test-query-" + t);
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertEquals(List.of(), List.copyOf(other));
    assertTrue(ok.get() > 0);
    assertTrue(!rejected.isEmpty(), "six threads never overlapped on a one-slot namespace");
    for (Response r : rejected) {
      assertEquals("Concurrent query limit exceeded: 1 / 1", r.error());
      assertEquals("too_many_concurrent_queries", r.code());
    }
    // Every slot came back: queries one at a time all pass.
    for (int i = 0; i < 5; i++) {
      assertEquals(200, server.post("/v1/namespaces/c/query", query).status());
    }
    assertEquals(ok.get() + 5, server.get("/admin/namespaces/c/stats").json().get("total_queries").asLong());
  }

  @Test
  void statusDecidesWhichDataRoutesWork() {
    Map<String, Map<String, Integer>> expected = Map.of(
        "active", Map.of("upsert", 200, "query", 200, "fetch", 200, "deleteOne", 200, "deleteMany", 200),
        "read_only", Map.of("upsert", 403, "query", 200, "fetch", 200, "deleteOne", 403, "deleteMany", 403),
        "suspended", Map.of("upsert", 403, "query", 403, "fetch", 403, "deleteOne", 403, "deleteMany", 403),
        "pending_deletion", Map.of("upsert", 403, "query", 403, "fetch", 403, "deleteOne", 200, "deleteMany", 200));
    Map<String, String> codes = Map.of(
        "read_only", "namespace_read_only", "suspended", "namespace_suspended", "pending_deletion", "namespace_pending_deletion");
    for (var entry : expected.entrySet()) {
      String status = entry.getKey();
      String ns = "st-" + status.replace('_', '-');
      create(ns, "{}");
      upsert(ns, "a", "b", "c");
      assertEquals(200, server.put("/admin/namespaces/" + ns + "/status", "{\"status\":\"" + status + "\"}").status());
      Map<String, Response> results = Map.of(
          "upsert", upsert(ns, "d"),
          "query", server.post("/v1/namespaces/" + ns + "/query", "{\"vector\":[1,1]}"),
          "fetch", server.get("/v1/namespaces/" + ns + "/vectors/a"),
          "deleteOne", server.delete("/v1/namespaces/" + ns + "/vectors/b"),
          "deleteMany", server.post("/v1/namespaces/" + ns + "/vectors/delete", "{\"ids\":[\"c\"]}"));
      for (var route : entry.getValue().entrySet()) {
        Response r = results.get(route.getKey());
        String label = status + " " + route.getKey() + " -> " + r;
        assertEquals(route.getValue(), r.status(), label);
        if (r.status() == 403) {
          assertEquals(codes.get(status), r.code(), label);
          assertTrue(r.error().startsWith("Namespace is "), label);
        }
      }
      // Admin routes work in every status.
      assertEquals(200, server.get("/admin/namespaces/" + ns).status());
      assertEquals(200, server.get("/admin/namespaces/" + ns + "/stats").status());
      assertEquals(200, server.put("/admin/namespaces/" + ns + "/quotas", "{\"max_vectors\":10}").status());
    }
    Response r = server.put("/admin/namespaces/st-suspended/status", "{\"status\":\"active\"}");
    assertEquals("active", r.json().get("status").asText());
    assertEquals(200, upsert("st-suspended", "d").status());
    assertEquals(200, server.delete("/admin/namespaces/st-pending-deletion").status());
  }

  @Test
  void statusQuotasAndCountersSurviveRestart() throws IOException {
    create("keep", "{\"max_vectors\":7,\"max_batch_size\":3}");
    upsert("keep", "a", "b");
    server.post("/v1/namespaces/keep/query", "{\"vector\":[1,1]}");
    server.delete("/v1/namespaces/keep/vectors/a");
    upsert("keep", "x", "y", "z", "w"); // rejected: batch size
    server.put("/admin/namespaces/keep/status", "{\"status\":\"read_only\"}");
    server.restart();
    JsonNode ns = server.get("/admin/namespaces/keep").json();
    assertEquals("read_only", ns.get("status").asText());
    assertEquals(7, ns.at("/quotas/max_vectors").asInt());
    assertEquals(3, ns.at("/quotas/max_batch_size").asInt());
    JsonNode stats = server.get("/admin/namespaces/keep/stats").json();
    assertEquals(1, stats.get("vector_count").asInt());
    assertEquals(3, stats.get("total_requests").asInt());
    assertEquals(1, stats.get("total_upserts").asInt());
    assertEquals(1, stats.get("total_queries").asInt());
    assertEquals(1, stats.get("total_deletes").asInt());
    assertEquals("read_only", stats.get("status").asText());
  }

  @Test
  void thirtyTwoWritersNeverPushVectorCountPastTheQuota() throws Exception {
    int max = 300;
    create("race", "{\"max_vectors\":" + max + "}");
    int threads = 32;
    ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Response> unexpected = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await();
          int rejectedInARow = 0;
          for (int i = 0; rejectedInARow < 5; i++) {
            int size = 1 + (i + id) % 3;
            String[] ids = new String[size];
            for (int j = 0; j < size; j++) {
              ids[j] = "t" + id + "-" + i + "-" + j;
            }
            Response r = upsert("race", ids);
            if (r.status() == 200) {
              acknowledged.addAll(List.of(ids));
              rejectedInARow = 0;
            } else if (r.status() == 403 && "quota_exceeded".equals(r.code())) {
              rejectedInARow++;
            } else {
              unexpected.add(r);
              return;
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "test-race-" + t);
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertEquals(List.of(), List.copyOf(unexpected));
    long count = vectorCount("race");
    assertTrue(count <= max, "vector_count " + count + " > max_vectors " + max);
    assertEquals(acknowledged.size(), count, "every acknowledged vector, and nothing else");
    assertTrue(count >= max - 2, "batches of 1 to 3 fill the quota to within 2, got " + count);
    for (String id : List.copyOf(acknowledged).subList(0, 20)) {
      assertEquals(200, server.get("/v1/namespaces/race/vectors/" + id).status());
    }
  }
}
