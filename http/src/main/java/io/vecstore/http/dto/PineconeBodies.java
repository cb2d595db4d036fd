package io.vecstore.http.dto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.VectorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The request bodies of the Pinecone-compatible routes, with Pinecone's field names (its data plane
 * API, version 2026-04), turned into the same core requests as our own routes. Fields Pinecone has
 * and VecStore does not (sparse vectors, multi-queries) are refused with a 400 that says so;
 * unknown fields are refused as on our own routes. Stateless, thread-safe.
 */
public final class PineconeBodies {

  /** The namespace a Pinecone client sends when its caller chose none. */
  public static final String DEFAULT_NAMESPACE = "__default__";
  /** Pinecone's page size of listings when none is given. */
  public static final int DEFAULT_LIST_LIMIT = 100;

  private static final Set<String> UPSERT_FIELDS = Set.of("vectors", "namespace");
  private static final Set<String> VECTOR_FIELDS = Set.of("id", "values", "metadata", "sparseValues");
  private static final Set<String> FETCH_BY_METADATA_FIELDS = Set.of("namespace", "filter", "limit", "paginationToken");
  private static final Set<String> UPDATE_FIELDS = Set.of("id", "values", "sparseValues", "setMetadata", "namespace",
      "filter", "dryRun");
  private static final Set<String> DELETE_FIELDS = Set.of("ids", "deleteAll", "namespace", "filter");
  private static final Set<String> STATS_FIELDS = Set.of("filter");
  private static final Set<String> NAMESPACE_FIELDS = Set.of("name", "schema");
  private static final Set<String> INDEX_FIELDS = Set.of("name", "dimension", "metric", "spec", "deployment", "schema",
      "deletion_protection", "tags", "vector_type", "read_capacity", "cmek_id", "embed");

  private PineconeBodies() {}

  /** Any body of a namespaced route: the namespace it names, as given (maybe absent, "" or the default). */
  public sealed interface Namespaced permits Upsert, Query, FetchByMetadata, Update, Delete {
    String namespace();
  }

  public record Upsert(String namespace, List<VectorRecord> vectors) implements Namespaced {}

  /** A query by {@code vector} or by the vector stored under {@code id}. */
  public record Query(String namespace, float[] vector, String id, int topK, Integer maxCandidates, JsonNode filter,
      boolean includeValues, boolean includeMetadata) implements Namespaced {

    /** The core request, for a vector given or read. */
    public SearchRequest request(float[] values) {
      return new SearchRequest(values, topK, maxCandidates, filter, includeMetadata, includeValues);
    }
  }

  public record FetchByMetadata(String namespace, JsonNode filter, int limit, String paginationToken)
      implements Namespaced {}

  /** By {@code id} (values and/or metadata) or by {@code filter} (metadata, maybe a dry run). */
  public record Update(String namespace, String id, float[] values, ObjectNode setMetadata, JsonNode filter,
      boolean dryRun) implements Namespaced {}

  /** Exactly one of ids, all, filter. */
  public record Delete(String namespace, List<String> ids, boolean all, JsonNode filter) implements Namespaced {}

  /** A control-plane create: the index's name, dimension and metric, from either client major's shape. */
  public record CreateIndex(String name, int dimension, Metric metric) {}

