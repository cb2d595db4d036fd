package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's admin curl examples, over real HTTP. */
class AdminApiTest extends ServerTestBase {

  @Test
  void guideCreateListGetDeleteExamples() {
    Response created = server.post("/admin/namespaces", """
        {
          "id": "customer-123",
          "name": "Customer 123",
          "quotas": {
            "max_vectors": 50000,
            "max_storage_bytes": 524288000,
            "max_requests_per_second": 50.0
          }
        }""");
    assertEquals(201, created.status(), created.body());
    JsonNode ns = created.json();
    assertEquals("customer-123", ns.get("id").asText());
    assertEquals("Customer 123", ns.get("name").asText());
    assertEquals(50000, ns.at("/quotas/max_vectors").asLong());
    assertEquals(524288000L, ns.at("/quotas/max_storage_bytes").asLong());
    assertEquals(50.0, ns.at("/quotas/max_requests_per_second").asDouble());
    assertTrue(ns.at("/quotas/max_batch_size").isNull(), "fields not given are unlimited");
    assertEquals("active", ns.get("status").asText());
    assertEquals("cosine", ns.get("metric").asText());
    assertTrue(ns.get("created_at").asText().endsWith("Z"));
    assertEquals(0.0, ns.get("quota_utilization").asDouble());
    assertFalse(ns.get("is_near_quota").asBoolean());

    Response list = server.get("/admin/namespaces");
    assertEquals(200, list.status());
    assertEquals(1, list.json().get("namespaces").size());
    assertTrue(list.json().get("next_cursor").isNull());

    Response got = server.get("/admin/namespaces/customer-123");
    assertEquals(200, got.status());
    assertEquals("Customer 123", got.json().get("name").asText());

    Response stats = server.get("/admin/namespaces/customer-123/stats");
    assertEquals(200, stats.status());
    for (String field : List.of("namespace_id", "vector_count", "active_count", "deleted_count", "dimension",
        "storage_bytes", "quota_utilization", "total_requests", "total_queries", "total_upserts",
        "total_deletes", "status")) {
      assertTrue(stats.json().has(field), field);
    }
    Response aggregate = server.get("/admin/stats");
    assertEquals(1, aggregate.json().get("total_namespaces").asLong());
    assertEquals(1, aggregate.json().get("active_namespaces").asLong());

    Response deleted = server.delete("/admin/namespaces/customer-123");
    assertEquals(200, deleted.status());
    assertEquals("customer-123", deleted.json().get("deleted").asText());
    Response gone = server.get("/admin/namespaces/customer-123");
    assertEquals(404, gone.status());
    assertEquals("namespace_not_found", gone.code());
    assertEquals("Namespace not found: customer-123", gone.error());
  }

  @Test
  void guideQuotaAndStatusUpdates() {
    // As the guide creates it: quotas, no tier, so the unlimited plan and no ceilings.
    server.post("/admin/namespaces", "{\"id\":\"customer-123\",\"name\":\"Customer 123\",\"quotas\":{\"max_vectors\":50000,"
        + "\"max_batch_size\":100}}");
    Response quotas = server.put("/admin/namespaces/customer-123/quotas",
        "{\"max_vectors\": 100000, \"max_storage_bytes\": 1073741824}");
    assertEquals(200, quotas.status(), quotas.body());
    assertEquals(100000, quotas.json().at("/quotas/max_vectors").asLong());
    assertEquals(1073741824L, quotas.json().at("/quotas/max_storage_bytes").asLong());
    assertEquals(100, quotas.json().at("/quotas/max_batch_size").asLong(), "absent fields are kept");
    Response cleared = server.put("/admin/namespaces/customer-123/quotas", "{\"max_batch_size\": null}");
    assertTrue(cleared.json().at("/quotas/max_batch_size").isNull());

    Response status = server.put("/admin/namespaces/customer-123/status", "{\"status\": \"suspended\"}");
    assertEquals(200, status.status());
    assertEquals("suspended", status.json().get("status").asText());
    assertEquals("read_only",
        server.put("/admin/namespaces/customer-123/status", "{\"status\": \"READONLY\"}").json().get("status").asText());
    Response bad = server.put("/admin/namespaces/customer-123/status", "{\"status\": \"gone\"}");
    assertEquals(400, bad.status());
    assertEquals("status must be one of [active, read_only, suspended, pending_deletion], got: gone", bad.error());
  }

