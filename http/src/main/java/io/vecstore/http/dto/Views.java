package io.vecstore.http.dto;

import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.quota.Quotas;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.auth.ApiKeyInfo;
import io.vecstore.core.auth.NewApiKey;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.namespace.AggregateStats;
import io.vecstore.core.namespace.Compaction;
import io.vecstore.core.usage.DailyUsage;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.core.meta.NamespaceStats;
import java.util.List;
import java.util.Map;

/** JSON shapes of responses (DESIGN.md §4), built explicitly so field names never drift. */
public final class Views {

  /** Status shown for a namespace whose storage cannot be read; never a status one can set. */
  static final String UNAVAILABLE = "unavailable";

  private Views() {}

  private static ObjectNode object() {
    return JsonCodec.MAPPER.createObjectNode();
  }

  /** The namespace object, with when a pending deletion will happen ({@code deletion_due}, else null). */
  public static ObjectNode namespace(NamespaceInfo info, java.time.Instant deletionDue) {
    ObjectNode n = namespace(info);
    n.put("deletion_due", deletionDue == null ? null : deletionDue.toString());
    return n;
  }

  /** The namespace object: its settings in {@link MetaCodec}'s names, then its live figures. */
  private static ObjectNode namespace(NamespaceInfo info) {
    NamespaceMeta m = info.meta();
    ObjectNode n = object();
    MetaCodec.putSettings(n, m);
    if (!info.available()) {
      n.put("status", UNAVAILABLE);
    }
    n.put("vector_count", info.available() ? info.vectorCount() : null);
    n.put("storage_bytes", info.available() ? info.storageBytes() : null);
    n.put("quota_utilization", info.quotaUtilization());
    n.put("is_near_quota", info.nearQuota());
    if (!info.available()) {
      n.put("unavailable_reason", info.unavailableReason());
    }
    return n;
  }

  public static ObjectNode quotas(Quotas q) {
    return MetaCodec.quotas(q);
  }

