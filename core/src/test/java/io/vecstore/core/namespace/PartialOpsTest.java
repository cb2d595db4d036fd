package io.vecstore.core.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.vector.IdPage;
import io.vecstore.core.vector.RecordPage;
import io.vecstore.core.vector.UpdateCount;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing ids, fetching many, partial updates and delete-all, each against a model kept in the
 * test (ids in byte order, metadata merged key by key).
 */
@ExtendWith(Seeded.class)
class PartialOpsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Ids whose UTF-16 order differs from their UTF-8 byte order (a supplementary character sorts last in bytes). */
  private static final String[] STEMS = {"a", "ab", "b", "doc-", "doc-1", "z", "\uD83D\uDE00", "\uFF5E", "é"};

  @TempDir Path dataDir;
  private NamespaceManager manager;

  @BeforeEach
  void open() throws IOException {
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir));
    manager.create(new CreateNamespace("ns", "ns", null, Map.of(), io.vecstore.core.quota.Tier.UNLIMITED, null, null, null));
  }

  @AfterEach
  void close() throws IOException {
    manager.close();
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void listingPagesThroughEveryLiveIdInByteOrder(Random random) {
    // Keyed by UTF-8 bytes: the order the listing promises.
    TreeMap<BytesRef, String> model = new TreeMap<>();
    for (int round = 0; round < 6; round++) {
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String id = STEMS[random.nextInt(STEMS.length)] + random.nextInt(200);
        batch.add(new VectorRecord(id, new float[] {random.nextFloat() + 0.1f, random.nextFloat()}, null));
        model.put(new BytesRef(id), id);
      }
      manager.upsert("ns", batch);
      List<String> doomed = new ArrayList<>(model.values()).subList(0, 5);
      manager.deleteVectors("ns", List.copyOf(doomed));
      doomed.forEach(id -> model.remove(new BytesRef(id)));
      for (String prefix : new String[] {null, "doc-", "a", "\uD83D\uDE00", "nothing"}) {
        int limit = 1 + random.nextInt(40);
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
          IdPage page = manager.listIds("ns", prefix, limit, cursor);
          assertTrue(page.ids().size() <= limit);
          listed.addAll(page.ids());
          cursor = page.nextCursor();
        } while (cursor != null);
        List<String> expected = model.values().stream().filter(id -> prefix == null || id.startsWith(prefix)).toList();
        assertEquals(expected, listed, "prefix " + prefix + ", limit " + limit);
      }
    }
  }

  @Test
  void fetchManyKeepsTheOrderAskedAndSkipsMissingIds() {
    manager.upsert("ns", List.of(new VectorRecord("a", new float[] {1, 0}, json("{\"k\":1}")),
        new VectorRecord("b", new float[] {0, 1}, null)));
    List<VectorRecord> found = manager.fetchMany("ns", List.of("b", "missing", "a", "b"));
    assertEquals(List.of("b", "a"), found.stream().map(VectorRecord::id).toList());
    assertEquals(1, found.get(1).metadata().get("k").asInt());
    InvalidRequestException none = assertThrows(InvalidRequestException.class, () -> manager.fetchMany("ns", List.of()));
    assertEquals("ids must be between 1 and 1000, got: 0", none.getMessage());
  }

  @Test
  void fetchByFilterPagesThroughTheMatchesInIdOrder(Random random) {
    Map<String, Integer> group = new HashMap<>();
    List<VectorRecord> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String id = "v" + random.nextInt(100_000);
      int g = random.nextInt(3);
      group.put(id, g);
      batch.add(new VectorRecord(id, new float[] {1, random.nextFloat()}, json("{\"g\":" + g + "}")));
    }
    manager.upsert("ns", batch);
    int limit = 1 + random.nextInt(50);
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      RecordPage page = manager.fetchByFilter("ns", json("{\"g\":{\"$eq\":1}}"), limit, cursor);
      page.records().forEach(r -> assertEquals(1, r.metadata().get("g").asInt()));
      page.records().forEach(r -> seen.add(r.id()));
      cursor = page.nextCursor();
    } while (cursor != null);
    List<String> expected = group.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey)
        .sorted((x, y) -> new BytesRef(x).compareTo(new BytesRef(y))).toList();
    assertEquals(expected, seen, "limit " + limit);
  }

  @Test
  void updateByIdMergesMetadataAndKeepsWhatIsNotGiven() {
    manager.upsert("ns", List.of(new VectorRecord("a", new float[] {1, 0}, json("{\"keep\":\"x\",\"drop\":1,\"n\":1}"))));
    VectorRecord merged = manager.update("ns", "a", null, json("{\"n\":2,\"drop\":null,\"new\":[\"t\"]}"));
    assertEquals(json("{\"keep\":\"x\",\"n\":2,\"new\":[\"t\"]}"), merged.metadata());
    assertArrayEquals(new float[] {1, 0}, merged.values());
    VectorRecord moved = manager.update("ns", "a", new float[] {0, 1}, null);
    assertArrayEquals(new float[] {0, 1}, moved.values());
    assertEquals(merged.metadata(), manager.fetch("ns", "a").metadata());
    assertEquals(1, manager.query("ns", new io.vecstore.core.vector.SearchRequest(new float[] {0, 1}, 1, null, null,
        false, false)).size());
    assertThrows(NotFoundException.class, () -> manager.update("ns", "missing", new float[] {1, 1}, null));
    InvalidRequestException dims = assertThrows(InvalidRequestException.class,
        () -> manager.update("ns", "a", new float[] {1, 1, 1}, null));
    assertEquals("Vector dimension mismatch: expected 2, got 3", dims.getMessage());
    assertThrows(InvalidRequestException.class, () -> manager.update("ns", "a", null, null));
    assertEquals(1, manager.stats("ns").vectorCount());
  }

  @Test
  void updateByFilterCountsOnADryRunAndMergesOtherwise() {
    List<VectorRecord> batch = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      batch.add(new VectorRecord("v" + i, new float[] {1, i}, json("{\"even\":" + (i % 2 == 0) + ",\"i\":" + i + "}")));
    }
    manager.upsert("ns", batch);
    ObjectNode filter = json("{\"even\":{\"$eq\":true}}");
    assertEquals(new UpdateCount(1250, 0), manager.updateByFilter("ns", filter, json("{\"tag\":\"x\"}"), true));
    assertEquals(0, manager.fetchByFilter("ns", json("{\"tag\":{\"$eq\":\"x\"}}"), 10, null).records().size());
    assertEquals(new UpdateCount(1250, 1250), manager.updateByFilter("ns", filter, json("{\"tag\":\"x\"}"), false));
    VectorRecord four = manager.fetch("ns", "v4");
    assertEquals(json("{\"even\":true,\"i\":4,\"tag\":\"x\"}"), four.metadata());
    assertNull(manager.fetch("ns", "v5").metadata().get("tag"));
    assertEquals(2500, manager.stats("ns").vectorCount());
  }

  @Test
  void concurrentUpdatesOfOtherKeysAreNeverUndone() throws Exception {
    manager.upsert("ns", List.of(new VectorRecord("a", new float[] {1, 0}, json("{\"n\":0}"))));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread updater = Thread.ofPlatform().name("test-updater").start(() -> {
      try {
        for (int i = 1; i <= 200; i++) {
          manager.update("ns", "a", null, json("{\"n\":" + i + "}"));
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    for (int i = 1; i <= 200; i++) {
      manager.update("ns", "a", null, json("{\"m\":" + i + "}"));
    }
    updater.join();
    assertNull(failure.get());
    ObjectNode last = manager.fetch("ns", "a").metadata();
    assertEquals(200, last.get("n").asInt(), last.toString());
    assertEquals(200, last.get("m").asInt(), last.toString());
  }

  @Test
  void deleteAllEmptiesTheNamespaceAndKeepsIt() throws IOException {
    List<VectorRecord> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(new VectorRecord("v" + i, new float[] {1, i}, null));
    }
    manager.upsert("ns", batch);
    assertEquals(100, manager.deleteAll("ns"));
    assertEquals(0, manager.stats("ns").vectorCount());
    assertEquals(List.of(), manager.listIds("ns", null, 10, null).ids());
    manager.close();
    manager = new NamespaceManager(ManagerConfig.defaults(dataDir)); // replayed from the log
    assertEquals(0, manager.stats("ns").vectorCount());
  }

  @Test
  void aCursorFromElsewhereIsRefused() {
    manager.upsert("ns", List.of(new VectorRecord("a", new float[] {1, 0}, null)));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> manager.listIds("ns", null, 10, "!!"));
    assertEquals("cursor is not one this server returned: !!", e.getMessage());
    String forged = java.util.Base64.getUrlEncoder().encodeToString("a".getBytes(StandardCharsets.UTF_8)); // padded
    assertThrows(InvalidRequestException.class, () -> manager.listIds("ns", null, 10, forged));
    assertEquals(List.of(), Arrays.asList(manager.listIds("ns", null, 10,
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("a".getBytes(StandardCharsets.UTF_8))).ids().toArray()));
  }
}
