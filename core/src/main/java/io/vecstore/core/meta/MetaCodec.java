package io.vecstore.core.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.quota.AutoGrow;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The JSON names of namespace settings, quotas, quota policies and snapshot descriptions, shared
 * by the REST requests and responses and the files on disk (namespace.json, snapshot.json, plans
 * files): one place where a field is named. Each shape's extras (counters and keys on disk, live figures in a response) are added by
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
   * key), quotas, plan, quota_policy (null: its plan's applies), status, metric, dimension,
   * quantization, default_num_candidates, text, embedding, created_at, updated_at and
   * pending_deletion_since.
   */
  public static void putSettings(ObjectNode n, NamespaceMeta m) {
    n.put("id", m.id());
    n.put("name", m.name());
    n.put("description", m.description());
    ObjectNode md = n.putObject("metadata");
    m.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> md.put(e.getKey(), e.getValue()));
    n.set("quotas", quotas(m.quotas()));
    n.put(PLAN, m.plan());
    n.set(QUOTA_POLICY, m.quotaPolicy() == null ? NODES.nullNode() : quotaPolicy(m.quotaPolicy()));
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

  /** Wire names of a namespace's plan and quota policy, and of a policy's fields. */
  public static final String PLAN = "plan";
  public static final String QUOTA_POLICY = "quota_policy";
  static final String AUTO_GROW = "auto_grow";
  private static final Set<String> POLICY_FIELDS = Set.of(AUTO_GROW);
  private static final Set<String> AUTO_GROW_FIELDS =
      Set.of("quota", "when_utilization_above", "factor", "up_to", "cooldown_minutes");
  private static final String UP_TO_CEILING = "ceiling";

  /**
   * {@code {"auto_grow": {"quota", "when_utilization_above", "factor", "up_to": "ceiling"|n,
   * "cooldown_minutes"}}}, or {@code {}} for no policy.
   */
  public static ObjectNode quotaPolicy(QuotaPolicy p) {
    ObjectNode n = NODES.objectNode();
    AutoGrow g = p.autoGrow();
    if (g != null) {
      ObjectNode a = n.putObject(AUTO_GROW);
      a.put("quota", g.quota().wireName());
      a.put("when_utilization_above", g.whenUtilizationAbove());
      a.put("factor", g.factor());
      switch (g.upTo()) {
        case AutoGrow.UpTo.Ceiling c -> a.put("up_to", UP_TO_CEILING);
        case AutoGrow.UpTo.AtMost m -> a.put("up_to", m.value());
      }
      a.put("cooldown_minutes", g.cooldown().toMinutes());
    }
    return n;
  }

  /**
   * A quota policy as {@link #quotaPolicy} writes it, strictly: unknown fields and wrong types are
   * a 400 naming the field under {@code path} (e.g. {@code quota_policy.auto_grow.factor}). Of
   * {@code auto_grow}, only {@code quota} is required; the others default to the guide's example
   * (above 0.85, times 1.5, up to the ceiling, every 10 minutes at most). {@code auto_grow} null or
   * absent: no automatic growth.
   */
  public static QuotaPolicy readQuotaPolicy(JsonNode n, String path) {
    requireObject(n, path, POLICY_FIELDS);
    JsonNode a = n.get(AUTO_GROW);
    if (a == null || a.isNull()) {
      return QuotaPolicy.NONE;
    }
    String at = path + "." + AUTO_GROW;
    requireObject(a, at, AUTO_GROW_FIELDS);
    JsonNode quota = a.get("quota");
    if (quota == null || quota.isNull()) {
      throw new InvalidRequestException(at + ".quota is required (max_vectors or max_storage_bytes)");
    }
    if (!quota.isTextual()) {
      throw new InvalidRequestException(at + ".quota must be a string, got: " + quota);
    }
    QuotaField field = null;
    for (QuotaField f : QuotaField.values()) {
      field = f.wireName().equals(quota.textValue()) ? f : field;
    }
    if (field == null) {
      throw new InvalidRequestException(at + ".quota must be one of [max_vectors, max_storage_bytes], got: " + quota.textValue());
    }
    JsonNode upTo = a.get("up_to");
    AutoGrow.UpTo limit = AutoGrow.UpTo.CEILING;
    if (upTo != null && !upTo.isNull() && !(upTo.isTextual() && upTo.textValue().equals(UP_TO_CEILING))) {
      if (!upTo.isNumber()) {
        throw new InvalidRequestException(at + ".up_to must be \"ceiling\" or a positive integer, got: " + upTo);
      }
      limit = new AutoGrow.UpTo.AtMost(integer(at + ".up_to", upTo));
    }
    JsonNode cooldown = a.get("cooldown_minutes");
    long minutes = cooldown == null || cooldown.isNull() ? AutoGrow.DEFAULT_COOLDOWN.toMinutes()
        : integer(at + ".cooldown_minutes", cooldown);
    if (minutes < 0 || minutes > AutoGrow.MAX_COOLDOWN_MINUTES) {
      throw new InvalidRequestException(at + ".cooldown_minutes must be between 0 and " + AutoGrow.MAX_COOLDOWN_MINUTES
          + ", got: " + minutes);
    }
    return new QuotaPolicy(new AutoGrow(field,
        number(at + ".when_utilization_above", a.get("when_utilization_above"), AutoGrow.DEFAULT_THRESHOLD),
        number(at + ".factor", a.get("factor"), AutoGrow.DEFAULT_FACTOR),
        limit, Duration.ofMinutes(minutes)));
  }

  /** Rejects anything but a JSON object whose fields are all in {@code allowed}, naming {@code path}. */
  static void requireObject(JsonNode n, String path, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw new InvalidRequestException(path + " must be a JSON object, got: " + (n == null ? "nothing" : n.toString()));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new InvalidRequestException("Unknown field '" + field + "' in " + path + "; allowed: " + new TreeSet<>(allowed));
      }
    }
  }

  /** An integral JSON number that fits in a long ({@code 5}, {@code 5.0}, {@code 5e0}); else a 400 naming {@code path}. */
  static long integer(String path, JsonNode v) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber() && Double.isFinite(v.doubleValue())) {
      try {
        return v.decimalValue().stripTrailingZeros().longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // not integral or out of range: reported below
      }
    }
    throw new InvalidRequestException(path + " must be an integer, got: " + v);
  }

  /** A finite JSON number, or {@code fallback} when absent or null; else a 400 naming {@code path}. */
  private static double number(String path, JsonNode v, double fallback) {
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw new InvalidRequestException(path + " must be a number, got: " + v);
    }
    return v.doubleValue();
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
