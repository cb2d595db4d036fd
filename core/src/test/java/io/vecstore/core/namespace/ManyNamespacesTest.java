package io.vecstore.core.namespace;

import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.config.Capacity;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.vector.SearchRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.quota.Tier;
import io.vecstore.testdata.Seeded;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The open-namespace cache, closed-namespace stats and the node-wide limits. */
@ExtendWith(Seeded.class)
class ManyNamespacesTest {

  @TempDir Path dataDir;

  private ManagerConfig config(Capacity capacity) {
    ManagerConfig d = ManagerConfig.defaults(dataDir);
    return new ManagerConfig(dataDir, d.indexSettings(), d.limits(), Duration.ofMillis(20), Duration.ofMillis(100),
        d.asyncSyncInterval(), d.defaultNumCandidates(), capacity, d.deletionGrace());
  }

  private static CreateNamespace unlimited(String id) {
    return new CreateNamespace(id, id, null, Map.of(), Tier.UNLIMITED, null, null, null);
  }

  @Test
  void evictionsRacingWithRequestsFailNothingAndLoseNothing(Random random) throws Exception {
    int namespaces = 12, threads = 8, opsPerThread = 250;
    Map<String, Float> expected = new ConcurrentHashMap<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    try (NamespaceManager manager = new NamespaceManager(config(new Capacity(4, Duration.ofMillis(30), 1000, 0)))) {
      for (int n = 0; n < namespaces; n++) {
        manager.create(unlimited("ns" + n));
      }
      long seed = random.nextLong();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread w = new Thread(() -> {
          Random r = new Random(seed + thread);
          try {
            for (int i = 0; i < opsPerThread; i++) {
              String ns = "ns" + r.nextInt(namespaces);
              String id = "t" + thread + "-" + r.nextInt(20); // ids of one thread: its writes are ordered
              switch (r.nextInt(4)) {
                case 0, 1 -> {
                  float v = i + 1;
                  manager.upsert(ns, List.of(new VectorRecord(id, new float[] {v, 1}, null)));
                  expected.put(ns + "/" + id, v);
                }
                case 2 -> manager.query(ns, new io.vecstore.core.vector.SearchRequest(new float[] {1, 1}, 3, null, null, true, false));
                default -> {
                  manager.deleteVectors(ns, List.of(id));
                  expected.put(ns + "/" + id, Float.NaN);
                }
              }
              if (i % 50 == 0) {
                Thread.sleep(40); // let the idle timeout and the LRU bound close namespaces under us
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "test-cache-" + t);
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      assertEquals(List.of(), failures);
      for (var e : expected.entrySet()) {
        String[] parts = e.getKey().split("/");
        if (Float.isNaN(e.getValue())) {
          assertThrows(NotFoundException.class, () -> manager.fetch(parts[0], parts[1]), e.getKey());
        } else {
          assertEquals(e.getValue(), manager.fetch(parts[0], parts[1]).values()[0], e.getKey());
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (manager.openNamespaces() > 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(manager.openNamespaces() <= 4, "open: " + manager.openNamespaces());
    }
    for (int n = 0; n < namespaces; n++) {
      StorageFaultTest.assertCheckIndexClean(dataDir.resolve("ns" + n + "/index"));
    }
  }

  @Test
  void closedNamespacesAreListedAndStattedWithoutOpening() throws Exception {
    try (NamespaceManager manager = new NamespaceManager(config(new Capacity(100, Duration.ofMillis(50), 1000, 0)))) {
      manager.create(unlimited("idle"));
      manager.upsert("idle", List.of(new VectorRecord("a", new float[] {1, 0}, null), new VectorRecord("b", new float[] {0, 1}, null)));
      manager.deleteVector("idle", "b");
      awaitClosed(manager);
      NamespaceStats stats = manager.stats("idle");
      assertEquals(1, stats.vectorCount());
      assertTrue(stats.storageBytes() > 0);
      assertEquals(1, manager.list(10, null, null, null).namespaces().getFirst().vectorCount());
      assertEquals(1, manager.aggregateStats().totalVectors());
      assertEquals(0, manager.openNamespaces(), "stats and listing opened nothing");
      assertEquals(1, manager.usage().getFirst().vectorCount());
      // the next data operation reopens it transparently
      assertEquals(1, manager.query("idle", new SearchRequest(new float[] {1, 0}, 5, null, null, false, false)).size());
    }
    try (NamespaceManager restarted = new NamespaceManager(config(Capacity.defaults()))) {
      assertEquals(1, restarted.stats("idle").vectorCount());
      assertEquals(0, restarted.openNamespaces(), "a clean shutdown's sizes are trusted after restart");
    }
  }

  @Test
  void namespaceCountIsLimited() throws Exception {
    try (NamespaceManager manager = new NamespaceManager(config(new Capacity(10, Duration.ofMinutes(1), 2, 0)))) {
      manager.create(CreateNamespace.of("one", "one"));
      manager.create(CreateNamespace.of("two", "two"));
      QuotaExceededException e = assertThrows(QuotaExceededException.class, () -> manager.create(CreateNamespace.of("three", "three")));
      assertEquals("Namespace limit reached: 2 / 2 namespaces", e.getMessage());
      manager.delete("one");
      manager.create(CreateNamespace.of("three", "three"));
    }
  }

  @Test
  void lowDiskRefusesWritesClearlyAndKeepsServingReads() throws Exception {
    try (NamespaceManager manager = new NamespaceManager(config(new Capacity(10, Duration.ofMinutes(1), 10, Long.MAX_VALUE)))) {
      manager.create(unlimited("full"));
      UnavailableException e = assertThrows(UnavailableException.class,
          () -> manager.upsert("full", List.of(new VectorRecord("a", new float[] {1, 0}, null))));
      assertEquals("insufficient_storage", e.code());
      assertTrue(e.getMessage().startsWith("Not enough free disk space for writes: "), e.getMessage());
      assertEquals(0, manager.query("full", new SearchRequest(new float[] {1, 0}, 5, null, null, false, false)).size());
    }
  }

  private static void awaitClosed(NamespaceManager manager) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (manager.openNamespaces() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, manager.openNamespaces(), "idle namespace never closed");
  }
}
