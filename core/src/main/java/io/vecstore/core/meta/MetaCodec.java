package io.vecstore.core.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JSON names of namespace settings, quotas and snapshot descriptions, shared by the REST
 * responses and the files on disk (namespace.json, snapshot.json): one place where a field is
 * named. Each shape's extras (counters and keys on disk, live figures in a response) are added by
 * its writer around these. Stateless and thread-safe.
 */
public final class MetaCodec {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MetaCodec() {}

  /** {@code {"max_vectors": …, …}} in {@link QuotaField} order; null is unlimited. */
  public static ObjectNode quotas(Quotas q) {
    ObjectNode n = NODES.objectNode();
    for (QuotaField f : QuotaField.values()) {
      Number v = f.of(q);
      switch (f.kind()) {
        case LONG -> n.put(f.wireName(), (Long) v);
        case INT -> n.put(f.wireName(), (Integer) v);
        case NUMBER -> n.put(f.wireName(), (Double) v);
      }
    }
    return n;
  }

  /** Quotas as {@link #quotas(Quotas)} writes them; anything but a number is unlimited. */
  public static Quotas readQuotas(JsonNode n) {
    Map<QuotaField, Number> values = new EnumMap<>(QuotaField.class);
    for (QuotaField f : QuotaField.values()) {
      JsonNode v = n.get(f.wireName());
      if (v != null && v.isNumber()) {
        values.put(f, switch (f.kind()) {
          case LONG -> v.longValue();
          case INT -> v.intValue();
          case NUMBER -> v.doubleValue();
        });
      }
    }
    return Quotas.of(values);
  }

  /**
   * The settings every shape of a namespace shows: id, name, description, metadata (sorted by
   * key), quotas, status, metric, dimension, quantization, default_num_candidates, text, embedding, created_at,
   * updated_at and pending_deletion_since.
   */
  public static void putSettings(ObjectNode n, NamespaceMeta m) {
    n.put("id", m.id());
    n.put("name", m.name());
    n.put("description", m.description());
    ObjectNode md = n.putObject("metadata");
    m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> md.put(e.getKey(), e.getValue()));
    n.set("quotas", quotas(m.quotas()));
    n.put("status", m.status().wireName());
    n.put("metric", m.metric().wireName());
    n.put("dimension", m.dimension());
    n.put("quantization", m.options().quantization().wireName());
    n.put("default_num_candidates", m.options().defaultNumCandidates());
    putTextOptions(n, m.options());
    n.put("created_at", m.createdAt().toString());
    n.put("updated_at", m.updatedAt().toString());
    n.put("pending_deletion_since", time(m.pendingDeletionSince()));
  }

  /** Wire names of the text options: {@code "text": {"analyzer": …}} and {@code "embedding": {"model": …}}. */
  public static final String TEXT = "text";
  public static final String ANALYZER = "analyzer";
  public static final String EMBEDDING = "embedding";
  public static final String MODEL = "model";

  /** {@code "text": {"analyzer": …} | null, "embedding": {"model": …} | null}. */
  static void putTextOptions(ObjectNode n, IndexOptions o) {
    if (o.text() == null) {
      n.putNull(TEXT);
    } else {
      n.putObject(TEXT).put(ANALYZER, o.text().wireName());
    }
    if (o.embedding() == null) {
      n.putNull(EMBEDDING);
    } else {
      n.putObject(EMBEDDING).put(MODEL, o.embedding().wireName());
    }
  }

  /** The analyzer of a {@code "text"} object as {@link #putTextOptions} writes it, or null. */
  public static TextAnalyzer readText(JsonNode text) {
    JsonNode a = text == null ? null : text.get(ANALYZER);
    return a == null || !a.isTextual() ? null : TextAnalyzer.parse(TEXT + "." + ANALYZER, a.asText());
  }

  /** The model of an {@code "embedding"} object as {@link #putTextOptions} writes it, or null. */
  public static EmbeddingModel readEmbedding(JsonNode embedding) {
    JsonNode m = embedding == null ? null : embedding.get(MODEL);
    return m == null || !m.isTextual() ? null : EmbeddingModel.parse(EMBEDDING + "." + MODEL, m.asText());
  }

  /** A snapshot's description: name, namespace_id, created_at, vector_count, bytes, commit_generation, wal_seq. */
  public static ObjectNode snapshot(SnapshotInfo s) {
    ObjectNode n = NODES.objectNode();
    n.put("name", s.name());
    n.put("namespace_id", s.namespaceId());
    n.put("created_at", s.createdAt().toString());
    n.put("vector_count", s.vectorCount());
    n.put("bytes", s.bytes());
    n.put("commit_generation", s.commitGeneration());
    n.put("wal_seq", s.walSeq());
    return n;
  }

  /** A snapshot's description as {@link #snapshot(SnapshotInfo)} writes it; a missing field is a RuntimeException. */
  public static SnapshotInfo readSnapshot(JsonNode n) {
    return new SnapshotInfo(n.get("name").asText(), n.get("namespace_id").asText(),
        Instant.parse(n.get("created_at").asText()), n.get("vector_count").asLong(), n.get("bytes").asLong(),
        n.get("commit_generation").asLong(), n.get("wal_seq").asLong());
  }

  /** ISO-8601, or null. */
  public static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