  @Test
  void listPagesWithCursorPrefixAndStatus() {
    List<String> ids = List.of("t-05", "t-01", "x-1", "t-03", "t-02", "t-04");
    for (String id : ids) {
      assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"name\":\"n\"}").status());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page = server.get("/admin/namespaces?limit=2&prefix=t-" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.status(), page.body());
      page.json().get("namespaces").forEach(n -> seen.add(n.get("id").asText()));
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
    } while (cursor != null);
    assertEquals(List.of("t-01", "t-02", "t-03", "t-04", "t-05"), seen);

    assertEquals(5, server.get("/admin/namespaces?limit=2&prefix=t-").json().get("total").asInt());
    server.put("/admin/namespaces/t-03/status", "{\"status\":\"suspended\"}");
    Response suspended = server.get("/admin/namespaces?status=suspended");
    assertEquals(1, suspended.json().get("namespaces").size());
    assertEquals("t-03", suspended.json().at("/namespaces/0/id").asText());
    assertEquals(400, server.get("/admin/namespaces?limit=abc").status());
    assertEquals(400, server.get("/admin/namespaces?limit=5000").status());
    assertEquals(400, server.get("/admin/namespaces?status=sleeping").status());
  }

  @Test
  void createWithTierAndOverrides() {
    String body = "{\"id\":\"t\",\"name\":\"T\",\"tier\":\"free\",\"quotas\":{\"max_vectors\":5000},\"metric\":\"dot_product\","
        + "\"dimension\":3,\"description\":\"d\",\"metadata\":{\"customer_tier\":\"enterprise\"}}";
    Response above = server.post("/admin/namespaces", body.replace("5000", "20000"));
    assertEquals(400, above.status(), "a tier's own values are its ceilings");
    assertEquals("exceeds_plan", above.code());
    assertEquals("max_vectors 20000 exceeds plan free's ceiling of 10000", above.error());
    Response r = server.post("/admin/namespaces", body);
    assertEquals(201, r.status(), r.body());
    JsonNode ns = r.json();
    assertEquals("free", ns.get("plan").asText());
    assertEquals(5000, ns.at("/quotas/max_vectors").asLong());
    assertEquals(100, ns.at("/quotas/max_batch_size").asLong());
    assertEquals(10.0, ns.at("/quotas/max_requests_per_second").asDouble());
    assertEquals("dot_product", ns.get("metric").asText());
    assertEquals(3, ns.get("dimension").asInt());
    assertEquals("enterprise", ns.at("/metadata/customer_tier").asText());
    Response defaults = server.post("/admin/namespaces", "{\"id\":\"d\",\"name\":\"D\"}");
    assertEquals(10, defaults.json().at("/quotas/max_concurrent_queries").asInt());
    assertEquals(1_000_000, defaults.json().at("/quotas/max_vectors").asLong());
    assertEquals("pro", defaults.json().get("plan").asText());
    assertTrue(defaults.json().get("quota_policy").isNull(), "follows its plan's policy");
  }

  @Test
  void quantizationAndDefaultNumCandidatesAreSetAtCreateAndShown() {
    Response r = server.post("/admin/namespaces",
        "{\"id\":\"q\",\"name\":\"Q\",\"dimension\":4,\"quantization\":\"INT8\",\"default_num_candidates\":50}");
    assertEquals(201, r.status(), r.body());
    assertEquals("int8", r.json().get("quantization").asText());
    assertEquals(50, r.json().get("default_num_candidates").asInt());
    assertEquals(200, server.post("/v1/namespaces/q/vectors",
        "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0,0,0]},{\"id\":\"b\",\"values\":[0,1,0,0]}]}").status());
    assertEquals("a", server.post("/v1/namespaces/q/query", "{\"vector\":[1,0.1,0,0],\"k\":1}").json().at("/results/0/id").asText());
    JsonNode plain = server.post("/admin/namespaces", "{\"id\":\"p\",\"name\":\"P\"}").json();
    assertEquals("none", plain.get("quantization").asText());
    assertTrue(plain.get("default_num_candidates").isNull());

    Response bad = server.post("/admin/namespaces", "{\"id\":\"b\",\"name\":\"B\",\"quantization\":\"int2\"}");
    assertEquals(400, bad.status());
    assertEquals("quantization must be one of [none, int8, int4, bbq], got: int2", bad.json().get("error").asText());
    Response zero = server.post("/admin/namespaces", "{\"id\":\"z\",\"name\":\"Z\",\"default_num_candidates\":0}");
    assertEquals(400, zero.status());
    assertTrue(zero.json().get("error").asText().startsWith("default_num_candidates must be between 1 and "), zero.body());
  }

  @Test
  void aSingleServerKeepsOneCopy() {
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"one\",\"replication_factor\":1}").status());
    Response two = server.post("/admin/namespaces", "{\"id\":\"two\",\"replication_factor\":2}");
    assertEquals(400, two.status());
    assertEquals("replication_factor must be 1 on a server that is not part of a cluster, got: 2", two.json().get("error").asText());
    assertEquals(400, server.post("/admin/namespaces", "{\"id\":\"zero\",\"replication_factor\":0}").status());
    assertEquals(404, server.get("/admin/namespaces/two").status(), "nothing was created");
  }

  @Test
  void usageExportAsJsonAndCsv() {
    server.post("/admin/namespaces", "{\"id\":\"u1\",\"name\":\"U\",\"tier\":\"unlimited\"}");
    server.post("/v1/namespaces/u1/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0]},{\"id\":\"b\",\"values\":[0,1]}]}");
    server.post("/v1/namespaces/u1/query", "{\"vector\":[1,0],\"k\":1}");
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();

    Response json = server.get("/admin/usage?from=" + today + "&to=" + today);
    assertEquals(200, json.status(), json.body());
    assertEquals(today, json.json().get("from").asText());
    JsonNode row = json.json().at("/usage/0");
    assertEquals("u1", row.get("namespace_id").asText());
    assertEquals(today, row.get("date").asText());
    assertEquals(2, row.get("vector_count_peak").asLong());
    assertTrue(row.get("storage_bytes_peak").asLong() > 0);
    assertEquals(2, row.get("requests").asLong());
    assertEquals(1, row.get("queries").asLong());
    assertEquals(1, row.get("upserts").asLong());
    assertEquals(0, row.get("deletes").asLong());

    Response csv = server.get("/admin/usage?format=csv");
    assertEquals(200, csv.status(), csv.body());
    assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
    String[] lines = csv.body().split("\n");
    assertEquals("namespace_id,date,vector_count_peak,storage_bytes_peak,requests,queries,upserts,deletes", lines[0]);
    assertTrue(lines[1].startsWith("u1," + today + ",2,"), lines[1]);
    assertTrue(lines[1].endsWith(",2,1,1,0"), lines[1]);

    Response bad = server.get("/admin/usage?from=yesterday");
    assertEquals(400, bad.status());
    assertEquals("from must be a date like 2026-11-01, got: yesterday", bad.json().get("error").asText());
    assertEquals(400, server.get("/admin/usage?from=2026-02-01&to=2026-01-01").status());
    assertEquals("format must be json or csv, got: xml", server.get("/admin/usage?format=xml").json().get("error").asText());
  }
}