  /** {@code {"plans": [{"name", "description", "built_in", "quotas", "ceilings", "quota_policy"}, …]}}, built-in ones first. */
  public static ObjectNode plans(io.vecstore.core.quota.Plans plans) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("plans");
    plans.all().forEach(p -> list.add(io.vecstore.core.meta.PlanCodec.plan(p)));
    return n;
  }

  /** {@code {"events": [{"seq", "at", "actor", "type", "old", "new", "override", "reason"}, …], "next_cursor"}}, newest first. */
  public static ObjectNode events(io.vecstore.core.audit.EventPage page) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("events");
    page.events().forEach(e -> list.add(e.toJson()));
    n.put("next_cursor", page.nextCursor());
    return n;
  }

  /** A page of namespace objects, each exactly as GET of the namespace shows it. */
  public static ObjectNode page(NamespacePage page, java.util.function.Function<NamespaceMeta, java.time.Instant> deletionDue) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("namespaces");
    page.namespaces().forEach(i -> list.add(namespace(i, deletionDue.apply(i.meta()))));
    n.put("next_cursor", page.nextCursor());
    n.put("total", page.total());
    return n;
  }

  public static ObjectNode stats(NamespaceStats s) {
    ObjectNode n = object();
    boolean available = s.unavailableReason() == null;
    n.put("namespace_id", s.namespaceId());
    n.put("vector_count", s.vectorCount());
    n.put("active_count", s.activeCount());
    n.put("deleted_count", s.deletedCount());
    n.put("dimension", s.dimension());
    n.put("storage_bytes", s.storageBytes());
    n.put("quota_utilization", s.quotaUtilization());
    n.put("total_requests", s.usage().totalRequests());
    n.put("total_queries", s.usage().totalQueries());
    n.put("total_upserts", s.usage().totalUpserts());
    n.put("total_deletes", s.usage().totalDeletes());
    n.put("status", available ? s.status().wireName() : UNAVAILABLE);
    if (!available) {
      for (String unknown : new String[] {"vector_count", "active_count", "deleted_count", "storage_bytes", "quota_utilization"}) {
        n.putNull(unknown);
      }
      n.put("unavailable_reason", s.unavailableReason());
    }
    return n;
  }

  /** Stats plus when a pending deletion happens and the last compaction (each null when none). */
  public static ObjectNode stats(NamespaceStats s, java.time.Instant deletionDue, Compaction compaction) {
    ObjectNode n = stats(s);
    n.put("deletion_due", deletionDue == null ? null : deletionDue.toString());
    n.set("compaction", compaction == null ? null : compaction(compaction));
    return n;
  }

  public static ObjectNode compaction(Compaction c) {
    ObjectNode n = object();
    n.put("state", c.state());
    n.put("started_at", c.startedAt().toString());
    n.put("finished_at", c.finishedAt() == null ? null : c.finishedAt().toString());
    n.put("bytes_before", c.bytesBefore());
    n.put("bytes_after", c.bytesAfter());
    n.put("deleted_before", c.deletedBefore());
    n.put("error", c.error());
    return n;
  }

  public static ObjectNode aggregate(AggregateStats s) {
    ObjectNode n = object();
    n.put("total_namespaces", s.totalNamespaces());
    n.put("active_namespaces", s.activeNamespaces());
    n.put("total_vectors", s.totalVectors());
    n.put("total_requests", s.totalRequests());
    n.put("total_storage_bytes", s.totalStorageBytes());
    return n;
  }

  /** Columns of a usage row, in JSON and CSV alike. */
  private static final List<String> USAGE_COLUMNS = List.of("namespace_id", "date", "vector_count_peak",
      "storage_bytes_peak", "requests", "queries", "upserts", "deletes");

  private static List<Object> usageRow(DailyUsage d) {
    return List.of(d.namespaceId(), d.date().toString(), d.vectorCountPeak(), d.storageBytesPeak(),
        d.requests(), d.queries(), d.upserts(), d.deletes());
  }

  public static ObjectNode usage(java.time.LocalDate from, java.time.LocalDate to, List<DailyUsage> days) {
    ObjectNode n = object();
    n.put("from", from.toString());
    n.put("to", to.toString());
    ArrayNode rows = n.putArray("usage");
    for (DailyUsage d : days) {
      ObjectNode r = rows.addObject();
      List<Object> values = usageRow(d);
      for (int i = 0; i < USAGE_COLUMNS.size(); i++) {
        r.putPOJO(USAGE_COLUMNS.get(i), values.get(i));
      }
    }
    return n;
  }

  /** The same rows as CSV with a header line; namespace ids never contain commas or quotes. */
  public static String usageCsv(List<DailyUsage> days) {
    StringBuilder out = new StringBuilder(String.join(",", USAGE_COLUMNS)).append('\n');
    for (DailyUsage d : days) {
      out.append(String.join(",", usageRow(d).stream().map(String::valueOf).toList())).append('\n');
    }
    return out.toString();
  }

  /**
   * The query response as bytes, written straight from the hits (no tree in between): on the path
   * every query takes.
   */
  public static byte[] resultsJson(List<QueryHit> hits) {
    return JsonCodec.write(256 + 96 * hits.size(), g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("results");
      for (QueryHit h : hits) {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        if (h.distance() == null) {
          g.writeNullField("distance"); // a keyword-only query without a vector
        } else {
          g.writeNumberField("distance", h.distance());
        }
        g.writeNumberField("score", h.score());
        if (h.metadata() != null) {
          g.writeFieldName("metadata");
          g.writeTree(h.metadata());
        }
        if (h.values() != null) {
          g.writeFieldName("values");
          JsonCodec.writeFloats(g, h.values());
        }
        if (h.text() != null) {
          g.writeStringField("text", h.text());
        }
        if (h.ranks() != null) {
          g.writeObjectFieldStart("ranks");
          writeRank(g, "vector", h.ranks().vector());
          writeRank(g, "keyword", h.ranks().keyword());
          g.writeEndObject();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void writeRank(com.fasterxml.jackson.core.JsonGenerator g, String leg, Integer rank) throws java.io.IOException {
    if (rank == null) {
      g.writeNullField(leg);
    } else {
      g.writeNumberField(leg, rank);
    }
  }

  /** A stored vector: id, values, metadata, and text when it has one. */
  public static ObjectNode vector(VectorRecord r) {
    ObjectNode n = object();
    n.put("id", r.id());
    n.set("values", floats(r.values()));
    n.set("metadata", r.metadata());
    if (r.text() != null) {
      n.put("text", r.text());
    }
    return n;
  }

  /** A page of ids: {@code next_cursor} only when more follow. */
  public static ObjectNode ids(io.vecstore.core.vector.IdPage page) {
    ObjectNode n = object();
    ArrayNode ids = n.putArray("ids");
    page.ids().forEach(ids::add);
    if (page.nextCursor() != null) {
      n.put("next_cursor", page.nextCursor());
    }
    return n;
  }

  /** Vectors found by id, and the ids asked for that do not exist. */
  public static ObjectNode fetched(List<VectorRecord> found, List<String> missing) {
    ObjectNode n = object();
    ArrayNode vectors = n.putArray("vectors");
    found.forEach(r -> vectors.add(vector(r)));
    ArrayNode gone = n.putArray("missing");
    missing.forEach(gone::add);
    return n;
  }

  /** A page of a filter's matches: {@code next_cursor} only when more follow. */
  public static ObjectNode fetched(io.vecstore.core.vector.RecordPage page) {
    ObjectNode n = object();
    ArrayNode vectors = n.putArray("vectors");
    page.records().forEach(r -> vectors.add(vector(r)));
    if (page.nextCursor() != null) {
      n.put("next_cursor", page.nextCursor());
    }
    return n;
  }

  public static ObjectNode updateCount(io.vecstore.core.vector.UpdateCount c) {
    return object().put("matched", c.matched()).put("updated", c.updated());
  }

  public static ObjectNode newKey(NewApiKey created) {
    ObjectNode n = key(created.info());
    n.put("key", created.key());
    return n;
  }

  public static ObjectNode keys(List<ApiKeyInfo> keys) {
    ObjectNode n = object();
    ArrayNode list = n.putArray("keys");
    keys.forEach(k -> list.add(key(k)));
    return n;
  }

  private static ObjectNode key(ApiKeyInfo k) {
    ObjectNode n = object();
    n.put("name", k.name());
    n.put("role", k.role().wireName());
    n.put("created_at", k.createdAt().toString());
    n.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
    return n;
  }

  public static ObjectNode count(String field, long value) {
    return object().put(field, value);
  }

  public static ObjectNode fields(Map<String, String> values) {
    ObjectNode n = object();
    values.forEach(n::put);
    return n;
  }

  public static ObjectNode snapshot(SnapshotInfo s) {
    return MetaCodec.snapshot(s);
  }

  public static ObjectNode snapshots(List<SnapshotInfo> list) {
    ObjectNode n = object();
    ArrayNode a = n.putArray("snapshots");
    list.forEach(s -> a.add(snapshot(s)));
    return n;
  }

  public static ObjectNode luceneImport(io.vecstore.core.snapshot.LuceneImport.Result r, java.time.Instant deletionDue) {
    ObjectNode n = object();
    n.set("namespace", namespace(r.namespace(), deletionDue));
    n.put("imported", r.imported());
    n.put("skipped_without_id", r.skippedWithoutId());
    n.put("skipped_without_vector", r.skippedWithoutVector());
    return n;
  }

  private static ArrayNode floats(float[] values) {
    ArrayNode a = JsonCodec.MAPPER.createArrayNode();
    for (float v : values) {
      a.add(v);
    }
    return a;
  }
}
