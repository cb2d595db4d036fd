package io.vecstore.core.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.meta.PlanCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Built-in plans, plans files (every rule, with the message naming plan, field and value) and the growth rule. */
class PlansTest {

  private static Plans parse(String json) {
    return PlanCodec.readFile(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String rejection(String json) {
    return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
  }

  @Test
  void builtInPlansHaveTheirPresetsAsCeilingsAndNoPolicy() {
    Plans plans = Plans.builtIn();
    assertEquals(List.of("free", "pro", "unlimited"), plans.all().stream().map(Plan::name).toList());
    for (Tier t : Tier.values()) {
      Plan p = plans.get(t.wireName());
      assertEquals(t.quotas(), p.quotas());
      assertEquals(t.quotas(), p.ceilings());
      assertEquals(QuotaPolicy.NONE, p.policy());
      assertTrue(Plans.isBuiltIn(p));
    }
    assertEquals(10_000L, plans.get("free").ceiling(QuotaField.MAX_VECTORS));
    assertNull(plans.get("unlimited").ceiling(QuotaField.MAX_VECTORS));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> plans.get("gold"));
    assertEquals("plan must be one of [free, pro, unlimited], got: gold", e.getMessage());
  }

  @Test
  void exceedingACeilingNamesQuotaValueAndCeiling() {
    Plan free = Tier.FREE.plan();
    assertEquals(QuotaField.MAX_VECTORS, free.firstExceeding(Map.of(QuotaField.MAX_VECTORS, 10_001L)));
    assertNull(free.firstExceeding(Map.of(QuotaField.MAX_VECTORS, 10_000L)));
    InvalidRequestException e = free.exceeded(QuotaField.MAX_VECTORS, 10_001L);
    assertEquals("exceeds_plan", e.code());
    assertEquals("max_vectors 10001 exceeds plan free's ceiling of 10000", e.getMessage());
    assertEquals(Map.of("quota", "max_vectors", "value", 10_001L, "ceiling", 10_000L, "plan", "free"), e.details());
    assertEquals("max_requests_per_second 10.5 exceeds plan free's ceiling of 10",
        free.exceeded(QuotaField.MAX_REQUESTS_PER_SECOND, 10.5).getMessage());
    java.util.Map<QuotaField, Number> unlimited = new java.util.HashMap<>();
    unlimited.put(QuotaField.MAX_BATCH_SIZE, null);
    assertEquals(QuotaField.MAX_BATCH_SIZE, free.firstExceeding(unlimited), "unlimited is above any ceiling");
    assertEquals("max_batch_size unlimited exceeds plan free's ceiling of 100",
        free.exceeded(QuotaField.MAX_BATCH_SIZE, null).getMessage());
    assertTrue(free.exceeded(QuotaField.MAX_BATCH_SIZE, null).details().containsKey("value"));
  }

  @Test
  void aPlansFileAddsPlansAndRedefinesBuiltInOnes() {
    Plans plans = parse("""
        {"plans": {
          "metered": {"description": "grows by itself",
                      "quotas": {"max_vectors": 10000, "max_requests_per_second": 20.5},
                      "ceilings": {"max_vectors": 20000, "max_requests_per_second": null},
                      "quota_policy": {"auto_grow": {"quota": "max_vectors", "factor": 1.5}}},
          "free": {"quotas": {"max_vectors": 500, "max_dimension": 384}}
        }}""");
    assertEquals(List.of("free", "pro", "unlimited", "metered"), plans.all().stream().map(Plan::name).toList());
    Plan metered = plans.get("metered");
    assertEquals("grows by itself", metered.description());
    assertEquals(10_000L, metered.quotas().maxVectors());
    assertNull(metered.quotas().maxStorageBytes(), "a quota not given is unlimited");
    assertEquals(20_000L, metered.ceiling(QuotaField.MAX_VECTORS));
    assertNull(metered.ceiling(QuotaField.MAX_REQUESTS_PER_SECOND), "a ceiling given null is none");
    AutoGrow g = metered.policy().autoGrow();
    assertEquals(new AutoGrow(QuotaField.MAX_VECTORS, 0.85, 1.5, AutoGrow.UpTo.CEILING, Duration.ofMinutes(10)), g,
        "the guide's example is the default of every field but quota");
    Plan free = plans.get("free");
    assertFalse(Plans.isBuiltIn(free));
    assertEquals(500L, free.quotas().maxVectors());
    assertEquals(500L, free.ceiling(QuotaField.MAX_VECTORS), "a ceiling not given is the plan's own quota");
    assertEquals(384, free.ceiling(QuotaField.MAX_DIMENSION));
    assertSame(Tier.PRO.plan(), plans.get("pro"));
  }

  @Test
  void aBadPlansFileIsRejectedNamingPlanFieldAndValue() {
    assertEquals("plan starter: ceilings.max_vectors must be at least the plan's own max_vectors (10000), got: 5000",
        rejection("{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":10000},\"ceilings\":{\"max_vectors\":5000}}}}"));
    assertEquals("plan starter: ceilings.max_batch_size must be at least the plan's own max_batch_size (unlimited), got: 10",
        rejection("{\"plans\":{\"starter\":{\"ceilings\":{\"max_batch_size\":10}}}}"));
    assertEquals("plan starter: quotas.max_vectors must be a non-negative number, got: -1",
        rejection("{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":-1}}}}"));
    assertEquals("plan starter: quotas.max_vectors must be an integer, got: 1.5",
        rejection("{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":1.5}}}}"));
    assertEquals("plan starter: quotas.max_batch_size must be at most 2147483647, got: 3000000000",
        rejection("{\"plans\":{\"starter\":{\"quotas\":{\"max_batch_size\":3000000000}}}}"));
    assertEquals("plan starter: Unknown field 'max_vector' in quotas; allowed: [max_batch_size, max_concurrent_queries, "
            + "max_dimension, max_requests_per_second, max_results_per_query, max_storage_bytes, max_vectors]",
        rejection("{\"plans\":{\"starter\":{\"quotas\":{\"max_vector\":1}}}}"));
    assertEquals("plan starter: Unknown field 'tier' in plans.starter; allowed: [ceilings, description, quota_policy, quotas]",
        rejection("{\"plans\":{\"starter\":{\"tier\":\"free\"}}}"));
    assertEquals("plan starter: quota_policy.auto_grow.factor must be above 1 and at most 1000, got: 0.9",
        rejection("{\"plans\":{\"starter\":{\"quota_policy\":{\"auto_grow\":{\"quota\":\"max_vectors\",\"factor\":0.9}}}}}"));
    assertEquals("plan starter: quota_policy.auto_grow.quota must be one of [max_vectors, max_storage_bytes], got: max_batch_size",
        rejection("{\"plans\":{\"starter\":{\"quota_policy\":{\"auto_grow\":{\"quota\":\"max_batch_size\"}}}}}"));
    assertEquals("plan starter: quota_policy.auto_grow.when_utilization_above must be above 0 and below 1, got: 1",
        rejection("{\"plans\":{\"starter\":{\"quota_policy\":{\"auto_grow\":{\"quota\":\"max_vectors\",\"when_utilization_above\":1}}}}}"));
    assertEquals("plan starter: quota_policy.auto_grow.up_to must be \"ceiling\" or a positive integer, got: 0",
        rejection("{\"plans\":{\"starter\":{\"quota_policy\":{\"auto_grow\":{\"quota\":\"max_vectors\",\"up_to\":0}}}}}"));
    assertEquals("plan names must match [a-z0-9][a-z0-9_-]{0,63}, got: Gold Plan",
        rejection("{\"plans\":{\"Gold Plan\":{}}}"));
    assertTrue(rejection("{\"plans\":{\"a\":{},\"a\":{}}}").startsWith("not valid JSON: Duplicate field 'a'"));
    assertEquals("plans must be an object of plans by name, got: null", rejection("{}"));
    assertEquals("Unknown field 'plan' in the plans file; allowed: [plans]", rejection("{\"plan\":{}}"));
  }

  @Test
  void policiesRoundTripThroughTheirJson() {
    QuotaPolicy p = new QuotaPolicy(new AutoGrow(QuotaField.MAX_STORAGE_BYTES, 0.9, 2, new AutoGrow.UpTo.AtMost(1L << 30),
        Duration.ofMinutes(0)));
    assertEquals(p, MetaCodec.readQuotaPolicy(MetaCodec.quotaPolicy(p), "quota_policy"));
    assertEquals("{\"auto_grow\":{\"quota\":\"max_storage_bytes\",\"when_utilization_above\":0.9,\"factor\":2.0,"
        + "\"up_to\":1073741824,\"cooldown_minutes\":0}}", MetaCodec.quotaPolicy(p).toString());
    assertEquals("{}", MetaCodec.quotaPolicy(QuotaPolicy.NONE).toString());
    assertEquals(QuotaPolicy.NONE, MetaCodec.readQuotaPolicy(MetaCodec.quotaPolicy(QuotaPolicy.NONE), "quota_policy"));
  }

  @Test
  void growthMultipliesUpToTheCeilingAndNeverShrinks() {
    AutoGrow g = AutoGrow.of(QuotaField.MAX_VECTORS);
    assertFalse(g.triggers(8_500, 10_000), "0.85 is not above 0.85");
    assertTrue(g.triggers(8_501, 10_000));
    assertEquals(15_000, g.grown(10_000, 20_000L));
    assertEquals(20_000, g.grown(15_000, 20_000L), "22,500 capped by the ceiling");
    assertEquals(20_000, g.grown(20_000, 20_000L), "at the ceiling: no growth");
    assertEquals(25_000, g.grown(25_000, 20_000L), "above the ceiling by an override: kept, never lowered");
    assertEquals(22_500, g.grown(15_000, null), "no ceiling: unbounded");
    assertEquals(2, g.grown(1, null), "at least one more");
    AutoGrow upTo = new AutoGrow(QuotaField.MAX_VECTORS, 0.85, 1.5, new AutoGrow.UpTo.AtMost(12_000), Duration.ZERO);
    assertEquals(12_000, upTo.grown(10_000, 20_000L));
    assertEquals(11_000, upTo.grown(10_000, 11_000L), "the ceiling wins over a higher up_to");
  }
}
