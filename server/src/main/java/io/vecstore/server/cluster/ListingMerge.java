package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.usage.DailyUsage;
import io.vecstore.http.dto.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cluster-wide answers made of every node's answer for the namespaces it owns: a page of
 * {@code GET /admin/namespaces} (pages merged by id; the cursor is the last id, encoded as a
 * single server encodes it, so any node continues any page), {@code GET /admin/stats} (summed),
 * {@code GET /admin/usage} (rows of one namespace and day summed, peaks the largest: a namespace
 * that moved on a day was served by two nodes that day).
 *
 * <p>Stateless and thread-safe.
 */
final class ListingMerge {

  private ListingMerge() {}

  /** Merges pages of {@code limit} namespaces each, taken after the same cursor, into one. */
  static ObjectNode page(List<JsonNode> pages, int limit) {
    Merged m = merge(pages, limit, "id", "total", p -> !p.path("next_cursor").isNull() && !p.path("next_cursor").isMissingNode());
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    out.set("namespaces", m.list());
    out.put("next_cursor", m.next());
    out.put("total", m.total());
    return out;
  }

  /** Merges pages of Pinecone's namespace list ({@code name}, {@code pagination.next}, {@code total_count}). */
  static ObjectNode pineconeNamespaces(List<JsonNode> pages, int limit) {
    Merged m = merge(pages, limit, "name", "total_count", p -> p.path("pagination").path("next").isTextual());
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    out.set("namespaces", m.list());
    if (m.next() != null) {
      out.putObject("pagination").put("next", m.next());
    }
    out.put("total_count", m.total());
    return out;
  }

  /** A merged page: its entries, the cursor after them (null on the last page), the total over all pages. */
  private record Merged(ArrayNode list, String next, long total) {}

  /**
   * The first {@code limit} entries of every node's page by {@code idField}, and whether more
   * follow (a node said so, or more than {@code limit} came together).
   */
  private static Merged merge(List<JsonNode> pages, int limit, String idField, String totalField,
      java.util.function.Predicate<JsonNode> saysMore) {
    List<JsonNode> all = new ArrayList<>();
    long total = 0;
    boolean more = false;
    for (JsonNode p : pages) {
      p.path("namespaces").forEach(all::add);
      total += p.path(totalField).asLong();
      more |= saysMore.test(p);
    }
    all.sort(Comparator.comparing(n -> n.path(idField).asText()));
    more |= all.size() > limit;
    ArrayNode list = JsonCodec.MAPPER.createArrayNode();
    all.stream().limit(limit).forEach(list::add);
    String next = more && !list.isEmpty() ? cursor(list.get(list.size() - 1).path(idField).asText()) : null;
    return new Merged(list, next, total);
  }

  /** The cursor a single server hands out after {@code id} (NamespaceRegistry's encoding). */
  static String cursor(String id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Merges Pinecone index statistics: the namespaces of every node, their total, the fullest
   * namespace's quota utilization, and the index's
   * dimension and metric from the node that holds its default namespace (the one that knows a
   * dimension), else the first.
   */
  static ObjectNode pineconeStats(List<JsonNode> answers) {
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    ObjectNode namespaces = out.putObject("namespaces");
    Map<String, JsonNode> sorted = new TreeMap<>();
    long total = 0;
    double fullness = 0;
    JsonNode shape = answers.isEmpty() ? JsonCodec.MAPPER.createObjectNode() : answers.getFirst();
    for (JsonNode a : answers) {
      a.path("namespaces").properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
      total += a.path("totalVectorCount").asLong();
      fullness = Math.max(fullness, a.path("indexFullness").asDouble());
      if (a.has("dimension") && !shape.has("dimension")) {
        shape = a;
      }
    }
    sorted.forEach(namespaces::set);
    if (shape.has("dimension")) {
      out.set("dimension", shape.get("dimension"));
    }
    out.put("indexFullness", fullness);
    out.put("totalVectorCount", total);
    out.set("metric", shape.path("metric").isTextual() ? shape.get("metric") : JsonCodec.MAPPER.getNodeFactory().textNode("cosine"));
    out.put("vectorType", "dense");
    return out;
  }

  /** Sums the numeric fields of aggregate figures, in the first answer's order. */
  static ObjectNode sum(List<JsonNode> answers) {
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    Map<String, Long> totals = new LinkedHashMap<>();
    for (JsonNode a : answers) {
      for (Iterator<Map.Entry<String, JsonNode>> it = a.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        totals.merge(e.getKey(), e.getValue().asLong(), Long::sum);
      }
    }
    totals.forEach(out::put);
    return out;
  }

  /** Usage rows of every node, one per namespace and day, sorted by namespace then date. */
  static List<DailyUsage> usage(List<JsonNode> answers) {
    Map<String, DailyUsage> rows = new TreeMap<>();
    for (JsonNode a : answers) {
      for (JsonNode r : a.path("usage")) {
        DailyUsage d = new DailyUsage(r.path("namespace_id").asText(), LocalDate.parse(r.path("date").asText()),
            r.path("vector_count_peak").asLong(), r.path("storage_bytes_peak").asLong(), r.path("requests").asLong(),
            r.path("queries").asLong(), r.path("upserts").asLong(), r.path("deletes").asLong());
        rows.merge(d.namespaceId() + '\u0000' + d.date(), d, (x, y) -> new DailyUsage(x.namespaceId(), x.date(),
            Math.max(x.vectorCountPeak(), y.vectorCountPeak()), Math.max(x.storageBytesPeak(), y.storageBytesPeak()),
            x.requests() + y.requests(), x.queries() + y.queries(), x.upserts() + y.upserts(), x.deletes() + y.deletes()));
      }
    }
    return List.copyOf(rows.values());
  }

  static JsonNode parse(byte[] body) {
    return JsonCodec.parse(body);
  }

  static byte[] bytes(JsonNode node) {
    return JsonCodec.toBytes(node);
  }
}
