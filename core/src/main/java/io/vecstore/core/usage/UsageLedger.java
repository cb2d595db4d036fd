package io.vecstore.core.usage;

import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import io.vecstore.core.meta.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily usage rollups of every namespace, kept in one small JSON file per namespace under
 * {@code data/.usage/}. Outside the namespace directories on purpose: a namespace deleted in the
 * middle of a billing period still has its usage up to the day it went.
 *
 * <p>Request counts come from the namespaces' cumulative counters: each sample adds the growth
 * since the previous sample to the day it is taken on. A counter that went backwards (a crash
 * lost its last second) restarts the baseline instead of producing a negative count. Peaks are
 * the largest sampled vector count and storage; a namespace whose size is unknown while closed
 * keeps the last known figures. Days the server was not running have no entry.
 *
 * <p>Thread-safety: safe for concurrent use; every method synchronizes on the ledger (samples
 * come from one maintenance thread, reads from admin requests).
 */
public final class UsageLedger {

  private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Days kept per namespace: a year plus a margin for late billing runs. */
  static final int RETENTION_DAYS = 400;

  private final DataLayout layout;
  private final Map<String, Rollup> rollups = new HashMap<>(); // guarded by this

  public UsageLedger(DataLayout layout) {
    this.layout = layout;
  }

  /** Folds one sample of a namespace into the day {@code today}. */
  public synchronized void record(String id, Usage cumulative, long vectorCount, long storageBytes, LocalDate today) {
    Rollup r = rollup(id);
    Day day = r.days.get(today);
    boolean changed = day == null || !cumulative.equals(r.last)
        || (vectorCount >= 0 && vectorCount != r.lastVectors) || (storageBytes >= 0 && storageBytes != r.lastBytes);
    if (!changed) {
      return; // an idle namespace: nothing to rewrite
    }
    if (day == null) {
      day = new Day();
      r.days.put(today, day);
    }
    Usage last = r.last == null ? cumulative : r.last;
    day.requests += growth(last.totalRequests(), cumulative.totalRequests());
    day.queries += growth(last.totalQueries(), cumulative.totalQueries());
    day.upserts += growth(last.totalUpserts(), cumulative.totalUpserts());
    day.deletes += growth(last.totalDeletes(), cumulative.totalDeletes());
    if (vectorCount >= 0) {
      r.lastVectors = vectorCount;
    }
    if (storageBytes >= 0) {
      r.lastBytes = storageBytes;
    }
    day.vectorPeak = Math.max(day.vectorPeak, r.lastVectors);
    day.bytesPeak = Math.max(day.bytesPeak, r.lastBytes);
    r.last = cumulative;
    r.dirty = true;
    while (r.days.size() > RETENTION_DAYS) {
      r.days.pollFirstEntry();
    }
  }

  /**
   * Takes {@code cumulative} as the namespace's baseline without counting any growth: its counters
   * were counted elsewhere so far (a namespace moved here from another server).
   */
  public synchronized void rebase(String id, Usage cumulative) {
    Rollup r = rollup(id);
    if (!cumulative.equals(r.last)) {
      r.last = cumulative;
      r.dirty = true;
    }
  }

  private static long growth(long before, long now) {
    return Math.max(0, now - before);
  }

  /** Writes every rollup that changed since the last flush. */
  public synchronized void flush() {
    for (Map.Entry<String, Rollup> e : rollups.entrySet()) {
      if (e.getValue().dirty) {
        try {
          Files.createDirectories(layout.usageDir());
          AtomicFiles.write(layout.usageFile(e.getKey()), JSON.writeValueAsBytes(toJson(e.getKey(), e.getValue())));
          e.getValue().dirty = false;
        } catch (IOException ex) {
          LOG.warn("Saving usage of namespace {} failed (kept in memory, retried): {}", e.getKey(), ex.toString());
        }
      }
    }
  }

  /** Every namespace's days in [from, to], by namespace id then date; deleted namespaces included. */
  public synchronized List<DailyUsage> between(LocalDate from, LocalDate to, String prefix) {
    loadAll();
    List<DailyUsage> out = new ArrayList<>();
    new TreeMap<>(rollups).forEach((id, r) -> {
      if (prefix == null || id.startsWith(prefix)) {
        r.days.subMap(from, true, to, true).forEach((date, d) -> out.add(
            new DailyUsage(id, date, d.vectorPeak, d.bytesPeak, d.requests, d.queries, d.upserts, d.deletes)));
      }
    });
    return out;
  }

  private Rollup rollup(String id) {
    Rollup r = rollups.get(id);
    if (r == null) {
      r = load(id);
      rollups.put(id, r);
    }
    return r;
  }

  private void loadAll() {
    Path dir = layout.usageDir();
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String id = DataLayout.usageFileId(f.getFileName().toString());
        if (id != null) {
          rollup(id);
        }
      }
    } catch (IOException e) {
      LOG.warn("Listing usage files in {} failed: {}", dir, e.toString());
    }
  }

  private Rollup load(String id) {
    Rollup r = new Rollup();
    try {
      JsonNode n = JSON.readTree(layout.usageFile(id).toFile());
      JsonNode last = n.path("last");
      if (last.isObject()) {
        r.last = new Usage(last.path("requests").asLong(), last.path("queries").asLong(),
            last.path("upserts").asLong(), last.path("deletes").asLong());
      }
      r.lastVectors = n.path("last_vector_count").asLong();
      r.lastBytes = n.path("last_storage_bytes").asLong();
      for (JsonNode d : n.path("days")) {
        Day day = new Day();
        day.vectorPeak = d.path("vector_count_peak").asLong();
        day.bytesPeak = d.path("storage_bytes_peak").asLong();
        day.requests = d.path("requests").asLong();
        day.queries = d.path("queries").asLong();
        day.upserts = d.path("upserts").asLong();
        day.deletes = d.path("deletes").asLong();
        r.days.put(LocalDate.parse(d.path("date").asText()), day);
      }
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      // a namespace's first sample
    } catch (IOException | RuntimeException e) {
      LOG.warn("Usage file of namespace {} is unreadable, starting it afresh: {}", id, e.toString());
    }
    return r;
  }

  private static ObjectNode toJson(String id, Rollup r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("namespace_id", id);
    if (r.last != null) {
      ObjectNode last = n.putObject("last");
      last.put("requests", r.last.totalRequests());
      last.put("queries", r.last.totalQueries());
      last.put("upserts", r.last.totalUpserts());
      last.put("deletes", r.last.totalDeletes());
    }
    n.put("last_vector_count", r.lastVectors);
    n.put("last_storage_bytes", r.lastBytes);
    ArrayNode days = n.putArray("days");
    r.days.forEach((date, d) -> {
      ObjectNode o = days.addObject();
      o.put("date", date.toString());
      o.put("vector_count_peak", d.vectorPeak);
      o.put("storage_bytes_peak", d.bytesPeak);
      o.put("requests", d.requests);
      o.put("queries", d.queries);
      o.put("upserts", d.upserts);
      o.put("deletes", d.deletes);
    });
    return n;
  }

  private static final class Rollup {
    Usage last; // cumulative counters at the previous sample, null before the first
    long lastVectors;
    long lastBytes;
    final TreeMap<LocalDate, Day> days = new TreeMap<>();
    boolean dirty;
  }

  private static final class Day {
    long vectorPeak, bytesPeak, requests, queries, upserts, deletes;
  }
}
