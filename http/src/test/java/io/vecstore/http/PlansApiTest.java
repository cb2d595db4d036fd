package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.meta.PlanCodec;
import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans, ceilings, plan changes, quota policies and the audit trail through the real HTTP server
 * with a plans file: the guide's "Advanced Topics" as configuration.
 */
class PlansApiTest {

  static final String PLANS = """
      {"plans": {
        "metered": {"description": "grows by itself",
                    "quotas": {"max_vectors": 10, "max_batch_size": 10},
                    "ceilings": {"max_vectors": 20},
                    "quota_policy": {"auto_grow": {"quota": "max_vectors", "cooldown_minutes": 0}}}}}""";

  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0)
        .withPlans(PlanCodec.readFile(PLANS.getBytes(StandardCharsets.UTF_8))));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private JsonNode create(String body) {
    Response r = server.post("/admin/namespaces", body);
    assertEquals(201, r.status(), r.body());
    return r.json();
  }

  private List<JsonNode> events(String id) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      Response page = server.get("/admin/namespaces/" + id + "/events?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.status(), page.body());
      page.json().get("events").forEach(out::add);
      cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").asText();
    } while (cursor != null);
    return out;
  }

  @Test
  void listsTheBuiltInPlansThenThoseOfThePlansFile() {
    Response r = server.get("/admin/plans");
    assertEquals(200, r.status(), r.body());
    JsonNode plans = r.json().get("plans");
    assertEquals(List.of("free", "pro", "unlimited", "metered"), plans.findValuesAsText("name"));
    JsonNode free = plans.get(0);
    assertTrue(free.get("built_in").asBoolean());
    assertEquals(10_000, free.at("/ceilings/max_vectors").asLong());
    assertEquals(free.get("quotas"), free.get("ceilings"), "a built-in plan's ceilings are its presets");
    assertEquals("{}", free.get("quota_policy").toString());
    JsonNode metered = plans.get(3);
    assertFalse(metered.get("built_in").asBoolean());
    assertEquals(20, metered.at("/ceilings/max_vectors").asLong());
    assertEquals(10, metered.at("/ceilings/max_batch_size").asLong(), "a ceiling not given is the plan's own quota");
    assertEquals(1.5, metered.at("/quota_policy/auto_grow/factor").asDouble());
  }

  @Test
  void aFreeNamespaceCannotGet10001VectorsByQuotaUpdateButCanWithOverride() {
    JsonNode ns = create("{\"id\":\"f\",\"tier\":\"free\"}");
    assertEquals("free", ns.get("plan").asText());
    Response refused = server.put("/admin/namespaces/f/quotas", "{\"max_vectors\":10001}");
    assertEquals(400, refused.status());
    assertEquals("exceeds_plan", refused.code());
    assertEquals("max_vectors 10001 exceeds plan free's ceiling of 10000", refused.error());
    assertEquals("max_vectors", refused.json().get("quota").asText());
    assertEquals(10001, refused.json().get("value").asLong());
    assertEquals(10000, refused.json().get("ceiling").asLong());
    assertEquals("free", refused.json().get("plan").asText());
    Response unlimited = server.put("/admin/namespaces/f/quotas", "{\"max_vectors\":null}");
    assertEquals("max_vectors unlimited exceeds plan free's ceiling of 10000", unlimited.error());
    assertTrue(unlimited.json().get("value").isNull());
    assertEquals(10000, server.get("/admin/namespaces/f").json().at("/quotas/max_vectors").asLong(), "nothing changed");

    Response overridden = server.put("/admin/namespaces/f/quotas", "{\"max_vectors\":10001,\"override\":true}");
    assertEquals(200, overridden.status(), overridden.body());
    assertEquals(10001, overridden.json().at("/quotas/max_vectors").asLong());
    JsonNode event = server.get("/admin/namespaces/f/events?limit=1").json().at("/events/0");
    assertEquals("quotas", event.get("type").asText());
    assertEquals("admin", event.get("actor").asText());
    assertTrue(event.get("override").asBoolean());
    assertEquals("{\"max_vectors\":10000}", event.get("old").toString());
    assertEquals("{\"max_vectors\":10001}", event.get("new").toString());

    Response override = server.put("/admin/namespaces/f/quotas", "{\"override\":\"yes\"}");
    assertEquals(400, override.status());
    assertEquals("override must be true or false, got: \"yes\"", override.error());
  }

  @Test
  void createTakesPlanOrTierAndRecordsAnOverride() {
    assertEquals("metered", create("{\"id\":\"m\",\"plan\":\"metered\"}").get("plan").asText());
    Response both = server.post("/admin/namespaces", "{\"id\":\"b\",\"tier\":\"free\",\"plan\":\"pro\"}");
    assertEquals(400, both.status());
    assertEquals("tier and plan name different plans (free, pro); tier is the older name of plan: give one", both.error());
    assertEquals("pro", create("{\"id\":\"same\",\"tier\":\"PRO\",\"plan\":\"pro\"}").get("plan").asText());
    Response unknown = server.post("/admin/namespaces", "{\"id\":\"u\",\"plan\":\"gold\"}");
    assertEquals(400, unknown.status());
    assertEquals("plan must be one of [free, pro, unlimited, metered], got: gold", unknown.error());
    Response above = server.post("/admin/namespaces", "{\"id\":\"a\",\"plan\":\"metered\",\"quotas\":{\"max_vectors\":21}}");
    assertEquals("max_vectors 21 exceeds plan metered's ceiling of 20", above.error());
    JsonNode ns = create("{\"id\":\"a\",\"plan\":\"metered\",\"quotas\":{\"max_vectors\":21},\"override\":true}");
    assertEquals(21, ns.at("/quotas/max_vectors").asLong());
    JsonNode created = events("a").getFirst();
    assertEquals("created", created.get("type").asText());
    assertTrue(created.get("override").asBoolean());
    assertEquals(1, created.get("seq").asLong());
    assertEquals("metered", created.at("/new/plan").asText());
    assertEquals("active", created.at("/new/status").asText());
  }

  @Test
  void changingThePlanRevalidatesResetsOrOverrides() {
    create("{\"id\":\"c\",\"plan\":\"pro\"}");
    Response refused = server.put("/admin/namespaces/c/plan", "{\"plan\":\"free\"}");
    assertEquals(400, refused.status());
    assertEquals("exceeds_plan", refused.code());
    assertEquals("max_vectors 1000000 exceeds plan free's ceiling of 10000", refused.error());
    Response reset = server.put("/admin/namespaces/c/plan", "{\"plan\":\"free\",\"reset_quotas\":true}");
    assertEquals(200, reset.status(), reset.body());
    assertEquals("free", reset.json().get("plan").asText());
    assertEquals(10000, reset.json().at("/quotas/max_vectors").asLong());
    Response kept = server.put("/admin/namespaces/c/plan", "{\"plan\":\"unlimited\"}");
    assertEquals(10000, kept.json().at("/quotas/max_vectors").asLong(), "unlimited has no ceilings: the quotas stay");
    assertEquals(200, server.put("/admin/namespaces/c/quotas", "{\"max_vectors\":50000}").status());
    Response overridden = server.put("/admin/namespaces/c/plan", "{\"plan\":\"free\",\"override\":true}");
    assertEquals(200, overridden.status());
    assertEquals(50000, overridden.json().at("/quotas/max_vectors").asLong());
    List<String> types = events("c").stream().map(e -> e.get("type").asText() + (e.get("override").asBoolean() ? "!" : "")).toList();
    // Newest first; a reset records the plan, then the quotas it brought.
    assertEquals(List.of("plan!", "quotas", "plan", "quotas", "plan", "created"), types);
    assertEquals(400, server.put("/admin/namespaces/c/plan", "{\"plan\":\"gold\"}").status());
    assertEquals(400, server.put("/admin/namespaces/c/plan", "{}").status());
    assertEquals(404, server.put("/admin/namespaces/nope/plan", "{\"plan\":\"free\"}").status());
  }

  @Test
  void aPolicyGrowsQuotasAfterWritesAndIsShownAndCounted() {
    create("{\"id\":\"g\",\"plan\":\"metered\",\"dimension\":2}");
    for (int i = 0; i < 9; i++) { // the 9th of 10 is above 0.85
      assertEquals(200, server.post("/v1/namespaces/g/vectors", "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[1," + i + "]}]}")
          .status());
    }
    JsonNode ns = server.get("/admin/namespaces/g").json();
    assertEquals(15, ns.at("/quotas/max_vectors").asLong(), "10 × 1.5");
    assertTrue(ns.get("quota_policy").isNull(), "the namespace follows its plan's policy");
    JsonNode grown = events("g").getFirst();
    assertEquals("policy", grown.get("actor").asText());
    assertEquals("max_vectors utilization 0.9 above 0.85 after a write (9 / 10)", grown.get("reason").asText());
    for (int i = 9; i < 20; i++) {
      server.post("/v1/namespaces/g/vectors", "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[1," + i + "]}]}");
    }
    assertEquals(20, server.get("/admin/namespaces/g").json().at("/quotas/max_vectors").asLong(), "up to the ceiling");
    Response full = server.post("/v1/namespaces/g/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,1]}]}");
    assertEquals(403, full.status());
    assertEquals("Upsert would exceed vector quota: 20 + 1 > 20", full.error());

    Response own = server.put("/admin/namespaces/g/quota-policy", "{}");
    assertEquals(200, own.status(), own.body());
    assertEquals("{}", own.json().get("quota_policy").toString());
    Response guide = server.put("/admin/namespaces/g/quota-policy",
        "{\"auto_grow\":{\"quota\":\"max_storage_bytes\",\"when_utilization_above\":0.9,\"factor\":2,\"up_to\":1000000}}");
    assertEquals(200, guide.status(), guide.body());
    assertEquals("{\"quota\":\"max_storage_bytes\",\"when_utilization_above\":0.9,\"factor\":2.0,\"up_to\":1000000,"
        + "\"cooldown_minutes\":10}", guide.json().at("/quota_policy/auto_grow").toString());
    Response bad = server.put("/admin/namespaces/g/quota-policy", "{\"auto_grow\":{\"quota\":\"max_vectors\",\"factor\":1}}");
    assertEquals(400, bad.status());
    assertEquals("quota_policy.auto_grow.factor must be above 1 and at most 1000, got: 1", bad.error());
    Response unknown = server.put("/admin/namespaces/g/quota-policy", "{\"auto_grow\":{\"quota\":\"max_vectors\",\"facter\":2}}");
    assertEquals("Unknown field 'facter' in quota_policy.auto_grow; allowed: [cooldown_minutes, factor, quota, up_to, "
        + "when_utilization_above]", unknown.error());
    Response back = server.put("/admin/namespaces/g/quota-policy", "null");
    assertTrue(back.json().get("quota_policy").isNull());

    String metrics = server.get("/metrics").body();
    assertEquals(2.0, value(metrics, "vecstore_namespace_quota_changes_total{cause=\"policy\"}"));
    assertEquals(0.0, value(metrics, "vecstore_namespace_quota_changes_total{cause=\"override\"}"));
  }

  @Test
  void theTrailIsPagedNewestFirstAndSurvivesARestart() throws IOException {
    create("{\"id\":\"e\"}");
    for (String status : List.of("suspended", "read_only", "active", "pending_deletion", "active")) {
      assertEquals(200, server.put("/admin/namespaces/e/status", "{\"status\":\"" + status + "\"}").status());
    }
    List<JsonNode> before = events("e");
    assertEquals(6, before.size());
    assertEquals(List.of(6L, 5L, 4L, 3L, 2L, 1L), before.stream().map(e -> e.get("seq").asLong()).toList());
    assertEquals("\"pending_deletion\"", before.get(0).get("old").toString());
    server.restart();
    assertEquals(before, events("e"));
    assertEquals(400, server.get("/admin/namespaces/e/events?limit=0").status());
    assertEquals(400, server.get("/admin/namespaces/e/events?limit=1001").status());
    Response badCursor = server.get("/admin/namespaces/e/events?cursor=abc");
    assertEquals(400, badCursor.status());
    assertEquals("cursor is not one this server returned: abc", badCursor.error());
    assertEquals(404, server.get("/admin/namespaces/nope/events").status());
  }

  private static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "no series " + series);
    return Double.parseDouble(m.group(1));
  }
}
