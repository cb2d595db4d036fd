package io.vecstore.core.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.audit.Actor;
import io.vecstore.core.audit.ChangeCause;
import io.vecstore.core.audit.EventLog;
import io.vecstore.core.audit.EventPage;
import io.vecstore.core.audit.EventType;
import io.vecstore.core.audit.NamespaceEvent;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.meta.PlanCodec;
import io.vecstore.core.quota.AutoGrow;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Tier;
import io.vecstore.core.store.DataLayout;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans, their ceilings, plan changes and the audit trail through the real manager on real
 * directories: the guide's {@code validate_for_tier} as configuration, and the trail surviving a
 * restart and a crash.
 */
@ExtendWith(Seeded.class)
class PlanChangesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private static final Plans PLANS = PlanCodec.readFile("""
      {"plans": {"team": {"quotas": {"max_vectors": 50000, "max_batch_size": 500},
                          "ceilings": {"max_vectors": 100000, "max_batch_size": null}}}}"""
      .getBytes(StandardCharsets.UTF_8));

  private NamespaceManager open(Path dir) throws IOException {
    return new NamespaceManager(ManagerConfig.defaults(dir).withPlans(PLANS));
  }

  private static CreateNamespace onPlan(String id, String plan, QuotaPatch quotas, boolean override) {
    return new CreateNamespace(id, id, null, Map.of(), plan, quotas, null, null, null, null, override);
  }

  private static QuotaPatch vectors(Long n) {
    Map<QuotaField, Number> v = new HashMap<>();
    v.put(QuotaField.MAX_VECTORS, n);
    return QuotaPatch.of(v);
  }

  private static List<NamespaceEvent> all(NamespaceManager m, String id) {
    List<NamespaceEvent> out = new ArrayList<>();
    String cursor = null;
    do {
      EventPage page = m.events(id, 7, cursor);
      out.addAll(page.events());
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  @Test
  void aFreeNamespaceCannotGetMoreVectorsThanItsCeilingWithoutOverride() throws IOException {
    try (NamespaceManager m = open(dataDir)) {
      m.create(onPlan("f", "free", null, false));
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> m.updateQuotas("f", vectors(10_001L)));
      assertEquals("exceeds_plan", e.code());
      assertEquals("max_vectors 10001 exceeds plan free's ceiling of 10000", e.getMessage());
      assertEquals(10_001L, e.details().get("value"));
      assertEquals(10_000L, e.details().get("ceiling"));
      assertEquals(10_000L, m.get("f").meta().quotas().maxVectors(), "nothing changed");
      assertEquals(List.of(EventType.CREATED), all(m, "f").stream().map(NamespaceEvent::type).toList());
      assertThrows(InvalidRequestException.class, () -> m.updateQuotas("f", vectors(null)), "unlimited is above it too");

      assertEquals(5_000L, m.updateQuotas("f", vectors(5_000L)).meta().quotas().maxVectors(), "lowering is fine");
      NamespaceMeta raised = m.updateQuotas("f", vectors(10_001L), true, Actor.ADMIN).meta();
      assertEquals(10_001L, raised.quotas().maxVectors());
      NamespaceEvent override = m.events("f", 1, null).events().getFirst();
      assertEquals(EventType.QUOTAS, override.type());
      assertTrue(override.override());
      assertEquals("admin", override.actor().wireName());
      assertEquals("{\"max_vectors\":5000}", override.oldValue().toString());
      assertEquals("{\"max_vectors\":10001}", override.newValue().toString());
      assertEquals(Map.of(ChangeCause.ADMIN, 1L, ChangeCause.OVERRIDE, 1L, ChangeCause.PLAN, 0L, ChangeCause.POLICY, 0L),
          m.quotaChanges());
    }
  }

  @Test
  void createIsCheckedAgainstThePlanAndRecorded() throws IOException {
    try (NamespaceManager m = open(dataDir)) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> m.create(onPlan("t", "team", vectors(200_000L), false)));
      assertEquals("max_vectors 200000 exceeds plan team's ceiling of 100000", e.getMessage());
      assertFalse(m.ids().contains("t"));
      m.create(onPlan("t", "team", QuotaPatch.of(Map.of(QuotaField.MAX_BATCH_SIZE, 5_000)), false));
      assertEquals(5_000, m.get("t").meta().quotas().maxBatchSize(), "no ceiling for batches on team");
      m.create(onPlan("big", "team", vectors(200_000L), true));
      NamespaceEvent created = all(m, "big").getFirst();
      assertEquals(EventType.CREATED, created.type());
      assertTrue(created.override());
      assertEquals("team", created.newValue().get("plan").asText());
      assertEquals(200_000, created.newValue().get("quotas").get("max_vectors").asLong());
      assertEquals(1L, m.quotaChanges().get(ChangeCause.OVERRIDE));

      InvalidRequestException unknown = assertThrows(InvalidRequestException.class,
          () -> m.create(onPlan("x", "gold", null, false)));
      assertEquals("plan must be one of [free, pro, unlimited, team], got: gold", unknown.getMessage());
    }
  }

  @Test
  void tierQuotasAndDefaultsPickThePlan() throws IOException {
    try (NamespaceManager m = open(dataDir)) {
      NamespaceMeta byDefault = m.create(CreateNamespace.of("d", "d")).meta();
      assertEquals("pro", byDefault.plan());
      assertEquals(Quotas.defaults(), byDefault.quotas());
      NamespaceMeta byQuotas = m.create(new CreateNamespace("q", "q", null, Map.of(), (Tier) null, vectors(50_000L), null, null))
          .meta();
      assertEquals("unlimited", byQuotas.plan(), "quotas alone: the fields not given are unlimited");
      assertNull(byQuotas.quotas().maxBatchSize());
      NamespaceMeta byTier = m.create(new CreateNamespace("t", "t", null, Map.of(), Tier.FREE, null, null, null)).meta();
      assertEquals("free", byTier.plan());
      assertEquals(Tier.FREE.quotas(), byTier.quotas());
      assertThrows(InvalidRequestException.class,
          () -> m.create(new CreateNamespace("t2", "t2", null, Map.of(), Tier.FREE, vectors(20_000L), null, null)),
          "a tier's own values are its ceilings");
    }
  }

  @Test
  void changingThePlanRevalidatesTheQuotas() throws IOException {
    try (NamespaceManager m = open(dataDir)) {
      m.create(onPlan("c", "team", null, false));
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> m.changePlan("c", "free", false, false, Actor.ADMIN));
      assertEquals("max_vectors 50000 exceeds plan free's ceiling of 10000", e.getMessage());
      assertEquals("team", m.get("c").meta().plan());

      NamespaceMeta kept = m.changePlan("c", "free", false, true, Actor.ADMIN).meta();
      assertEquals("free", kept.plan());
      assertEquals(50_000L, kept.quotas().maxVectors(), "override keeps the quotas above the new ceilings");
      NamespaceEvent plan = m.events("c", 1, null).events().getFirst();
      assertEquals(EventType.PLAN, plan.type());
      assertTrue(plan.override());
      assertEquals("\"team\"", plan.oldValue().toString());

      NamespaceMeta reset = m.changePlan("c", "pro", true, false, Actor.ADMIN).meta();
      assertEquals("pro", reset.plan());
      assertEquals(Tier.PRO.quotas(), reset.quotas(), "reset_quotas: the plan's own quotas");
      List<NamespaceEvent> last = m.events("c", 2, null).events();
      assertEquals(List.of(EventType.QUOTAS, EventType.PLAN), last.stream().map(NamespaceEvent::type).toList());
      assertEquals("the quotas of plan pro", last.getFirst().reason());
      assertEquals(1L, m.quotaChanges().get(ChangeCause.PLAN));

      assertEquals("max_vectors 1000000 exceeds plan team's ceiling of 100000",
          assertThrows(InvalidRequestException.class, () -> m.changePlan("c", "team", false, false, Actor.ADMIN)).getMessage());
      m.updateQuotas("c", vectors(90_000L));
      NamespaceMeta within = m.changePlan("c", "team", false, false, Actor.ADMIN).meta();
      assertEquals("team", within.plan(), "within team's ceilings (and team leaves batch sizes open)");
      assertEquals(90_000L, within.quotas().maxVectors());
      assertThrows(InvalidRequestException.class, () -> m.changePlan("c", "gold", false, false, Actor.ADMIN));
    }
  }

  @Test
  void policyAndStatusChangesAreRecordedWithTheirActor() throws IOException {
    try (NamespaceManager m = open(dataDir)) {
      m.create(onPlan("p", "free", null, false));
      QuotaPolicy policy = new QuotaPolicy(AutoGrow.of(QuotaField.MAX_VECTORS));
      assertEquals(policy, m.updateQuotaPolicy("p", policy, Actor.ADMIN).meta().quotaPolicy());
      assertNull(m.updateQuotaPolicy("p", null, new Actor.Key("ops")).meta().quotaPolicy());
      m.updateStatus("p", NamespaceStatus.SUSPENDED, Actor.ADMIN);
      m.updateStatus("p", NamespaceStatus.SUSPENDED, Actor.ADMIN); // no change: no event
      List<NamespaceEvent> events = all(m, "p");
      assertEquals(List.of(EventType.STATUS, EventType.QUOTA_POLICY, EventType.QUOTA_POLICY, EventType.CREATED),
          events.stream().map(NamespaceEvent::type).toList());
      assertEquals("\"active\"", events.get(0).oldValue().toString());
      assertEquals("\"suspended\"", events.get(0).newValue().toString());
      assertEquals("key:ops", events.get(1).actor().wireName());
      assertTrue(events.get(1).newValue().isNull(), "null: follows the plan's policy again");
      assertEquals(List.of(4L, 3L, 2L, 1L), events.stream().map(NamespaceEvent::seq).toList());
    }
  }

  @Test
  void eventsArePagedNewestFirstAndBoundedToTheLastThousand(Random random) throws IOException {
    int changes = EventLog.KEEP + 150 + random.nextInt(EventLog.KEEP);
    try (NamespaceManager m = open(dataDir)) {
      m.create(onPlan("e", "unlimited", null, false));
      for (int i = 1; i <= changes; i++) {
        m.updateQuotas("e", QuotaPatch.of(Map.of(QuotaField.MAX_BATCH_SIZE, i)));
      }
      assertPagedAndBounded(m, changes);
      InvalidRequestException bad = assertThrows(InvalidRequestException.class, () -> m.events("e", 10, "bm90LWEtc2Vx"));
      assertEquals("cursor is not one this server returned: bm90LWEtc2Vx", bad.getMessage());
      assertThrows(InvalidRequestException.class, () -> m.events("e", 0, null));
    }
    long lines;
    try (Stream<String> l = Files.lines(new DataLayout(dataDir).eventsFile("e"))) {
      lines = l.count();
    }
    assertTrue(lines < 2 * EventLog.KEEP, "the file is compacted: " + lines + " lines");
    try (NamespaceManager m = open(dataDir)) {
      assertPagedAndBounded(m, changes); // after a restart
    }
  }

  private static void assertPagedAndBounded(NamespaceManager m, int changes) {
    List<NamespaceEvent> events = all(m, "e");
    assertEquals(EventLog.KEEP, events.size());
    for (int i = 0; i < events.size(); i++) {
      NamespaceEvent e = events.get(i);
      assertEquals(changes + 1 - i, e.seq(), "newest first, consecutive");
      assertEquals(changes - i, e.newValue().get("max_batch_size").asInt());
    }
  }

  @Test
  void eventsSurviveACrashAndOnlyTheChangesNamespaceJsonHoldsAreKept() throws IOException {
    Path crashed = dataDir.resolve("crashed");
    Path live = dataDir.resolve("live");
    try (NamespaceManager m = open(live)) {
      m.create(onPlan("k", "free", null, false));
      m.updateQuotas("k", vectors(20_000L), true, Actor.ADMIN);
      m.changePlan("k", "team", false, false, Actor.ADMIN);
      m.updateStatus("k", NamespaceStatus.READ_ONLY, Actor.ADMIN);
      copyTree(live, crashed); // what a kill -9 leaves: every acknowledged change is on disk
    }
    DataLayout layout = new DataLayout(crashed);
    Path events = layout.eventsFile("k");
    // An event appended for a change whose namespace.json was never written, then a torn line.
    ObjectNode orphan = new NamespaceEvent.Draft(Actor.ADMIN, EventType.STATUS, JSON.getNodeFactory().textNode("read_only"),
        JSON.getNodeFactory().textNode("suspended"), false, null, null).at(5, java.time.Instant.now()).toJson();
    Files.writeString(events, JSON.writeValueAsString(orphan) + "\n{\"seq\":6,\"at\":\"20", StandardOpenOption.APPEND);
    try (NamespaceManager m = open(crashed)) {
      List<NamespaceEvent> after = all(m, "k");
      assertEquals(List.of(EventType.STATUS, EventType.PLAN, EventType.QUOTAS, EventType.CREATED),
          after.stream().map(NamespaceEvent::type).toList());
      assertEquals(NamespaceStatus.READ_ONLY, m.get("k").meta().status());
      m.updateStatus("k", NamespaceStatus.ACTIVE, Actor.ADMIN);
      NamespaceEvent next = m.events("k", 1, null).events().getFirst();
      assertEquals(5, next.seq(), "numbering goes on from what namespace.json recorded");
      assertEquals("\"read_only\"", next.oldValue().toString());
    }
    assertEquals(5, Files.readAllLines(events).size(), "the orphan and the torn line are gone from the file");
  }

  @Test
  void aNamespaceJsonWrittenBeforePlansGetsThePlanItsQuotasCameFrom() throws IOException {
    Map<String, String> expected = Map.of("was-free", "free", "was-default", "pro", "was-custom", "unlimited");
    try (NamespaceManager m = open(dataDir)) {
      m.create(new CreateNamespace("was-free", "was-free", null, Map.of(), Tier.FREE, null, null, null));
      m.create(CreateNamespace.of("was-default", "was-default"));
      m.create(new CreateNamespace("was-custom", "was-custom", null, Map.of(), (Tier) null, vectors(123L), null, null));
    }
    DataLayout layout = new DataLayout(dataDir);
    for (String id : expected.keySet()) {
      ObjectNode json = (ObjectNode) JSON.readTree(layout.metaFile(id).toFile());
      json.remove(List.of("plan", "quota_policy", "event_seq"));
      Files.write(layout.metaFile(id), JSON.writeValueAsBytes(json));
      Files.delete(layout.eventsFile(id));
    }
    try (NamespaceManager m = open(dataDir)) {
      for (var e : expected.entrySet()) {
        NamespaceMeta meta = m.get(e.getKey()).meta();
        assertEquals(e.getValue(), meta.plan(), e.getKey());
        assertNull(meta.quotaPolicy());
        assertEquals(List.of(), all(m, e.getKey()));
      }
      m.updateStatus("was-free", NamespaceStatus.READ_ONLY, Actor.ADMIN);
      assertEquals(1, all(m, "was-free").getFirst().seq());
    }
    assertEquals("free", JSON.readTree(layout.metaFile("was-free").toFile()).get("plan").asText(), "written back on the next change");
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("write.lock")) {
          Files.copy(p, target);
        }
      }
    }
  }
}
