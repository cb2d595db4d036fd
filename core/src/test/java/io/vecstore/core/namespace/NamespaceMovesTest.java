package io.vecstore.core.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.Metric;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.wal.WalFrames;
import io.vecstore.core.wal.WalRecord;
import io.vecstore.testdata.Seeded;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a namespace between two managers the way cluster mode does (snapshot copy, log tail,
 * paused writes, namespace.json), the write gate and the write check, on real Lucene.
 */
@ExtendWith(Seeded.class)
class NamespaceMovesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  private NamespaceManager source;
  private NamespaceManager target;

  @BeforeEach
  void open() throws IOException {
    source = new NamespaceManager(ManagerConfig.defaults(sourceDir));
    target = new NamespaceManager(ManagerConfig.defaults(targetDir));
  }

  @AfterEach
  void close() throws IOException {
    source.close();
    target.close();
  }

  private static void create(NamespaceManager m, String id) {
    m.create(new CreateNamespace(id, id, null, Map.of(), Tier.UNLIMITED, null, Metric.EUCLIDEAN, null));
  }

  private static VectorRecord vec(String id, Random random) {
    return new VectorRecord(id, new float[] {random.nextFloat(), random.nextFloat(), random.nextFloat()},
        JSON.createObjectNode().put("n", random.nextInt(1000)));
  }

  /** Every vector of a namespace, id to its values and metadata as text. */
  private static Map<String, String> contents(NamespaceManager m, String ns) {
    Map<String, String> out = new TreeMap<>();
    for (QueryHit h : m.query(ns, new SearchRequest(new float[] {0, 0, 0}, 5000, 5000, null, true, true))) {
      out.put(h.id(), java.util.Arrays.toString(h.values()) + h.metadata());
    }
    return out;
  }

  @Test
  void moveCopiesSnapshotAndLogTailWhileAWriterRunsThenHandsOff(Random random) throws Exception {
    create(source, "ns");
    List<VectorRecord> first = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      first.add(vec("v" + i, random));
    }
    source.upsert("ns", first);
    String key = source.keys().create("ns", "app", KeyRole.WRITE).key();
    source.updateQuotas("ns", QuotaPatch.of(Map.of(QuotaField.MAX_VECTORS, 1_000_000L)));

    // A writer keeps going through the whole move; every acknowledged write must arrive.
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acknowledged = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    long writerSeed = random.nextLong();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      Random r = new Random(writerSeed);
      for (int i = 0; !stop.get(); i++) {
        try {
          if (i % 7 == 3) {
            source.deleteVectors("ns", List.of("v" + r.nextInt(200)));
          } else {
            source.upsert("ns", List.of(vec("w" + i, r), vec("v" + r.nextInt(200), r)));
          }
          acknowledged.incrementAndGet();
          Thread.sleep(1);
        } catch (UnavailableException e) {
          assertEquals("not_owner", e.code());
          refused.incrementAndGet();
          return; // handed off: the rest goes to the new owner
        } catch (InterruptedException e) {
          return;
        }
      }
    });

    long seq;
    try (NamespaceMoves.Outgoing out = source.moves().openOutgoing("ns")) {
      stopOnFailure(stop);
      assertTrue(out.logged());
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      out.writeArchive(archive);
      target.moves().install("ns", new ByteArrayInputStream(archive.toByteArray()));
      assertTrue(target.moves().incoming("ns"));
      assertEquals(0, target.list(100, null, null, null, id -> !target.moves().incoming(id)).total(),
          "an incoming copy is not among the target's own namespaces");
      seq = out.snapshot().walSeq();
      while (acknowledged.get() < 30) {
        Thread.sleep(5);
      }
      seq = ship(out, seq, 3); // catch up while writes go on
      out.pauseWrites(Duration.ofSeconds(5));
      // The writer counts a write after the call returns, a moment after the gate let it out.
      Thread.sleep(50);
      int atPause = acknowledged.get();
      seq = ship(out, seq, Integer.MAX_VALUE); // the last of it
      assertEquals(List.of(), out.logAfter(seq, 1 << 20), "nothing is written while paused");
      target.moves().adoptMeta("ns", out.metaJson());
      Thread.sleep(50);
      assertEquals(atPause, acknowledged.get(), "no write is acknowledged while paused");
      out.handOff();
    }
    writer.get(10, TimeUnit.SECONDS);
    stop.set(true);
    assertEquals(1, refused.get(), "the paused write is refused with not_owner once handed off");
    target.moves().activate("ns", null);

    assertEquals(contents(source, "ns"), contents(target, "ns"));
    var moved = target.get("ns");
    assertEquals(1_000_000L, moved.meta().quotas().maxVectors());
    assertEquals(source.stats("ns").usage(), target.stats("ns").usage(), "counters travel");
    assertEquals("ns", target.keys().authenticate(key).orElseThrow().namespace(), "keys travel");
    assertEquals(1, target.list(100, null, null, null, id -> !target.moves().incoming(id)).total());
    UnavailableException late = assertThrows(UnavailableException.class,
        () -> source.upsert("ns", List.of(vec("late", random))));
    assertEquals("not_owner", late.code());
    assertEquals(1, late.retryAfterSeconds());
    assertEquals(contents(source, "ns").size(), source.stats("ns").vectorCount(), "reads still work on the old copy");

    source.moves().discard("ns");
    assertFalse(source.list(10, null, null, null).namespaces().stream().anyMatch(i -> i.meta().id().equals("ns")));
    Map<String, String> expected = contents(target, "ns");
    target.close();
    IndexFiles.CheckResult check = IndexFiles.check(targetDir.resolve("ns/index"), 3, null);
    assertTrue(check.clean(), check.report());
    target = new NamespaceManager(ManagerConfig.defaults(targetDir));
    assertEquals(expected, contents(target, "ns"), "the moved copy is durable on the target");
    assertEquals("ns", target.keys().authenticate(key).orElseThrow().namespace());
  }

  private AtomicBoolean writerStop;

  /** A failing assertion must not leave the writer looping on the shared pool (later tests use it). */
  private void stopOnFailure(AtomicBoolean stop) {
    writerStop = stop;
  }

  @AfterEach
  void stopWriter() {
    if (writerStop != null) {
      writerStop.set(true);
    }
  }

  /** Ships the log after {@code seq} to the target in frames, as the server does; returns the new position. */
  private long ship(NamespaceMoves.Outgoing out, long seq, int maxRounds) throws IOException {
    for (int round = 0; round < maxRounds; round++) {
      List<WalRecord> tail = out.logAfter(seq, 64 * 1024);
      if (tail.isEmpty()) {
        return seq;
      }
      byte[] frames = WalFrames.encode(tail);
      target.moves().applyLog("ns", WalFrames.decode(new ByteArrayInputStream(frames)));
      seq = tail.getLast().seq();
    }
    return seq;
  }

  @Test
  void logAfterASnapshotSurvivesCommitsWhileRetained(Random random) throws Exception {
    create(source, "ns");
    source.upsert("ns", List.of(vec("a", random)));
    try (NamespaceMoves.Outgoing out = source.moves().openOutgoing("ns")) {
      long seq = out.snapshot().walSeq();
      for (int i = 0; i < 5; i++) {
        source.upsert("ns", List.of(vec("b" + i, random)));
        source.snapshots().create("ns", "s" + i); // each commits and drops log segments the commit holds
      }
      List<WalRecord> tail = out.logAfter(seq, Long.MAX_VALUE);
      assertEquals(5, tail.size());
      assertEquals(seq + 1, tail.getFirst().seq());
    }
    source.upsert("ns", List.of(vec("c", random)));
    source.snapshots().create("ns", "after"); // released: this commit drops the kept segments
    try (NamespaceMoves.Outgoing out = source.moves().openOutgoing("ns")) {
      assertEquals(List.of(), out.logAfter(out.snapshot().walSeq(), 1024));
      IllegalStateException gone = assertThrows(IllegalStateException.class, () -> out.logAfter(1, 1024));
      assertTrue(gone.getMessage().contains("no longer holds record 2"), gone.getMessage());
    }
  }

  @Test
  void twoCopiesKeepTheLogUntilBothConfirmedIt(Random random) throws Exception {
    create(source, "ns");
    source.upsert("ns", List.of(vec("a", random)));
    try (NamespaceMoves.Outgoing first = source.moves().openOutgoing("ns");
        NamespaceMoves.Outgoing second = source.moves().openOutgoing("ns")) {
      long seq = first.snapshot().walSeq();
      for (int i = 0; i < 4; i++) {
        source.upsert("ns", List.of(vec("b" + i, random)));
      }
      first.confirmed(first.lastLoggedSeq()); // the first replica has everything
      source.snapshots().create("ns", "s"); // a commit: only what the second still needs stays
      assertEquals(4, second.logAfter(seq, Long.MAX_VALUE).size(), "the second copy's records are kept");
      second.confirmed(second.lastLoggedSeq());
      source.upsert("ns", List.of(vec("c", random)));
      source.snapshots().create("ns", "t");
      assertEquals(1, second.logAfter(second.lastLoggedSeq() - 1, Long.MAX_VALUE).size());
    }
  }

  @Test
  void confirmSeesTheLastLoggedSequenceOfEachWriteBeforeItIsAcknowledged(Random random) {
    create(source, "ns");
    List<Long> confirmed = new java.util.concurrent.CopyOnWriteArrayList<>();
    source.writeCheck(new WriteCheck() {
      @Override
      public void check(String namespaceId) {}

      @Override
      public void confirm(String namespaceId, long lastLoggedSeq) {
        confirmed.add(lastLoggedSeq);
        if (lastLoggedSeq == 3) {
          throw UnavailableException.notOwner(namespaceId, "a replica did not confirm", 1);
        }
      }
    });
    source.upsert("ns", List.of(vec("a", random)));
    source.upsert("ns", List.of(vec("b", random)));
    assertThrows(UnavailableException.class, () -> source.upsert("ns", List.of(vec("c", random))), "not acknowledged");
    assertEquals(List.of(1L, 2L, 3L), confirmed);
  }

  @Test
  void anIncomingCopyStaysIncomingAcrossARestart(Random random) throws Exception {
    create(source, "ns");
    source.upsert("ns", List.of(vec("a", random)));
    java.io.ByteArrayOutputStream archive = new java.io.ByteArrayOutputStream();
    try (NamespaceMoves.Outgoing out = source.moves().openOutgoing("ns")) {
      out.writeArchive(archive);
    }
    target.moves().install("ns", new java.io.ByteArrayInputStream(archive.toByteArray()));
    target.close();
    target = new NamespaceManager(ManagerConfig.defaults(targetDir));
    assertTrue(target.moves().incoming("ns"), "a replica's or a move's copy is never taken for the server's own");
    target.moves().activate("ns", null);
    target.close();
    target = new NamespaceManager(ManagerConfig.defaults(targetDir));
    assertFalse(target.moves().incoming("ns"));
    assertEquals(1, target.stats("ns").vectorCount());
  }

  @Test
  void pauseWaitsForRunningWritesAndResumeLetsWaitingOnesThrough(Random random) throws Exception {
    create(source, "ns");
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    source.writeCheck(id -> {
      if (Thread.currentThread().getName().equals("slow-writer") && inside.getCount() > 0) {
        inside.countDown();
        await(release);
      }
    });
    Thread slow = new Thread(() -> source.upsert("ns", List.of(vec("slow", random))), "slow-writer");
    slow.start();
    assertTrue(inside.await(5, TimeUnit.SECONDS));
    try (NamespaceMoves.Outgoing out = source.moves().openOutgoing("ns")) {
      long start = System.nanoTime();
      assertThrows(UnavailableException.class, () -> out.pauseWrites(Duration.ofMillis(200)), "a write is running");
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
      release.countDown();
      slow.join(5000);
      out.pauseWrites(Duration.ofSeconds(2));
      CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> source.upsert("ns", List.of(vec("w", random))));
      Thread.sleep(100);
      assertFalse(waiting.isDone(), "a write waits while paused");
      assertEquals(1, source.stats("ns").vectorCount(), "reads are not paused");
      out.resumeWrites();
      assertEquals(1L, waiting.get(5, TimeUnit.SECONDS));
    }
    assertEquals(2, source.stats("ns").vectorCount());
  }

  @Test
  void writeCheckRefusesBeforeAndAfterTheWrite(Random random) {
    create(source, "ns");
    AtomicInteger calls = new AtomicInteger();
    source.writeCheck(id -> {
      if (calls.incrementAndGet() == 2) {
        throw UnavailableException.notOwner(id, "lost contact with the cluster", 2);
      }
    });
    UnavailableException after = assertThrows(UnavailableException.class, () -> source.upsert("ns", List.of(vec("a", random))));
    assertEquals("not_owner", after.code());
    assertEquals(2, after.retryAfterSeconds());
    assertEquals(1, source.stats("ns").vectorCount(), "refused after it was applied: not acknowledged, but here");
    source.writeCheck(id -> {
      throw UnavailableException.notOwner(id, "another node owns it", 1);
    });
    assertThrows(UnavailableException.class, () -> source.upsert("ns", List.of(vec("b", random))));
    assertThrows(UnavailableException.class, () -> source.updateStatus("ns", NamespaceStatus.READ_ONLY));
    assertThrows(UnavailableException.class, () -> source.keys().create("ns", "k", KeyRole.READ));
    assertThrows(UnavailableException.class, () -> source.delete("ns"));
    assertEquals(1, source.stats("ns").vectorCount(), "refused before: nothing written");
    assertEquals(1, source.query("ns", new SearchRequest(new float[] {0, 0, 0}, 5, null, null, false, false)).size(),
        "reads are never checked");
  }

  @Test
  void listingAndTotalsCoverOnlyIncludedNamespaces() {
    for (String id : List.of("a1", "a2", "b1", "b2", "b3")) {
      create(source, id);
    }
    var page = source.list(2, null, null, null, id -> id.endsWith("1") || id.equals("b3"));
    assertEquals(List.of("a1", "b1"), page.namespaces().stream().map(i -> i.meta().id()).toList());
    assertEquals(3, page.total());
    var next = source.list(2, page.nextCursor(), null, null, id -> id.endsWith("1") || id.equals("b3"));
    assertEquals(List.of("b3"), next.namespaces().stream().map(i -> i.meta().id()).toList());
    assertEquals(null, next.nextCursor());
    assertEquals(2, source.aggregateStats(id -> id.startsWith("b") && !id.equals("b2")).totalNamespaces());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
