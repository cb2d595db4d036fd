package io.vecstore.core.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.core.auth.StoredKey;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Tier;
import io.vecstore.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes namespace.json: the settings in {@link MetaCodec}'s names, plus the number of
 * the last audit event it holds, the usage counters, the size at the last clean close and the
 * keys' salted hashes. A file written before plans existed has no plan: it gets the built-in plan
 * its quotas match ({@link Tier#inferFrom}). Writes are atomic (see
 * {@link AtomicFiles#write}). Stateless and thread-safe; callers serialize writes of one namespace.
 */
public final class MetaStore {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int FORMAT_VERSION = 1;
  /** The number of the last audit event whose change this file holds (see EventLog). */
  static final String EVENT_SEQ = "event_seq";
  private static final HexFormat HEX = HexFormat.of();

  private MetaStore() {}

  public static void write(Path file, NamespaceMeta meta) throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(toJson(meta)));
  }

  public static NamespaceMeta read(Path file) throws IOException {
    JsonNode n = JSON.readTree(file.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object: " + file);
    }
    return fromJson(n);
  }

  /** The namespace.json bytes of {@code meta}: keys' hashes and counters included (for a move). */
  public static byte[] toBytes(NamespaceMeta meta) throws IOException {
    return JSON.writeValueAsBytes(toJson(meta));
  }

  /** Reads namespace.json bytes as {@link #toBytes} wrote them. */
  public static NamespaceMeta fromBytes(byte[] json) throws IOException {
    JsonNode n = JSON.readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("namespace.json is not a JSON object");
    }
    return fromJson(n);
  }

  /**
   * Rewrites an archive's namespace.json in place for a namespace made from it: another id, a
   * status, no pending deletion, no keys, no recorded size, no audit events. Edited as JSON, so fields this server
   * does not know travel unchanged.
   */
  public static NamespaceMeta rewriteForImport(Path file, String id, NamespaceStatus status, Instant now)
      throws IOException {
    ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
    json.put("id", id);
    json.put("status", status.wireName());
    json.putNull("pending_deletion_since");
    json.put("updated_at", now.toString());
    json.remove("size_at_close");
    json.put(EVENT_SEQ, 0); // a new namespace: its audit trail starts afresh
    json.putArray("keys");
    AtomicFiles.write(file, JSON.writeValueAsBytes(json));
    return read(file);
  }

  private static ObjectNode toJson(NamespaceMeta m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    MetaCodec.putSettings(n, m);
    n.put(EVENT_SEQ, m.eventSeq());
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
      kn.put("last_used_at", MetaCodec.time(k.lastUsedAt()));
    }
    return n;
  }

  private static NamespaceMeta fromJson(JsonNode n) throws IOException {
    Map<String, String> metadata = new LinkedHashMap<>();
    n.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    JsonNode u = n.path("usage");
    try {
      Quotas quotas = MetaCodec.readQuotas(n.path("quotas"));
      JsonNode policy = n.get(MetaCodec.QUOTA_POLICY);
      return new NamespaceMeta(
          required(n, "id").asText(),
          required(n, "name").asText(),
          n.path("description").isTextual() ? n.get("description").asText() : null,
          metadata,
          quotas,
          // Written before plans existed: the plan its quotas came from (see Tier.inferFrom).
          n.path(MetaCodec.PLAN).isTextual() ? n.get(MetaCodec.PLAN).asText() : Tier.inferFrom(quotas).wireName(),
          policy == null || policy.isNull() ? null : MetaCodec.readQuotaPolicy(policy, MetaCodec.QUOTA_POLICY),
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
              intOrNull(n, "default_num_candidates"),
              MetaCodec.readText(n.get(MetaCodec.TEXT)),
              MetaCodec.readEmbedding(n.get(MetaCodec.EMBEDDING))),
          n.path(EVENT_SEQ).asLong(0));
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

  private static Integer intOrNull(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.intValue() : null;
  }
}
