package io.vecstore.core.namespace;

import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.vector.SearchRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.quota.Tier;
import io.vecstore.testdata.Seeded;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage failures stay in the namespace that has them, never lose an acknowledged write, and go
 * away when the storage recovers.
 */
@ExtendWith(Seeded.class)
class StorageFaultTest {

  private static final float ABSENT = Float.NaN;

  @TempDir Path dataDir;

  private NamespaceManager open(FailingDirectory.Faults faults) throws IOException {
    ManagerConfig defaults = ManagerConfig.defaults(dataDir);
    IndexSettings settings = defaults.indexSettings().withDirectoryWrapper(dir ->
        dir instanceof FSDirectory fs && fs.getDirectory().getParent().getFileName().toString().equals("sick")
            ? new FailingDirectory(dir, faults)
            : dir);
    return new NamespaceManager(defaults.withIndexSettings(settings));
  }

  private static CreateNamespace unlimited(String id) {
    return new CreateNamespace(id, id, null, Map.of(), Tier.UNLIMITED, null, null, null);
  }

  private static List<VectorRecord> one(String id, float v) {
    return List.of(new VectorRecord(id, new float[] {v, 1}, null));
  }

  @Test
  void fullDiskMakesOnlyThatNamespaceUnavailableAndLosesNothingAcknowledged() throws Exception {
    FailingDirectory.Faults faults = new FailingDirectory.Faults(1);
    try (NamespaceManager manager = open(faults)) {
      manager.create(unlimited("sick"));
      manager.create(unlimited("healthy"));
      for (int i = 0; i < 30; i++) {
        manager.upsert("sick", one("a" + i, i));
        manager.upsert("healthy", one("a" + i, i));
      }
      manager.query("sick", new SearchRequest(new float[] {1, 1}, 5, null, null, false, false));

      faults.diskFull = true;
      for (int i = 30; i < 40; i++) {
        int n = i;
        UnavailableException e = assertThrows(UnavailableException.class, () -> manager.upsert("sick", one("a" + n, n)));
        assertEquals("insufficient_storage", e.code(), "a full disk says so (HTTP 507)");
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      }
      assertThrows(UnavailableException.class,
          () -> manager.query("sick", new SearchRequest(new float[] {1, 1}, 5, null, null, false, false)));
      NamespaceStats sickStats = manager.stats("sick");
      assertNotNull(sickStats.unavailableReason());

      // Everyone else keeps serving.
      manager.upsert("healthy", one("b", 7));
      assertEquals(31, manager.stats("healthy").vectorCount());
      assertEquals(5, manager.query("healthy", new SearchRequest(new float[] {1, 1}, 5, null, null, false, false)).size());
      assertEquals(2, manager.list(10, null, null, null).namespaces().size());

      faults.diskFull = false;
      assertEquals(30, manager.stats("sick").vectorCount(), "recovered: every acknowledged write, no failed one");
      for (int i = 0; i < 30; i++) {
        assertEquals(i, manager.fetch("sick", "a" + i).values()[0]);
      }
      for (int i = 30; i < 40; i++) {
        int n = i;
        assertThrows(NotFoundException.class, () -> manager.fetch("sick", "a" + n));
      }
      manager.upsert("sick", one("after", 1));
      assertEquals(31, manager.stats("sick").vectorCount());
    }
    assertCheckIndexClean(dataDir.resolve("sick/index"));
  }

  @Test
  void randomWriteFailuresNeverLoseAcknowledgedWrites(Random random) throws Exception {
    FailingDirectory.Faults faults = new FailingDirectory.Faults(random.nextLong());
    Map<String, Set<Float>> possible = new HashMap<>();
    int acknowledged = 0, failed = 0;
    NamespaceManager manager = open(faults);
    try {
      manager.create(unlimited("sick"));
      faults.probability = 0.001;
      // Run until both kinds of outcome happened enough, whatever the seed.
      for (int op = 0; op < 5000 && (acknowledged < 150 || failed < 5); op++) {
        String id = "v" + random.nextInt(60);
        float value = op;
        boolean delete = random.nextInt(5) == 0;
        try {
          if (delete) {
            manager.deleteVectors("sick", List.of(id));
          } else {
            manager.upsert("sick", one(id, value));
          }
          possible.put(id, new HashSet<>(Set.of(delete ? ABSENT : value)));
          acknowledged++;
        } catch (UnavailableException e) {
          // Not acknowledged: it may or may not have happened.
          possible.computeIfAbsent(id, k -> new HashSet<>(Set.of(ABSENT))).add(delete ? ABSENT : value);
          failed++;
        }
        if (random.nextInt(10) == 0) {
          try {
            manager.query("sick", new SearchRequest(new float[] {1, 1}, 3, null, null, false, false));
          } catch (UnavailableException e) {
            failed++;
          }
        }
      }
      faults.probability = 0;
    } finally {
      try {
        manager.close();
      } catch (IOException | RuntimeException e) {
        // closing a namespace whose storage just failed may fail; the reopen below is what counts
      }
    }
    assertTrue(failed >= 5, "too few faults fired: " + failed);
    assertTrue(acknowledged >= 150, "too few writes got through: " + acknowledged);
    try (NamespaceManager reopened = open(faults)) {
      for (var entry : possible.entrySet()) {
        float actual;
        try {
          actual = reopened.fetch("sick", entry.getKey()).values()[0];
        } catch (NotFoundException e) {
          actual = ABSENT;
        }
        assertTrue(entry.getValue().contains(actual),
            entry.getKey() + " is " + actual + ", expected one of " + entry.getValue());
      }
    }
    assertCheckIndexClean(dataDir.resolve("sick/index"));
  }

  static void assertCheckIndexClean(Path indexDir) throws IOException {
    try (Directory dir = FSDirectory.open(indexDir); CheckIndex checker = new CheckIndex(dir)) {
      checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
      assertTrue(checker.checkIndex().clean, log.toString(StandardCharsets.UTF_8));
    }
  }
}