  public static Upsert upsert(JsonNode json) {
    Body b = Body.of(json, "upsert request", UPSERT_FIELDS);
    JsonNode vectors = b.optional("vectors");
    if (vectors == null || !vectors.isArray()) {
      throw new InvalidRequestException("vectors must be an array of {id, values, metadata}, got: "
          + JsonTypes.describe(vectors));
    }
    List<VectorRecord> out = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      String at = "vectors[" + i + "]";
      Body v = Body.of(vectors.get(i), at, VECTOR_FIELDS);
      refuseSparse(v, "sparseValues", at + ".");
      String id = v.optionalString("id");
      if (id == null) {
        throw new InvalidRequestException(at + ".id is required");
      }
      out.add(new VectorRecord(id, Body.floats(at + ".values", v.optional("values")),
          Body.object(at + ".metadata", v.optional("metadata"))));
    }
    return new Upsert(b.optionalString("namespace"), out);
  }

  public static Query query(byte[] body) {
    return PineconeQueryBody.parse(body);
  }

  public static FetchByMetadata fetchByMetadata(JsonNode json) {
    Body b = Body.of(json, "fetch_by_metadata request", FETCH_BY_METADATA_FIELDS);
    Integer limit = b.optionalInt("limit");
    return new FetchByMetadata(b.optionalString("namespace"), objectFilter(b.optional("filter")),
        limit == null ? DEFAULT_LIST_LIMIT : limit, emptyToNull(b.optionalString("paginationToken")));
  }

  public static Update update(JsonNode json) {
    Body b = Body.of(json, "update request", UPDATE_FIELDS);
    refuseSparse(b, "sparseValues", "");
    String id = b.optionalString("id");
    JsonNode filter = objectFilter(b.optional("filter"));
    if ((id == null) == (filter == null)) {
      throw new InvalidRequestException("update request needs exactly one of 'id' and 'filter'");
    }
    JsonNode values = b.optional("values");
    ObjectNode setMetadata = Body.object("setMetadata", b.optional("setMetadata"));
    if (filter != null && values != null) {
      throw new InvalidRequestException("an update by filter sets metadata only; values need an 'id'");
    }
    if (id == null ? setMetadata == null : values == null && setMetadata == null) {
      throw new InvalidRequestException(id == null ? "setMetadata is required in an update by filter"
          : "an update needs values or setMetadata (or both)");
    }
    if (id != null && b.present("dryRun")) {
      throw new InvalidRequestException("dryRun applies to an update by filter only");
    }
    return new Update(b.optionalString("namespace"), id, values == null ? null : Body.floats("values", values),
        setMetadata, filter, b.optionalBoolean("dryRun", false));
  }

  public static Delete delete(JsonNode json) {
    Body b = Body.of(json, "delete request", DELETE_FIELDS);
    JsonNode ids = b.optional("ids");
    JsonNode filter = objectFilter(b.optional("filter"));
    boolean all = b.optionalBoolean("deleteAll", false);
    if ((ids != null ? 1 : 0) + (filter != null ? 1 : 0) + (all ? 1 : 0) != 1) {
      throw new InvalidRequestException("delete request needs exactly one of 'ids', 'filter' and 'deleteAll': true");
    }
    return new Delete(b.optionalString("namespace"), ids == null ? null : Requests.strings("ids", ids), all, filter);
  }

  /** describe_index_stats: Pinecone's own serverless indexes refuse a filter there, and so does VecStore. */
  public static void stats(JsonNode json) {
    if (json == null) {
      return;
    }
    Body b = Body.of(json, "describe_index_stats request", STATS_FIELDS);
    if (b.optional("filter") != null) {
      throw new InvalidRequestException("describe_index_stats does not take a filter here (as on Pinecone serverless "
          + "indexes); count a filter's matches with POST /vectors/fetch_by_metadata");
    }
  }

  /** The name of a namespace to create; a schema (Pinecone's metadata indexing choice) is refused. */
  public static String createNamespace(JsonNode json) {
    Body b = Body.of(json, "create namespace request", NAMESPACE_FIELDS);
    if (b.optional("schema") != null) {
      throw new InvalidRequestException("schema is not supported: VecStore indexes every metadata field");
    }
    return b.requiredString("name");
  }

  /**
   * A create-index body: v8 clients send {@code dimension} and {@code metric} at the top, v9
   * clients a {@code schema.fields._values} dense-vector field.
   */
  public static CreateIndex createIndex(JsonNode json) {
    Body b = Body.of(json, "create index request", INDEX_FIELDS);
    String name = b.requiredString("name");
    JsonNode field = json.path("schema").path("fields").path("_values");
    Integer dimension = b.optionalInt("dimension");
    if (dimension == null && field.isObject()) {
      dimension = Body.of(field, "schema.fields._values", Set.of("type", "dimension", "metric", "description"))
          .optionalInt("dimension");
    }
    if (dimension == null || dimension < 1) {
      throw new InvalidRequestException("dimension is required (a positive integer, or schema.fields._values.dimension), got: "
          + dimension);
    }
    String metric = b.optionalString("metric");
    if (metric == null && field.path("metric").isTextual()) {
      metric = field.path("metric").textValue();
    }
    String vectorType = b.optionalString("vector_type");
    if (vectorType != null && !vectorType.equals("dense")) {
      throw new InvalidRequestException("vector_type must be dense (sparse vectors are not supported), got: " + vectorType);
    }
    return new CreateIndex(name, dimension, metric == null ? Metric.COSINE : metric(metric));
  }

  /** A Pinecone metric name ({@code cosine}, {@code euclidean}, {@code dotproduct}) as ours. */
  public static Metric metric(String name) {
    return switch (name) {
      case "cosine" -> Metric.COSINE;
      case "euclidean" -> Metric.EUCLIDEAN;
      case "dotproduct" -> Metric.DOT_PRODUCT;
      default -> throw new InvalidRequestException("metric must be one of cosine, euclidean, dotproduct, got: " + name);
    };
  }

  /** Our metric under its Pinecone name. */
  public static String metricName(Metric metric) {
    return switch (metric) {
      case COSINE -> "cosine";
      case EUCLIDEAN -> "euclidean";
      case DOT_PRODUCT -> "dotproduct";
    };
  }

  static void refuseSparse(Body b, String field, String at) {
    if (b.optional(field) != null) {
      throw new InvalidRequestException(at + field + ": sparse vectors are not supported by VecStore (dense vectors only)");
    }
  }

  /** Pinecone filters are JSON objects (VecStore's string form is for its own routes). */
  static JsonNode objectFilter(JsonNode filter) {
    if (filter != null && !filter.isObject()) {
      throw new InvalidRequestException(io.vecstore.core.error.InvalidRequestException.INVALID_FILTER,
          "filter must be a JSON object, got: " + JsonTypes.describe(filter));
    }
    return filter;
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
