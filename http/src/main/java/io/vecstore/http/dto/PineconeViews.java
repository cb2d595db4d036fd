package io.vecstore.http.dto;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.index.Metric;
import io.vecstore.core.vector.IdPage;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.RecordPage;
import io.vecstore.core.vector.VectorRecord;
import java.util.List;
import java.util.Map;

/**
 * The response bodies of the Pinecone-compatible routes, with Pinecone's field names (camelCase on
 * the data plane, snake_case in namespace listings and the control plane, as its API has them).
 * A field without a value is left out, never sent as null. Pinecone's read units
 * ({@code usage.readUnits}) have no VecStore counterpart and are left out; {@code indexFullness}
 * is the quota utilization (see {@link #stats}).
 * Stateless, thread-safe.
 */
public final class PineconeViews {

  private PineconeViews() {}

  private static ObjectNode object() {
    return JsonCodec.MAPPER.createObjectNode();
  }

  public static ObjectNode empty() {
    return object();
  }

  public static ObjectNode upserted(long count) {
    return object().put("upsertedCount", count);
  }

  public static ObjectNode matchedRecords(long count) {
    return object().put("matchedRecords", count);
  }

  /**
   * Pinecone's score of a hit: the similarity for cosine and dot product (as ours), and for
   * euclidean the squared distance, lower is better (ours is 1 / (1 + distance)).
   */
  static double score(QueryHit hit, Metric metric) {
    return metric == Metric.EUCLIDEAN ? hit.distance() * hit.distance() : hit.score();
  }

  /** The query response, written straight from the hits (the path every query takes). */
  public static byte[] matches(List<QueryHit> hits, String namespace, Metric metric) {
    return JsonCodec.write(256 + 96 * hits.size(), g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("matches");
      for (QueryHit h : hits) {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeNumberField("score", score(h, metric));
        if (h.values() != null) {
          g.writeFieldName("values");
          JsonCodec.writeFloats(g, h.values());
        }
        if (h.metadata() != null) {
          g.writeFieldName("metadata");
          g.writeTree(h.metadata());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("namespace", namespace);
      g.writeEndObject();
    });
  }

  /** Fetched vectors: a map from id to vector; ids not found are absent from it. */
  public static ObjectNode fetched(List<VectorRecord> found, String namespace) {
    ObjectNode n = object();
    ObjectNode vectors = n.putObject("vectors");
    found.forEach(r -> vectors.set(r.id(), vector(r)));
    n.put("namespace", namespace);
    return n;
  }

  public static ObjectNode fetched(RecordPage page, String namespace) {
    ObjectNode n = fetched(page.records(), namespace);
    pagination(n, page.nextCursor());
    return n;
  }

  public static ObjectNode ids(IdPage page, String namespace) {
    ObjectNode n = object();
    ArrayNode vectors = n.putArray("vectors");
    page.ids().forEach(id -> vectors.addObject().put("id", id));
    pagination(n, page.nextCursor());
    n.put("namespace", namespace);
    return n;
  }

  /**
   * describe_index_stats: vectors per namespace and in all.
   *
   * @param fullness how full the namespaces shown are: the highest quota utilization among them
   *     (0 to 1; the share of its vector or storage quota a namespace uses), so that 1 means a
   *     namespace can take no more
   * @param dimension the index's dimension, or null while it has none
   */
  public static ObjectNode stats(Map<String, Long> counts, double fullness, Integer dimension, Metric metric) {
    ObjectNode n = object();
    ObjectNode namespaces = n.putObject("namespaces");
    long total = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      namespaces.putObject(e.getKey()).put("vectorCount", e.getValue());
      total += e.getValue();
    }
    if (dimension != null) {
      n.put("dimension", dimension);
    }
    n.put("indexFullness", fullness);
    n.put("totalVectorCount", total);
    n.put("metric", PineconeBodies.metricName(metric));
    n.put("vectorType", "dense");
    return n;
  }

  /** A namespace as Pinecone describes one; {@code recordCount} null when unknown (an unavailable namespace). */
  public static ObjectNode namespace(String name, Long recordCount) {
    ObjectNode n = object().put("name", name);
    if (recordCount != null) {
      n.put("record_count", recordCount);
    }
    return n;
  }

  /** A page of namespaces, {@code entries} name → record count. */
  public static ObjectNode namespaces(Map<String, Long> entries, String next, long total) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("namespaces");
    entries.forEach((name, count) -> list.add(namespace(name, count)));
    pagination(n, next);
    n.put("total_count", total);
    return n;
  }

  /**
   * The index model, in one shape that both client majors read: v8 reads {@code dimension},
   * {@code metric} and {@code spec}; v9 reads {@code deployment} and {@code schema.fields._values}.
   *
   * @param dimension null while the index has none (no vector and no dimension fixed yet)
   */
  public static ObjectNode index(String name, String host, Integer dimension, Metric metric) {
    String metricName = PineconeBodies.metricName(metric);
    ObjectNode n = object();
    n.put("name", name);
    n.put("host", host);
    if (dimension != null) {
      n.put("dimension", dimension);
    }
    n.put("metric", metricName);
    n.put("vector_type", "dense");
    n.put("deletion_protection", "disabled");
    n.putObject("tags");
    ObjectNode readCapacity = object().put("mode", "OnDemand");
    readCapacity.putObject("status").put("state", "Ready");
    ObjectNode serverless = n.putObject("spec").putObject("serverless").put("cloud", "aws").put("region", "local");
    serverless.set("read_capacity", readCapacity);
    n.putObject("deployment").put("deployment_type", "managed").put("cloud", "aws").put("region", "local");
    n.set("read_capacity", readCapacity.deepCopy());
    ObjectNode values = n.putObject("schema").putObject("fields").putObject("_values").put("type", "dense_vector");
    if (dimension != null) {
      values.put("dimension", dimension);
    }
    values.put("metric", metricName);
    n.putObject("status").put("ready", true).put("state", "Ready");
    return n;
  }

  public static ObjectNode indexes(List<ObjectNode> models) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("indexes");
    models.forEach(list::add);
    return n;
  }

  /**
   * Pinecone's error body: a gRPC status number, the message, and VecStore's own code (and the
   * error's details, as strings) in a {@code google.rpc.ErrorInfo}.
   */
  public static ObjectNode error(int grpcCode, String message, String code, Map<String, Object> details) {
    ObjectNode n = object();
    n.put("code", grpcCode);
    n.put("message", message);
    ObjectNode info = n.putArray("details").addObject();
    info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
    info.put("reason", code);
    info.put("domain", "vecstore.io");
    ObjectNode metadata = info.putObject("metadata");
    details.forEach((k, v) -> {
      if (v != null) {
        metadata.put(k, v.toString());
      }
    });
    return n;
  }

  private static void pagination(ObjectNode n, String next) {
    if (next != null) {
      n.putObject("pagination").put("next", next);
    }
  }

  private static ObjectNode vector(VectorRecord r) {
    ObjectNode v = object();
    v.put("id", r.id());
    ArrayNode values = v.putArray("values");
    for (float f : r.values()) {
      values.add(f);
    }
    if (r.metadata() != null) {
      v.set("metadata", r.metadata());
    }
    return v;
  }
}
