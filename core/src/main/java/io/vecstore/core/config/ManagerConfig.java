package io.vecstore.core.config;

import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.quota.Plans;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a namespace manager, built by {@code Main} from flags.
 *
 * @param refreshInterval how often written namespaces that were searched in the last 30 s are
 *     made searchable in the background (queries also refresh on demand, so this only moves that
 *     cost off the query path); usage counters are saved this often too
 * @param commitInterval how often written namespaces are committed to disk (Lucene commit; the
 *     write-ahead log already made their writes durable, so this bounds replay after a crash and
 *     the log's size; a log over 128 MiB is committed sooner)
 * @param asyncSyncInterval how often the write-ahead logs are fsynced in async durability mode
 * @param defaultNumCandidates HNSW search effort when a query sets none (raised to k when smaller)
 * @param capacity node-wide limits: open namespaces, indexing RAM, namespace count, free disk
 * @param deletionGrace how long a namespace stays in pending_deletion before it is deleted
 *     automatically; setting it back to active within that time keeps it untouched
 * @param plans the plans namespaces may be on: the built-in ones and those of a plans file
 */
public record ManagerConfig(
    Path dataDir,
    IndexSettings indexSettings,
    Limits limits,
    Duration refreshInterval,
    Duration commitInterval,
    Duration asyncSyncInterval,
    int defaultNumCandidates,
    Capacity capacity,
    Duration deletionGrace,
    Plans plans) {

  public ManagerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(indexSettings, "indexSettings");
    Objects.requireNonNull(limits, "limits");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval must be positive, got: " + refreshInterval);
    }
    if (commitInterval.isNegative() || commitInterval.isZero()) {
      throw new IllegalArgumentException("commitInterval must be positive, got: " + commitInterval);
    }
    if (asyncSyncInterval.isNegative() || asyncSyncInterval.isZero()) {
      throw new IllegalArgumentException("asyncSyncInterval must be positive, got: " + asyncSyncInterval);
    }
    Objects.requireNonNull(capacity, "capacity");
    if (deletionGrace.isNegative()) {
      throw new IllegalArgumentException("deletionGrace must not be negative, got: " + deletionGrace);
    }
    if (defaultNumCandidates < 1) {
      throw new IllegalArgumentException("defaultNumCandidates must be at least 1, got: " + defaultNumCandidates);
    }
    Objects.requireNonNull(plans, "plans");
  }

  /** With the built-in plans only. */
  public ManagerConfig(Path dataDir, IndexSettings indexSettings, Limits limits, Duration refreshInterval,
      Duration commitInterval, Duration asyncSyncInterval, int defaultNumCandidates, Capacity capacity,
      Duration deletionGrace) {
    this(dataDir, indexSettings, limits, refreshInterval, commitInterval, asyncSyncInterval, defaultNumCandidates,
        capacity, deletionGrace, Plans.builtIn());
  }

  public ManagerConfig withPlans(Plans p) {
    return new ManagerConfig(dataDir, indexSettings, limits, refreshInterval, commitInterval, asyncSyncInterval,
        defaultNumCandidates, capacity, deletionGrace, p);
  }

  public static ManagerConfig defaults(Path dataDir) {
    return new ManagerConfig(
        dataDir, IndexSettings.defaults(), Limits.defaults(), Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofMillis(100), io.vecstore.core.vector.SearchRequest.DEFAULT_NUM_CANDIDATES, Capacity.defaults(), Duration.ofDays(7));
  }

  public ManagerConfig withIndexSettings(IndexSettings settings) {
    return new ManagerConfig(dataDir, settings, limits, refreshInterval, commitInterval, asyncSyncInterval,
        defaultNumCandidates, capacity, deletionGrace, plans);
  }

  public ManagerConfig withCapacity(Capacity c) {
    return new ManagerConfig(dataDir, indexSettings, limits, refreshInterval, commitInterval, asyncSyncInterval,
        defaultNumCandidates, c, deletionGrace, plans);
  }

  public ManagerConfig withDeletionGrace(Duration grace) {
    return new ManagerConfig(dataDir, indexSettings, limits, refreshInterval, commitInterval, asyncSyncInterval,
        defaultNumCandidates, capacity, grace, plans);
  }

  public ManagerConfig withAsyncSyncInterval(Duration interval) {
    return new ManagerConfig(dataDir, indexSettings, limits, refreshInterval, commitInterval, interval,
        defaultNumCandidates, capacity, deletionGrace, plans);
  }
}
