package io.vecstore.http.dto;

import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns request bodies into core requests (DESIGN.md §4 shapes). Stateless, thread-safe. */
public final class Requests {

  /** The admin's override of a plan's ceilings, in a create, a quota update and a plan change. */
  public static final String OVERRIDE = "override";
  private static final Set<String> CREATE_FIELDS =
      Set.of("id", "name", "description", "metadata", "quotas", "tier", MetaCodec.PLAN, MetaCodec.QUOTA_POLICY, OVERRIDE,
          "metric", "dimension", "quantization", "default_num_candidates", "replication_factor", MetaCodec.TEXT,
          MetaCodec.EMBEDDING);
  private static final Set<String> QUOTA_FIELDS =
      Set.of(Arrays.stream(QuotaField.values()).map(QuotaField::wireName).toArray(String[]::new));
  private static final Set<String> QUOTA_UPDATE_FIELDS = union(QUOTA_FIELDS, Set.of(OVERRIDE));
  private static final String RESET_QUOTAS = "reset_quotas";
  private static final Set<String> PLAN_CHANGE_FIELDS = Set.of(MetaCodec.PLAN, RESET_QUOTAS, OVERRIDE);

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new java.util.HashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }
  private static final Set<String> DELETE_FIELDS = Set.of("ids", "filter", "delete_all");
  private static final Set<String> FETCH_FIELDS = Set.of("ids", "filter", "limit", "cursor");
  private static final Set<String> PATCH_FIELDS = Set.of("values", "metadata");
  private static final Set<String> FILTER_UPDATE_FIELDS = Set.of("filter", "metadata", "dry_run");
  private static final Set<String> STATUS_FIELDS = Set.of("status");
  private static final Set<String> KEY_FIELDS = Set.of("name", "role");

  /** A request for a namespace key. */
  public record KeyRequest(String name, KeyRole role) {}

  public static KeyRequest key(JsonNode json) {
    Body b = Body.of(json, "key request", KEY_FIELDS);
    return new KeyRequest(b.requiredString("name"), KeyRole.parse(b.requiredString("role")));
  }

  private Requests() {}

  public static CreateNamespace createNamespace(JsonNode json) {
    return createNamespace(json, 1);
  }

  /**
   * A create body; {@code replication_factor} (the copies a cluster keeps, placed by it) is
   * checked here against {@code maxReplication} and otherwise left to the cluster.
   */
  public static CreateNamespace createNamespace(JsonNode json, int maxReplication) {
    Body b = Body.of(json, "namespace", CREATE_FIELDS);
    Integer replication = b.optionalInt("replication_factor");
    if (replication != null && (replication < 1 || replication > maxReplication)) {
      throw new InvalidRequestException(maxReplication == 1
          ? "replication_factor must be 1 on a server that is not part of a cluster, got: " + replication
          : "replication_factor must be between 1 and " + maxReplication + " (the live nodes), got: " + replication);
    }
    String metric = b.optionalString("metric");
    JsonNode quotas = b.optional("quotas");
    String quantization = b.optionalString("quantization");
    JsonNode policy = b.optional(MetaCodec.QUOTA_POLICY);
    return new CreateNamespace(
        b.requiredString("id"),
        b.optionalString("name"),
        b.optionalString("description"),
        stringMap("metadata", b.optional("metadata")),
        plan(b),
        quotas == null ? null : quotaPatch(quotas),
        metric == null ? null : Metric.parse(metric),
        b.optionalInt("dimension"),
        new IndexOptions(
            quantization == null ? Quantization.NONE : Quantization.parse(quantization),
            b.optionalInt("default_num_candidates"),
            textAnalyzer(b.optional(MetaCodec.TEXT)),
            embeddingModel(b.optional(MetaCodec.EMBEDDING))),
        policy == null ? null : MetaCodec.readQuotaPolicy(policy, MetaCodec.QUOTA_POLICY),
        b.optionalBoolean(OVERRIDE, false));
  }

  /**
   * The plan of a create: {@code "plan"} (any plan of the server, checked by core) or
   * {@code "tier"} (a built-in one, as before plans); both only if they agree. Null: neither.
   */
  private static String plan(Body b) {
    String tier = b.optionalString("tier");
    String plan = b.optionalString(MetaCodec.PLAN);
    String fromTier = tier == null ? null : Tier.parse(tier).wireName();
    if (fromTier != null && plan != null && !fromTier.equals(plan)) {
      throw new InvalidRequestException("tier and plan name different plans (" + tier + ", " + plan
          + "); tier is the older name of plan: give one");
    }
    return plan != null ? plan : fromTier;
  }

  /** {@code "text": {"analyzer": …}}, or null when absent or null. */
  private static TextAnalyzer textAnalyzer(JsonNode json) {
    if (json == null || json.isNull()) {
      return null;
    }
    Body b = Body.of(json, MetaCodec.TEXT, Set.of(MetaCodec.ANALYZER));
    String name = MetaCodec.TEXT + "." + MetaCodec.ANALYZER;
    String analyzer = b.optionalString(MetaCodec.ANALYZER);
    return TextAnalyzer.parse(name, analyzer == null ? TextAnalyzer.STANDARD.wireName() : analyzer);
  }

  /** {@code "embedding": {"model": …}}, or null when absent or null. */
  private static EmbeddingModel embeddingModel(JsonNode json) {
    if (json == null || json.isNull()) {
      return null;
    }
    Body b = Body.of(json, MetaCodec.EMBEDDING, Set.of(MetaCodec.MODEL));
    return EmbeddingModel.parse(MetaCodec.EMBEDDING + "." + MetaCodec.MODEL, b.requiredString(MetaCodec.MODEL));
  }

  /** A quota update: the fields present, each a number of its quota's kind or null (unlimited). */
  public static QuotaPatch quotaPatch(JsonNode json) {
    Body b = Body.of(json, "quotas", QUOTA_FIELDS);
    Map<QuotaField, Number> values = new EnumMap<>(QuotaField.class);
    for (QuotaField f : QuotaField.values()) {
      String name = f.wireName();
      if (b.present(name)) {
        values.put(f, switch (f.kind()) {
          case LONG -> b.optionalLong(name);
          case INT -> b.optionalInt(name);
          case NUMBER -> b.optionalNumber(name);
        });
      }
    }
    return QuotaPatch.of(values);
  }

  /** A quota update: the quota fields it sets, and whether the admin overrides the plan's ceilings. */
  public record QuotaUpdate(QuotaPatch patch, boolean override) {}

  /** {@code PUT …/quotas}: any of the seven quota fields (null: unlimited) and {@code "override"?}. */
  public static QuotaUpdate quotaUpdate(JsonNode json) {
    Body b = Body.of(json, "quotas", QUOTA_UPDATE_FIELDS);
    boolean override = b.optionalBoolean(OVERRIDE, false);
    com.fasterxml.jackson.databind.node.ObjectNode quotas = ((com.fasterxml.jackson.databind.node.ObjectNode) json).deepCopy();
    quotas.remove(OVERRIDE);
    return new QuotaUpdate(quotaPatch(quotas), override);
  }

  /** A plan change: the plan, whether its quotas replace the namespace's, whether the admin overrides its ceilings. */
  public record PlanChange(String plan, boolean resetQuotas, boolean override) {}

  /** {@code PUT …/plan}: {@code {"plan", "reset_quotas"?: false, "override"?: false}}. */
  public static PlanChange planChange(JsonNode json) {
    Body b = Body.of(json, "plan change", PLAN_CHANGE_FIELDS);
    return new PlanChange(b.requiredString(MetaCodec.PLAN), b.optionalBoolean(RESET_QUOTAS, false),
        b.optionalBoolean(OVERRIDE, false));
  }

  /** {@code PUT …/quota-policy}: a quota policy object, or JSON null (the namespace follows its plan's again). */
  public static io.vecstore.core.quota.QuotaPolicy quotaPolicy(JsonNode json) {
    return json == null || json.isNull() ? null : MetaCodec.readQuotaPolicy(json, MetaCodec.QUOTA_POLICY);
  }

  public static NamespaceStatus status(JsonNode json) {
    return NamespaceStatus.parse(Body.of(json, "status request", STATUS_FIELDS).requiredString("status"));
  }

  /** A delete request: exactly one of ids, filter and all. */
  public record DeleteRequest(List<String> ids, JsonNode filter, boolean all) {}

  public static DeleteRequest delete(JsonNode json) {
    Body b = Body.of(json, "delete request", DELETE_FIELDS);
    JsonNode ids = b.optional("ids");
    JsonNode filter = filter(b.optional("filter"));
    boolean all = b.present("delete_all");
    if (all && !b.optionalBoolean("delete_all", false)) {
      throw new InvalidRequestException("delete_all must be true when given, got: " + JsonTypes.describe(json.get("delete_all")));
    }
    if ((ids != null ? 1 : 0) + (filter != null ? 1 : 0) + (all ? 1 : 0) != 1) {
      throw new InvalidRequestException("delete request needs exactly one of 'ids', 'filter' and 'delete_all'");
    }
    return new DeleteRequest(ids == null ? null : strings("ids", ids), filter, all);
  }

  /** A fetch of many vectors: by ids, or a page of a filter's matches. */
  public record FetchRequest(List<String> ids, JsonNode filter, int limit, String cursor) {}

  /** The page size of a listing or a filtered fetch when none is given. */
  public static final int DEFAULT_PAGE = 100;

  public static FetchRequest fetch(JsonNode json) {
    Body b = Body.of(json, "fetch request", FETCH_FIELDS);
    JsonNode ids = b.optional("ids");
    JsonNode filter = filter(b.optional("filter"));
    if ((ids == null) == (filter == null)) {
      throw new InvalidRequestException("fetch request needs exactly one of 'ids' and 'filter'");
    }
    if (ids != null && (b.present("limit") || b.present("cursor"))) {
      throw new InvalidRequestException("limit and cursor page a fetch by filter; a fetch by ids takes neither");
    }
    Integer limit = b.optionalInt("limit");
    return new FetchRequest(ids == null ? null : strings("ids", ids), filter, limit == null ? DEFAULT_PAGE : limit,
        b.optionalString("cursor"));
  }

  /** A partial update of one vector: new values, metadata keys to merge (null removes a key). */
  public record VectorPatch(float[] values, ObjectNode metadata) {}

  public static VectorPatch vectorPatch(JsonNode json) {
    Body b = Body.of(json, "update request", PATCH_FIELDS);
    JsonNode values = b.optional("values");
    return new VectorPatch(values == null ? null : Body.floats("values", values), Body.object("metadata", b.optional("metadata")));
  }

  /** Metadata keys to merge into every vector a filter matches. */
  public record FilterUpdate(JsonNode filter, ObjectNode metadata, boolean dryRun) {}

  public static FilterUpdate filterUpdate(JsonNode json) {
    Body b = Body.of(json, "update request", FILTER_UPDATE_FIELDS);
    JsonNode filter = filter(b.optional("filter"));
    if (filter == null) {
      throw new InvalidRequestException("filter is required in update request");
    }
    ObjectNode metadata = Body.object("metadata", b.optional("metadata"));
    if (metadata == null) {
      throw new InvalidRequestException("metadata is required in update request");
    }
    return new FilterUpdate(filter, metadata, b.optionalBoolean("dry_run", false));
  }

  /** A JSON array of strings. */
  public static List<String> strings(String field, JsonNode array) {
    if (!array.isArray()) {
      throw new InvalidRequestException(field + " must be an array of strings, got: " + JsonTypes.describe(array));
    }
    List<String> list = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!array.get(i).isTextual()) {
        throw new InvalidRequestException(field + "[" + i + "] must be a string, got: " + JsonTypes.describe(array.get(i)));
      }
      list.add(array.get(i).textValue());
    }
    return list;
  }

  /** A filter value as given (a string or an object), or null; anything else is a 400. */
  public static JsonNode filter(JsonNode filter) {
    if (filter != null && !filter.isTextual() && !filter.isObject()) {
      throw new InvalidRequestException(InvalidRequestException.INVALID_FILTER,
          "filter must be a string (e.g. \"category = 'tech'\") or a JSON object, got: " + JsonTypes.describe(filter));
    }
    return filter;
  }

  private static Map<String, String> stringMap(String field, JsonNode node) {
    if (node == null) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidRequestException(field + " must be an object of strings, got: " + JsonTypes.describe(node));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidRequestException(
            field + "." + e.getKey() + " must be a string, got: " + JsonTypes.describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  // --- snapshots and imports -------------------------------------------------------------------

  private static final Set<String> SNAPSHOT_FIELDS = Set.of("name");
  private static final Set<String> LUCENE_IMPORT_FIELDS = Set.of("id", "name", "description", "metadata", "quotas",
      "tier", MetaCodec.PLAN, MetaCodec.QUOTA_POLICY, OVERRIDE, "metric", "path", "vector_field", "id_field",
      "metadata_fields");

  /** The snapshot name of {@code {"name"?}}; null for none (or no body at all). */
  public static String snapshotName(JsonNode json) {
    return json == null ? null : Body.of(json, "snapshot request", SNAPSHOT_FIELDS).optionalString("name");
  }

  /**
   * {@code {"id","path","vector_field","id_field","metric"?,"metadata_fields"?:[…], and the
   * namespace fields of a create but dimension}}.
   */
  public static io.vecstore.core.snapshot.LuceneImport luceneImport(JsonNode json) {
    Body b = Body.of(json, "import request", LUCENE_IMPORT_FIELDS);
    ObjectNode create = ((ObjectNode) json).deepCopy();
    create.remove(List.of("path", "vector_field", "id_field", "metadata_fields"));
    String path = b.requiredString("path");
    JsonNode fields = b.optional("metadata_fields");
    Set<String> metadataFields = null;
    if (fields != null) {
      if (!fields.isArray()) {
        throw new InvalidRequestException("metadata_fields must be an array of field names, got: " + JsonTypes.describe(fields));
      }
      metadataFields = new java.util.LinkedHashSet<>();
      for (int i = 0; i < fields.size(); i++) {
        if (!fields.get(i).isTextual()) {
          throw new InvalidRequestException("metadata_fields[" + i + "] must be a string, got: " + JsonTypes.describe(fields.get(i)));
        }
        metadataFields.add(fields.get(i).textValue());
      }
    }
    java.nio.file.Path dir;
    try {
      dir = java.nio.file.Path.of(path);
    } catch (java.nio.file.InvalidPathException e) {
      throw new InvalidRequestException("path is not a valid path: " + e.getMessage());
    }
    return new io.vecstore.core.snapshot.LuceneImport(createNamespace(create), dir,
        b.requiredString("vector_field"), b.requiredString("id_field"), metadataFields);
  }
}
