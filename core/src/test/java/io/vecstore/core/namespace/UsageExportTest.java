package io.vecstore.core.namespace;

import io.vecstore.core.usage.DailyUsage;
import io.vecstore.core.usage.UsageLedger;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.vector.SearchRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.quota.Tier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daily usage rollups for billing: counts per UTC day, size peaks, kept across restarts and deletes. */
class UsageExportTest {

  @TempDir Path dataDir;

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      now = start;
    }

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

  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 23);
  private static final LocalDate DAY2 = DAY1.plusDays(1);

  private static List<VectorRecord> vectors(int from, int n) {
    return java.util.stream.IntStream.range(from, from + n)
        .mapToObj(i -> new VectorRecord("v" + i, new float[] {i, 1, 2}, null)).toList();
  }

  private static CreateNamespace ns(String id) {
    return new CreateNamespace(id, id, null, Map.of(), Tier.UNLIMITED, null, null, null);
  }

  @Test
  void countsEachDaysRequestsAndPeaksAndKeepsThemAcrossRestartAndDelete() throws Exception {
    ManualClock clock = new ManualClock(DAY1.atTime(22, 0).toInstant(ZoneOffset.UTC));
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir), clock)) {
      m.create(ns("a"));
      m.create(ns("b"));
      m.upsert("a", vectors(0, 30));
      m.upsert("a", vectors(30, 20));
      m.query("a", new SearchRequest(new float[] {1, 1, 1}, 3, null, null, false, false));
      m.deleteVectors("a", List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"));
      List<DailyUsage> day1 = m.usageBetween(DAY1, DAY1, null);
      assertEquals(2, day1.size(), day1.toString());
      DailyUsage a1 = day1.get(0);
      assertEquals(new DailyUsage("a", DAY1, 50, a1.storageBytesPeak(), 4, 1, 2, 1), a1);
      assertTrue(a1.storageBytesPeak() > 0);
      assertEquals(new DailyUsage("b", DAY1, 0, day1.get(1).storageBytesPeak(), 0, 0, 0, 0), day1.get(1));

      clock.advance(Duration.ofHours(3)); // past midnight UTC
      m.upsert("a", vectors(100, 5));
      m.query("a", new SearchRequest(new float[] {1, 1, 1}, 3, null, null, false, false));
      m.query("a", new SearchRequest(new float[] {1, 1, 1}, 3, null, null, false, false));
      List<DailyUsage> both = m.usageBetween(DAY1, DAY2, "a");
      assertEquals(List.of(DAY1, DAY2), both.stream().map(DailyUsage::date).toList());
      assertEquals(4, both.get(0).requests(), "day 1 is closed: later requests go to day 2");
      DailyUsage a2 = both.get(1);
      assertEquals(45, a2.vectorCountPeak(), "40 left after the deletes, then 5 more");
      assertEquals(3, a2.requests());
      assertEquals(2, a2.queries());
      assertEquals(1, a2.upserts());
    }
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir), clock)) {
      m.query("a", new SearchRequest(new float[] {1, 1, 1}, 3, null, null, false, false));
      m.delete("a");
      List<DailyUsage> after = m.usageBetween(DAY1, DAY2, "a");
      assertEquals(2, after.size(), "a deleted namespace keeps its usage: " + after);
      assertEquals(1, after.get(0).queries());
      assertEquals(2 + 1, after.get(1).queries(), "the query after the restart, just before the delete, counts");
      assertTrue(Files.exists(dataDir.resolve(".usage/a.json")));
    }
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir), clock)) {
      assertEquals(List.of("b"), m.list(100, null, null, null).namespaces().stream()
          .map(i -> i.meta().id()).toList(), "the usage directory is not a namespace");
      assertEquals(4, m.usageBetween(DAY1, DAY2, null).size());
    }
  }

  @Test
  void rejectsBadRanges() throws Exception {
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      InvalidRequestException reversed = assertThrows(InvalidRequestException.class,
          () -> m.usageBetween(DAY2, DAY1, null));
      assertEquals("from must not be after to, got: from=2026-11-24, to=2026-11-23", reversed.getMessage());
      InvalidRequestException tooLong = assertThrows(InvalidRequestException.class,
          () -> m.usageBetween(DAY1.minusDays(400), DAY1, null));
      assertEquals("usage range must be at most 366 days, got: 401", tooLong.getMessage());
    }
  }

  @Test
  void aCounterThatWentBackwardsRestartsTheBaseline() {
    UsageLedger ledger = new UsageLedger(new io.vecstore.core.store.DataLayout(dataDir));
    ledger.record("x", new Usage(10, 5, 5, 0), 7, 100, DAY1);
    ledger.record("x", new Usage(14, 7, 7, 0), 9, 90, DAY1);
    ledger.record("x", new Usage(12, 6, 6, 0), -1, -1, DAY1); // lost a second in a crash; size unknown
    ledger.record("x", new Usage(13, 7, 6, 0), -1, -1, DAY2);
    ledger.flush();
    List<DailyUsage> days = new UsageLedger(new io.vecstore.core.store.DataLayout(dataDir)).between(DAY1, DAY2, null);
    assertEquals(List.of(
        new DailyUsage("x", DAY1, 9, 100, 4, 2, 2, 0),
        new DailyUsage("x", DAY2, 9, 90, 1, 1, 0, 0)), days, "unknown sizes carry the last known forward");
  }
}
