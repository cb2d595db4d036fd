package io.vecstore.core.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.audit.Actor;
import io.vecstore.core.audit.ChangeCause;
import io.vecstore.core.audit.EventType;
import io.vecstore.core.audit.NamespaceEvent;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.PlanCodec;
import io.vecstore.core.quota.AutoGrow;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.store.DataLayout;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's "Dynamic Quota Adjustment" as a plan's policy, on real Lucene with real writer
 * threads: max_vectors 10,000, ceiling 20,000, times 1.5 above 0.85 with a 10-minute cooldown
 * grows to 15,000 on the 8,501st vector, later to 20,000, never beyond, and concurrent writers
 * never grow it twice within a cooldown.
 */
@ExtendWith(Seeded.class)
class AutoGrowTest {

  private static final int WRITERS = 4;

  @TempDir Path dataDir;

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T08:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final Plans PLANS = PlanCodec.readFile("""
      {"plans": {"metered": {
        "quotas": {"max_vectors": 10000},
        "ceilings": {"max_vectors": 20000},
        "quota_policy": {"auto_grow": {"quota": "max_vectors", "when_utilization_above": 0.85, "factor": 1.5,
                                       "up_to": "ceiling", "cooldown_minutes": 10}}}}}""".getBytes(StandardCharsets.UTF_8));

  private final AtomicInteger nextId = new AtomicInteger();

  private List<VectorRecord> batch(int n, Random random) {
    List<VectorRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new VectorRecord("v" + nextId.getAndIncrement(), new float[] {random.nextFloat() + 0.01f, random.nextFloat()}, null));
    }
    return out;
  }

  /** {@code total} new vectors from {@link #WRITERS} threads at once, in batches of {@code size}. */
  private void writeConcurrently(NamespaceManager m, String ns, int total, int size, Random random) throws Exception {
    long seed = random.nextLong();
    CyclicBarrier start = new CyclicBarrier(WRITERS);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS, r -> new Thread(r, "test-writer"));
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int share = total / WRITERS + (w < total % WRITERS ? 1 : 0);
        Random mine = new Random(seed + w);
        done.add(pool.submit(() -> {
          start.await();
          for (int left = share; left > 0; left -= size) {
            m.upsert(ns, batch(Math.min(size, left), mine));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static long maxVectors(NamespaceManager m, String ns) {
    return m.get(ns).meta().quotas().maxVectors();
  }

  private static List<NamespaceEvent> policyEvents(NamespaceManager m, String ns) {
    return m.events(ns, 1000, null).events().stream().filter(e -> e.actor() instanceof Actor.Policy).toList();
  }

  @Test
  void growsTo15000OnThe8501stVectorThenTo20000AndNeverBeyond(Random random) throws Exception {
    ManualClock clock = new ManualClock();
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir).withPlans(PLANS), clock)) {
      m.create(new CreateNamespace("ns", "ns", null, Map.of(), "metered", null, null, 2, null, null, false));

      writeConcurrently(m, "ns", 8_500, 125, random);
      assertEquals(10_000, maxVectors(m, "ns"), "8,500 / 10,000 is not above 0.85");
      assertEquals(List.of(), policyEvents(m, "ns"));

      m.upsert("ns", batch(1, random)); // the 8,501st: admitted, and the quota grows after it
      assertEquals(8_501, m.get("ns").vectorCount());
      assertEquals(15_000, maxVectors(m, "ns"));
      NamespaceEvent first = policyEvents(m, "ns").getFirst();
      assertEquals(EventType.QUOTAS, first.type());
      assertEquals("{\"max_vectors\":10000}", first.oldValue().toString());
      assertEquals("{\"max_vectors\":15000}", first.newValue().toString());
      assertEquals("max_vectors utilization 0.8501 above 0.85 after a write (8501 / 10000)", first.reason());

      // Above 0.85 of 15,000 from the 12,751st on, but within the cooldown: no growth.
      writeConcurrently(m, "ns", 14_000 - 8_501, 50, random);
      assertEquals(15_000, maxVectors(m, "ns"));
      assertEquals(1, policyEvents(m, "ns").size());

      // The cooldown is over: the writers all find the namespace above its threshold at once.
      clock.advance(Duration.ofMinutes(10));
      writeConcurrently(m, "ns", 400, 10, random);
      assertEquals(20_000, maxVectors(m, "ns"), "22,500 capped at the ceiling");
      assertEquals(2, policyEvents(m, "ns").size(), "concurrent writers grew it once");

      clock.advance(Duration.ofMinutes(30));
      writeConcurrently(m, "ns", 20_000 - 14_400, 100, random);
      assertEquals(20_000, m.get("ns").vectorCount());
      assertEquals(20_000, maxVectors(m, "ns"), "never beyond the ceiling");
      QuotaExceededException full = assertThrows(QuotaExceededException.class, () -> m.upsert("ns", batch(1, random)));
      assertEquals("Upsert would exceed vector quota: 20000 + 1 > 20000", full.getMessage());
      List<NamespaceEvent> policy = policyEvents(m, "ns");
      assertEquals(2, policy.size());
      assertEquals("{\"max_vectors\":20000}", policy.getFirst().newValue().toString());
      assertEquals(2L, m.quotaChanges().get(ChangeCause.POLICY));
    }
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir).withPlans(PLANS), new ManualClock())) {
      assertEquals(20_000, maxVectors(m, "ns"), "the grown quota is persisted");
      assertEquals(2, policyEvents(m, "ns").size());
    }
    assertTrue(IndexFiles.check(new DataLayout(dataDir).indexDir("ns"), 1, null).clean());
  }

  @Test
  void withoutCooldownConcurrentWritersStillNeverGrowFromTheSameLimitTwice(Random random) throws Exception {
    ManualClock clock = new ManualClock();
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir).withPlans(PLANS), clock)) {
      m.create(new CreateNamespace("ns", "ns", null, Map.of(), "metered", null, null, 2, null,
          new QuotaPolicy(new AutoGrow(QuotaField.MAX_VECTORS, 0.5, 1.1, new AutoGrow.UpTo.AtMost(9_000), Duration.ZERO)),
          false));
      m.updateQuotas("ns", io.vecstore.core.quota.QuotaPatch.of(Map.of(QuotaField.MAX_VECTORS, 1_000L)));
      writeConcurrently(m, "ns", 4_000, 5, random);
      List<NamespaceEvent> grown = policyEvents(m, "ns");
      List<Long> from = grown.stream().map(e -> e.oldValue().get("max_vectors").asLong()).toList();
      assertEquals(from.size(), from.stream().distinct().count(), "each limit grown once: " + from);
      for (NamespaceEvent e : grown) {
        long before = e.oldValue().get("max_vectors").asLong();
        assertEquals(Math.max(before + 1, (long) Math.floor(before * 1.1)), e.newValue().get("max_vectors").asLong());
      }
      long limit = maxVectors(m, "ns");
      assertTrue(limit <= 9_000 && 4_000 <= limit, "up_to 9,000 and at least what was written: " + limit);
      assertTrue(IntStream.range(1, grown.size()).allMatch(i -> grown.get(i).seq() < grown.get(i - 1).seq()));
    }
  }
}
