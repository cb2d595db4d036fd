package io.vecstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void nodeZnodeHasTheDocumentedFields() {
    NodeInfo node = new NodeInfo("n1", URI.create("http://127.0.0.1:8080"), "127.0.0.1:9090",
        new Load(10, 2048, 3), Instant.parse("2026-01-02T03:04:05Z"), false);
    String json = new String(Json.node(node), StandardCharsets.UTF_8);
    assertEquals("{\"node_id\":\"n1\",\"advertise_url\":\"http://127.0.0.1:8080\",\"grpc_address\":\"127.0.0.1:9090\","
        + "\"state\":\"active\",\"load\":{\"vectors\":10,\"storage_bytes\":2048,\"namespaces\":3},"
        + "\"started_at\":\"2026-01-02T03:04:05Z\"}", json);
    assertEquals(node, Json.node(Json.node(node)));
    assertEquals(node.asLeaving(), Json.node(Json.node(node.asLeaving())));
  }

  @Test
  void placementZnodeHasTheDocumentedFields() {
    Placement moving = new Placement("docs", "a", 3, Placement.State.MOVING, "b");
    assertEquals("{\"owner\":\"a\",\"epoch\":3,\"state\":\"moving\",\"target\":\"b\"}",
        new String(Json.placement(moving), StandardCharsets.UTF_8));
    assertEquals(moving, Json.placement("docs", Json.placement(moving)));
    Placement owned = Placement.initial("docs", "a", 1);
    assertEquals("{\"owner\":\"a\",\"epoch\":1,\"state\":\"owned\"}", new String(Json.placement(owned), StandardCharsets.UTF_8));
    // Fields a newer version adds are ignored.
    assertEquals(owned, Json.placement("docs", "{\"owner\":\"a\",\"epoch\":1,\"state\":\"owned\",\"x\":1}".getBytes()));
  }

  @Test
  void replicatedPlacementKeepsItsCopies() {
    Placement p = new Placement("docs", "a", 4, Placement.State.OWNED, null, 3, List.of("b", "c"), List.of("c"));
    assertEquals(p, Json.placement("docs", Json.placement(p)));
    assertTrue(new String(Json.placement(p), java.nio.charset.StandardCharsets.UTF_8)
        .contains("\"replication_factor\":3,\"replicas\":[\"b\",\"c\"],\"in_sync\":[\"c\"]"));
    assertThrows(IllegalArgumentException.class,
        () -> new Placement("docs", "a", 1, Placement.State.OWNED, null, 2, List.of("a"), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> new Placement("docs", "a", 1, Placement.State.OWNED, null, 2, List.of("b"), List.of("c")));
  }

  @Test
  void rejectsUnreadablePlacements() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.placement("docs", "{\"owner\":\"a\",\"epoch\":1,\"state\":\"gone\"}".getBytes()));
    assertEquals("placement state must be owned or moving, got: 'gone'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.placement("docs", "[1]".getBytes()));
    assertThrows(IllegalArgumentException.class, () -> Json.placement("docs", "{".getBytes()));
  }

  @Test
  void loadsAreCutToTheLargestNamespacesWhenTooBig() {
    Map<String, NamespaceLoad> loads = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      loads.put("namespace-" + i, new NamespaceLoad(i, i * 10L));
    }
    byte[] json = Json.loads(loads);
    assertTrue(json.length <= Json.MAX_LOADS_BYTES, "size " + json.length);
    Map<String, NamespaceLoad> back = Json.loads(json);
    assertTrue(back.size() > 5_000 && back.size() < 20_000, "kept " + back.size());
    assertEquals(new NamespaceLoad(19_999, 199_990), back.get("namespace-19999"));
    assertTrue(!back.containsKey("namespace-0"), "the smallest are left out");
    assertEquals(Map.of("x", new NamespaceLoad(1, 2)), Json.loads(Json.loads(Map.of("x", new NamespaceLoad(1, 2)))));
  }
}
