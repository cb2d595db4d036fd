package io.vecstore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the znodes (snake_case, unknown fields ignored so newer nodes can add some).
 * Thread-safe: the mapper is only used for tree reads and writes.
 */
final class Json {

  /** Per-namespace loads past this size are cut to the largest namespaces (znodes hold ~1 MiB). */
  static final int MAX_LOADS_BYTES = 512 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static byte[] node(NodeInfo node) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("node_id", node.nodeId());
    json.put("advertise_url", node.advertiseUrl().toString());
    if (node.grpcAddress() == null) {
      json.putNull("grpc_address");
    } else {
      json.put("grpc_address", node.grpcAddress());
    }
    json.put("state", node.leaving() ? "leaving" : "active");
    ObjectNode load = json.putObject("load");
    load.put("vectors", node.load().vectors());
    load.put("storage_bytes", node.load().storageBytes());
    load.put("namespaces", node.load().namespaces());
    json.put("started_at", node.startedAt().toString());
    return write(json);
  }

  static NodeInfo node(byte[] data) {
    JsonNode json = read(data);
    JsonNode load = json.path("load");
    JsonNode grpc = json.path("grpc_address");
    return new NodeInfo(
        text(json, "node_id"),
        URI.create(text(json, "advertise_url")),
        grpc.isTextual() ? grpc.asText() : null,
        new Load(load.path("vectors").asLong(), load.path("storage_bytes").asLong(), load.path("namespaces").asInt()),
        Instant.parse(text(json, "started_at")),
        "leaving".equals(json.path("state").asText()));
  }

  static byte[] placement(Placement placement) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("owner", placement.owner());
    json.put("epoch", placement.epoch());
    json.put("state", placement.state().json());
    if (placement.target() != null) {
      json.put("target", placement.target());
    }
    if (placement.replicationFactor() != 1 || !placement.replicas().isEmpty()) {
      json.put("replication_factor", placement.replicationFactor());
      placement.replicas().forEach(json.putArray("replicas")::add);
      placement.inSync().forEach(json.putArray("in_sync")::add);
    }
    return write(json);
  }

  static Placement placement(String namespaceId, byte[] data) {
    JsonNode json = read(data);
    JsonNode target = json.path("target");
    return new Placement(
        namespaceId,
        text(json, "owner"),
        json.path("epoch").asLong(),
        Placement.State.fromJson(text(json, "state")),
        target.isTextual() ? target.asText() : null,
        json.path("replication_factor").asInt(1),
        texts(json.path("replicas")),
        texts(json.path("in_sync")));
  }

  private static java.util.List<String> texts(JsonNode array) {
    java.util.List<String> out = new java.util.ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** {"ns": [vectors, storage_bytes], …}, cut to the largest namespaces if over the limit. */
  static byte[] loads(Map<String, NamespaceLoad> loads) {
    List<Map.Entry<String, NamespaceLoad>> entries = new ArrayList<>(loads.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<String, NamespaceLoad> e) -> e.getValue().vectors())
        .reversed().thenComparing(Map.Entry::getKey));
    ObjectNode json = MAPPER.createObjectNode();
    int bytes = 2;
    for (Map.Entry<String, NamespaceLoad> entry : entries) {
      // Namespaces left out weigh as empty ones in the balancer: only the smallest are dropped.
      bytes += entry.getKey().length() + 50;
      if (bytes > MAX_LOADS_BYTES) {
        break;
      }
      ArrayNode pair = json.putArray(entry.getKey());
      pair.add(entry.getValue().vectors());
      pair.add(entry.getValue().storageBytes());
    }
    return write(json);
  }

  static Map<String, NamespaceLoad> loads(byte[] data) {
    JsonNode json = read(data);
    Map<String, NamespaceLoad> loads = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      loads.put(entry.getKey(), new NamespaceLoad(entry.getValue().path(0).asLong(), entry.getValue().path(1).asLong()));
    }
    return loads;
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.path(field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("znode JSON must have a text field '" + field + "', got: " + json);
    }
    return value.asText();
  }

  private static JsonNode read(byte[] data) {
    try {
      JsonNode json = MAPPER.readTree(data);
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("znode data must be a JSON object, got: " + (json == null ? "nothing" : json));
      }
      return json;
    } catch (IOException e) {
      throw new IllegalArgumentException("znode data is not JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] write(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
