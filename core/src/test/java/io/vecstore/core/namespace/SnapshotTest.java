package io.vecstore.core.namespace;

import io.vecstore.core.meta.NamespaceInfo;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import io.vecstore.core.snapshot.IndexSwap;
import io.vecstore.core.snapshot.SnapshotExport;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.store.DataLayout;
import io.vecstore.core.vector.SearchRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.testdata.Seeded;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots, restore (with its crash cases), export and import, on real Lucene in temp dirs. */
@ExtendWith(Seeded.class)
class SnapshotTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private NamespaceManager manager;

  @BeforeEach
  void open() throws IOException {
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
  }

  @AfterEach
  void close() throws IOException {
    manager.close();
  }

  private void reopen() throws IOException {
    manager.close();
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
  }

  private void create(String id) {
    // unlimited: the tests run writers and queries flat out, past any request rate
    manager.create(new CreateNamespace(id, id, null, Map.of(), io.vecstore.core.quota.Tier.UNLIMITED, null, Metric.EUCLIDEAN, null));
  }

  private static VectorRecord vec(String id, float x, float y, String tag) {
    ObjectNode md = JSON.createObjectNode().put("tag", tag);
    return new VectorRecord(id, new float[] {x, y}, md);
  }

  private Set<String> ids(String ns) {
    Set<String> out = new TreeSet<>();
    for (QueryHit h : manager.query(ns, new SearchRequest(new float[] {0, 0}, 1000, null, null, false, false))) {
      out.add(h.id());
    }
    return out;
  }

  @Test
  void restoreBringsBackTheSnapshotAndServesItAtOnce() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one"), vec("b", 0, 1, "two")));
    SnapshotInfo snap = manager.snapshots().create("ns", "before");
    assertEquals(2, snap.vectorCount());
    assertTrue(snap.bytes() > 0);

    manager.upsert("ns", List.of(vec("c", 1, 1, "three"), vec("b", 5, 5, "changed")));
    manager.deleteVector("ns", "a");
    manager.updateQuotas("ns", new QuotaPatch(QuotaPatch.Field.of(100L), QuotaPatch.Field.absent(),
        QuotaPatch.Field.absent(), QuotaPatch.Field.absent(), QuotaPatch.Field.absent(), QuotaPatch.Field.absent(),
        QuotaPatch.Field.absent()));
    long upsertsBefore = manager.stats("ns").usage().totalUpserts();
    assertEquals(Set.of("b", "c"), ids("ns"));

    NamespaceInfo restored = manager.snapshots().restore("ns", "before");
    assertEquals(2, restored.vectorCount());
    assertEquals(100L, restored.meta().quotas().maxVectors(), "quotas stay the live namespace's");
    assertEquals(Set.of("a", "b"), ids("ns"));
    assertEquals("two", manager.fetch("ns", "b").metadata().get("tag").asText());
    assertEquals(0f, manager.fetch("ns", "b").values()[0]);
    assertThrows(NotFoundException.class, () -> manager.fetch("ns", "c"));
    assertEquals(upsertsBefore, manager.stats("ns").usage().totalUpserts(), "usage counters are not rolled back");

    manager.upsert("ns", List.of(vec("d", 2, 2, "after")));
    reopen(); // the log of the replaced index must not come back, the write after the restore must
    assertEquals(Set.of("a", "b", "d"), ids("ns"));
    assertEquals(3, manager.stats("ns").vectorCount());
    manager.close();
    assertCheckIndexClean(dataDir.resolve("ns/index"));
  }

  @Test
  void restoreAfterRestartAndOfAClosedNamespace() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.snapshots().create("ns", "s1");
    manager.upsert("ns", List.of(vec("b", 0, 1, "two")));
    reopen(); // namespace closed: restore works on its files
    assertEquals(List.of("s1"), manager.snapshots().list("ns").stream().map(SnapshotInfo::name).toList());
    manager.snapshots().restore("ns", "s1");
    assertEquals(Set.of("a"), ids("ns"));
    // restoring twice is fine, and snapshots survive a restore
    manager.snapshots().restore("ns", "s1");
    assertEquals(Set.of("a"), ids("ns"));
  }

  @Test
  void snapshotWhileWritesGoOnIsAConsistentPrefix(Random random) throws Exception {
    create("ns");
    int total = 300;
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        for (int i = 0; i < total; i++) {
          manager.upsert("ns", List.of(vec("v" + i, random.nextFloat(), random.nextFloat(), "t")));
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    }, "test-writer");
    writer.start();
    List<SnapshotInfo> taken = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      taken.add(manager.snapshots().create("ns", "s" + s));
    }
    writer.join();
    assertEquals(null, failed.get());
    assertEquals(total, manager.stats("ns").vectorCount());
    for (SnapshotInfo s : taken) {
      manager.snapshots().restore("ns", s.name());
      Set<String> ids = ids("ns");
      assertEquals(s.vectorCount(), ids.size(), s.name());
      for (int i = 0; i < ids.size(); i++) {
        assertTrue(ids.contains("v" + i), "snapshot " + s.name() + " holds the first " + ids.size() + " writes, not v" + i);
      }
    }
  }

  @Test
  void namesAreValidatedAndUnique() {
    create("ns");
    assertThrows(InvalidRequestException.class, () -> manager.snapshots().create("ns", "../x"));
    assertThrows(InvalidRequestException.class, () -> manager.snapshots().create("ns", "Upper"));
    assertThrows(InvalidRequestException.class, () -> manager.snapshots().create("ns", "a".repeat(65)));
    manager.snapshots().create("ns", "a".repeat(64));
    SnapshotInfo auto = manager.snapshots().create("ns", null);
    assertTrue(auto.name().matches("\\d{8}-\\d{6}-\\d{3}"), auto.name());
    AlreadyExistsException dup = assertThrows(AlreadyExistsException.class, () -> manager.snapshots().create("ns", auto.name()));
    assertEquals("snapshot_exists", dup.code());
    NotFoundException missing = assertThrows(NotFoundException.class, () -> manager.snapshots().restore("ns", "nope"));
    assertEquals("snapshot_not_found", missing.code());
    assertThrows(NotFoundException.class, () -> manager.snapshots().create("ghost", "x"));
  }

  @Test
  void snapshotsAreNotStorageAndGoWithTheirNamespace() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.snapshots().create("ns", "s1");
    manager.snapshots().create("ns", "s2");
    assertEquals(bytesIn(dataDir.resolve("ns/index")) + bytesIn(dataDir.resolve("ns/wal")), manager.stats("ns").storageBytes(),
        "storage is the index and the log only");
    long snapshotBytes = manager.snapshots().bytes("ns");
    assertEquals(manager.snapshots().list("ns").stream().mapToLong(SnapshotInfo::bytes).sum(), snapshotBytes);
    assertTrue(snapshotBytes > 0);
    manager.snapshots().delete("ns", "s1");
    assertEquals(List.of("s2"), manager.snapshots().list("ns").stream().map(SnapshotInfo::name).toList());
    assertThrows(NotFoundException.class, () -> manager.snapshots().delete("ns", "s1"));
    assertEquals(1, manager.list(10, null, null, null).namespaces().size(), "snapshots are not namespaces");
    manager.delete("ns");
    assertFalse(Files.exists(dataDir.resolve("ns")));
  }

  @Test
  void crashBetweenTheTwoRenamesFinishesTheRestore() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.snapshots().create("ns", "s1");
    manager.upsert("ns", List.of(vec("b", 0, 1, "two")));
    manager.close();
    DataLayout layout = new DataLayout(dataDir);
    Map<String, String> data = new HashMap<>(IndexFiles.latestCommit(layout.indexDir("ns")).userData());
    Path work = IndexSwap.prepare(layout, "ns", layout.snapshotDir("ns", "s1").resolve("index"), data, 7);
    Files.move(layout.indexDir("ns"), work.resolve("old")); // the first rename, then the "crash"
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    assertEquals(Set.of("a"), ids("ns"));
    assertFalse(Files.exists(work));
  }

  @Test
  void crashBeforeTheSwapKeepsTheOldIndex() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.snapshots().create("ns", "s1");
    manager.upsert("ns", List.of(vec("b", 0, 1, "two")));
    manager.close();
    DataLayout layout = new DataLayout(dataDir);
    Path work = IndexSwap.prepare(layout, "ns", layout.snapshotDir("ns", "s1").resolve("index"), Map.of(), 8);
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    assertEquals(Set.of("a", "b"), ids("ns"));
    assertFalse(Files.exists(work));
  }

  @Test
  void exportThenImportGivesIdenticalResults(Random random) throws IOException {
    manager.create(new CreateNamespace("src", "Source", "moved", Map.of("team", "x"), null, null, Metric.COSINE, null));
    List<VectorRecord> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      float[] v = new float[8];
      for (int d = 0; d < v.length; d++) {
        v[d] = random.nextFloat() - 0.5f;
      }
      batch.add(new VectorRecord("id" + i, v, JSON.createObjectNode().put("n", i)));
    }
    manager.upsert("src", batch);
    manager.keys().create("src", "reader", io.vecstore.core.auth.KeyRole.READ);
    manager.snapshots().create("src", "move");
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (SnapshotExport export = manager.snapshots().export("src", "move")) {
      assertEquals("src-move.tar.gz", export.fileName());
      export.writeTo(archive);
    }
    NamespaceInfo imported = manager.snapshots().importArchive("dst", new ByteArrayInputStream(archive.toByteArray()));
    assertEquals("dst", imported.meta().id());
    assertEquals("Source", imported.meta().name());
    assertEquals(Metric.COSINE, imported.meta().metric());
    assertEquals(8, imported.meta().dimension());
    assertEquals(List.of(), imported.meta().keys(), "keys do not travel");
    assertEquals(200, imported.vectorCount());
    for (int q = 0; q < 10; q++) {
      float[] v = batch.get(random.nextInt(batch.size())).values();
      SearchRequest r = new SearchRequest(v, 10, null, JSON.readTree("\"n < 150\""), true, false);
      assertEquals(manager.query("src", r), manager.query("dst", r));
    }
    assertThrows(AlreadyExistsException.class,
        () -> manager.snapshots().importArchive("dst", new ByteArrayInputStream(archive.toByteArray())));
    assertThrows(AlreadyExistsException.class,
        () -> manager.snapshots().importArchive(null, new ByteArrayInputStream(archive.toByteArray())), "its own id is taken");
    reopen();
    assertEquals(200, manager.stats("dst").vectorCount());
    manager.upsert("dst", List.of(new VectorRecord("new", batch.get(0).values(), null)));
    assertEquals(201, manager.stats("dst").vectorCount());
  }

  @Test
  void importRejectsPathTraversalAndDamagedArchives() throws IOException {
    for (String evil : List.of("../evil", "index/../../evil", "/etc/evil", "index/sub/file", "other.txt")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
        byte[] x = "x".getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(evil, true); // kept as written, leading slash included
        entry.setSize(x.length);
        tar.putArchiveEntry(entry);
        tar.write(x);
        tar.closeArchiveEntry();
      }
      InvalidRequestException e = assertThrows(InvalidRequestException.class,
          () -> manager.snapshots().importArchive("x", new ByteArrayInputStream(out.toByteArray())), evil);
      assertTrue(e.getMessage().contains("unexpected archive entry"), e.getMessage());
    }
    assertFalse(Files.exists(dataDir.getParent().resolve("evil")));
    assertThrows(InvalidRequestException.class,
        () -> manager.snapshots().importArchive("x", new ByteArrayInputStream("not gzip".getBytes(StandardCharsets.UTF_8))));
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.snapshots().create("ns", "s");
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (SnapshotExport export = manager.snapshots().export("ns", "s")) {
      export.writeTo(archive);
    }
    byte[] cut = java.util.Arrays.copyOf(archive.toByteArray(), archive.size() / 2);
    assertThrows(InvalidRequestException.class, () -> manager.snapshots().importArchive("x", new ByteArrayInputStream(cut)));
    assertEquals(1, manager.list(10, null, null, null).namespaces().size());
    try (var leftovers = Files.list(dataDir)) {
      assertEquals(List.of("ns"), leftovers.map(p -> p.getFileName().toString()).toList(), "no work directories left");
    }
  }

  private static long bytesIn(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void assertCheckIndexClean(Path index) throws IOException {
    IndexFiles.CheckResult r = IndexFiles.check(index, 3, null);
    assertTrue(r.clean(), r.report());
  }

  @Test
  void snapshotCommitCarriesTheLogPosition() throws IOException {
    create("ns");
    manager.upsert("ns", List.of(vec("a", 1, 0, "one")));
    manager.upsert("ns", List.of(vec("b", 1, 0, "one")));
    SnapshotInfo s = manager.snapshots().create("ns", "s");
    assertNotEquals(0, s.walSeq());
    assertEquals(Long.toString(s.walSeq()),
        IndexFiles.latestCommit(dataDir.resolve("ns/snapshots/s/index")).userData().get(NamespaceIndex.WAL_SEQ));
    assertCheckIndexClean(dataDir.resolve("ns/snapshots/s/index"));
  }
}
