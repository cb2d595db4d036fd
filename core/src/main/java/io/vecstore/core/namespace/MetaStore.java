package io.vecstore.core.namespace;

import io.vecstore.core.quota.Quotas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.core.auth.StoredKey;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.Quantization;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes namespace.json. Writes are atomic: a temp file is written and fsynced, renamed
 * over the old file, and the directory fsynced, so a crash leaves either the old or the new file.
 * Stateless and thread-safe; callers serialize writes of one namespace.
 */
final class MetaStore {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int FORMAT_VERSION = 1;
  private static final HexFormat HEX = HexFormat.of();

  private MetaStore() {}

  static void write(Path file, NamespaceMeta meta) throws IOException {
    writeAtomically(file, JSON.writeValueAsBytes(toJson(meta)));
  }

  /** Replaces {@code file} with {@code bytes} so that a crash leaves the old or the new content. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDirectory(file.getParent());
  }

  static NamespaceMeta read(Path file) throws IOException {
    JsonNode n = JSON.readTree(file.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object: " + file);
    }
    return fromJson(n);
  }

  static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static ObjectNode toJson(NamespaceMeta m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.put("id", m.id());
    n.put("name", m.name());
    n.put("description", m.description());
    ObjectNode md = n.putObject("metadata");
    m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> md.put(e.getKey(), e.getValue()));
    ObjectNode q = n.putObject("quotas");
    Quotas qs = m.quotas();
    q.put("max_vectors", qs.maxVectors());
    q.put("max_storage_bytes", qs.maxStorageBytes());
    q.put("max_requests_per_second", qs.maxRequestsPerSecond());
    q.put("max_concurrent_queries", qs.maxConcurrentQueries());
    q.put("max_dimension", qs.maxDimension());
    q.put("max_results_per_query", qs.maxResultsPerQuery());
    q.put("max_batch_size", qs.maxBatchSize());
    n.put("status", m.status().wireName());
    n.put("metric", m.metric().wireName());
    n.put("dimension", m.dimension());
    n.put("quantization", m.options().quantization().wireName());
    n.put("default_num_candidates", m.options().defaultNumCandidates());
    n.put("created_at", m.createdAt().toString());
    n.put("pending_deletion_since", m.pendingDeletionSince() == null ? null : m.pendingDeletionSince().toString());
    n.put("updated_at", m.updatedAt().toString());
    ObjectNode u = n.putObject("usage");
    u.put("total_requests", m.usage().totalRequests());
    u.put("total_queries", m.usage().totalQueries());
    u.put("total_upserts", m.usage().totalUpserts());
    u.put("total_deletes", m.usage().totalDeletes());
    if (m.size() != null) {
      ObjectNode z = n.putObject("size_at_close");
      z.put("vector_count", m.size().vectorCount());
      z.put("deleted_count", m.size().deletedCount());
      z.put("storage_bytes", m.size().storageBytes());
      z.put("commit_generation", m.size().commitGeneration());
    }
    ArrayNode keys = n.putArray("keys");
    for (StoredKey k : m.keys()) {
      ObjectNode kn = keys.addObject();
      kn.put("id", k.id());
      kn.put("name", k.name());
      kn.put("role", k.role().wireName());
      kn.put("salt", HEX.formatHex(k.salt()));
      kn.put("sha256", HEX.formatHex(k.hash()));
      kn.put("created_at", k.createdAt().toString());
      kn.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
    }
    return n;
  }

  private static NamespaceMeta fromJson(JsonNode n) throws IOException {
    JsonNode q = n.path("quotas");
    Map<String, String> metadata = new LinkedHashMap<>();
    n.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    JsonNode u = n.path("usage");
    try {
      return new NamespaceMeta(
          required(n, "id").asText(),
          required(n, "name").asText(),
          n.path("description").isTextual() ? n.get("description").asText() : null,
          metadata,
          new Quotas(
              longOrNull(q, "max_vectors"),
              longOrNull(q, "max_storage_bytes"),
              q.path("max_requests_per_second").isNumber() ? q.get("max_requests_per_second").doubleValue() : null,
              intOrNull(q, "max_concurrent_queries"),
              intOrNull(q, "max_dimension"),
              intOrNull(q, "max_results_per_query"),
              intOrNull(q, "max_batch_size")),
          NamespaceStatus.parse(required(n, "status").asText()),
          Metric.parse(required(n, "metric").asText()),
          intOrNull(n, "dimension"),
          Instant.parse(required(n, "created_at").asText()),
          Instant.parse(required(n, "updated_at").asText()),
          new Usage(
              u.path("total_requests").asLong(),
              u.path("total_queries").asLong(),
              u.path("total_upserts").asLong(),
              u.path("total_deletes").asLong()),
          keys(n.path("keys")),
          size(n.get("size_at_close")),
          n.path("pending_deletion_since").isTextual() ? Instant.parse(n.get("pending_deletion_since").asText()) : null,
          new IndexOptions(
              n.path("quantization").isTextual() ? Quantization.parse(n.get("quantization").asText()) : Quantization.NONE,
              intOrNull(n, "default_num_candidates")));
    } catch (RuntimeException e) {
      throw new IOException("invalid namespace.json: " + e.getMessage(), e);
    }
  }

  private static SizeSnapshot size(JsonNode z) {
    if (z == null || !z.isObject()) {
      return null;
    }
    return new SizeSnapshot(z.path("vector_count").asLong(), z.path("deleted_count").asLong(),
        z.path("storage_bytes").asLong(), z.path("commit_generation").asLong(-1));
  }

  private static List<StoredKey> keys(JsonNode array) {
    List<StoredKey> out = new ArrayList<>();
    for (JsonNode k : array) {
      JsonNode used = k.get("last_used_at");
      out.add(new StoredKey(
          k.get("id").asText(),
          k.get("name").asText(),
          KeyRole.parse(k.get("role").asText()),
          HEX.parseHex(k.get("salt").asText()),
          HEX.parseHex(k.get("sha256").asText()),
          Instant.parse(k.get("created_at").asText()),
          used == null || used.isNull() ? null : Instant.parse(used.asText())));
    }
    return out;
  }

  private static JsonNode required(JsonNode n, String field) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IOException("namespace.json lacks '" + field + "'");
    }
    return v;
  }

  private static Long longOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.longValue() : null;
  }

  private static Integer intOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.intValue() : null;
  }
}
