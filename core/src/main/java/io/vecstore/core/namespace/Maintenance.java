package io.vecstore.core.namespace;

import io.vecstore.core.config.CoreExecutors;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.wal.Durability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's background work on namespaces, on the pools it is given: refreshes of searched
 * namespaces, periodic commits, write-idle merges, saving counters, free-disk readings and expired
 * pending deletions (maintenance thread); closing idle and excess namespaces (evictor); usage
 * rollups (usage thread); log fsyncs in async durability.
 *
 * <p>Thread-safety: each task runs on its own single thread; {@link #stop()} may be called from
 * any thread, once.
 */
final class Maintenance {

  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  /** How often usage rollups are sampled; a delete and a shutdown sample at once. */
  static final Duration USAGE_SAMPLE_INTERVAL = Duration.ofMinutes(1);
  /** A namespace without queries for this long is refreshed only by its next query (as Elasticsearch's search-idle shards). */
  static final Duration SEARCH_IDLE_AFTER = Duration.ofSeconds(30);
  /** A namespace with no write for this long is merged into one segment (see NamespaceIndex.mergeIfWriteIdle). */
  static final Duration WRITE_IDLE_MERGE_AFTER = Duration.ofSeconds(10);
  /** ...at most this often, so a trickle of writes does not rewrite an index over and over. */
  static final Duration WRITE_IDLE_MERGE_EVERY = Duration.ofMinutes(5);
  /** Larger indexes are left to Lucene's own merges: rewriting them whole costs more than it saves. */
  static final long WRITE_IDLE_MERGE_MAX_BYTES = 1L << 30;
  /** A write-ahead log this large is committed before the commit interval is up, bounding replay after a crash. */
  static final long COMMIT_LOG_BYTES = 128L << 20;

  private final ManagerConfig config;
  private final CoreExecutors executors;
  private final NamespaceRegistry registry;
  private final UsageSampler usage;
  private final DiskSpace disk;
  private final Clock clock;
  private final Consumer<String> deleteNamespace;
  private volatile long lastCommitNanos = System.nanoTime();
  private volatile boolean stopped;

  Maintenance(ManagerConfig config, CoreExecutors executors, NamespaceRegistry registry, UsageSampler usage,
      DiskSpace disk, Clock clock, Consumer<String> deleteNamespace) {
    this.config = config;
    this.executors = executors;
    this.registry = registry;
    this.usage = usage;
    this.disk = disk;
    this.clock = clock;
    this.deleteNamespace = deleteNamespace;
  }

  /** Schedules every task. */
  void start() {
    long period = Math.min(config.refreshInterval().toMillis(), config.commitInterval().toMillis());
    executors.maintenance().scheduleWithFixedDelay(this::maintain, period, period, TimeUnit.MILLISECONDS);
    executors.evictor().scheduleWithFixedDelay(registry::closeIdleAndLeastRecentlyUsed, period, period, TimeUnit.MILLISECONDS);
    long sampleEvery = USAGE_SAMPLE_INTERVAL.toMillis();
    executors.usage().scheduleWithFixedDelay(usage::sampleAllQuietly, sampleEvery, sampleEvery, TimeUnit.MILLISECONDS);
    if (config.indexSettings().durability() == Durability.ASYNC) {
      long every = config.asyncSyncInterval().toMillis();
      executors.maintenance().scheduleWithFixedDelay(this::syncLogs, every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the schedules and waits for running tasks. */
  void stop() {
    stopped = true;
    registry.stop();
    executors.stopBackground();
  }

  /** When a pending_deletion namespace will be deleted, or null if it is not pending deletion. */
  Instant deletionDue(NamespaceMeta meta) {
    return meta.status() == NamespaceStatus.PENDING_DELETION && meta.pendingDeletionSince() != null
        ? meta.pendingDeletionSince().plus(config.deletionGrace())
        : null;
  }

  private void maintain() {
    // Without a log a commit is the only durability, so it comes as often as a refresh.
    Duration commitEvery = config.indexSettings().durability() == Durability.NONE
        ? config.refreshInterval() : config.commitInterval();
    boolean commitDue = System.nanoTime() - lastCommitNanos >= commitEvery.toNanos();
    for (Namespace ns : registry.all()) {
      if (stopped) {
        return;
      }
      NamespaceIndex index = ns.indexIfOpen();
      if (index != null) {
        maintain(ns, index, commitDue);
      }
    }
    if (commitDue) {
      lastCommitNanos = System.nanoTime();
    }
    deleteExpiredPendingDeletions();
  }

  private void maintain(Namespace ns, NamespaceIndex index, boolean commitDue) {
    try {
      // A namespace nobody searches is not refreshed in the background: each refresh flushes a
      // small segment whose graph merges must rebuild later. Its next query refreshes first.
      if (index.searchedWithin(SEARCH_IDLE_AFTER.toNanos())) {
        index.refreshInBackground();
      }
      if ((commitDue || index.logBytes() > COMMIT_LOG_BYTES) && index.commitIfDirty()) {
        // The commit flushed everything, so this cuts no segment; it lets go of the searcher
        // that still holds the files of segments a merge replaced, so they leave the disk.
        index.refreshInBackground();
      }
      if (roomToMerge(ns, index, disk)) {
        index.mergeIfWriteIdle(WRITE_IDLE_MERGE_AFTER.toNanos(), WRITE_IDLE_MERGE_EVERY.toNanos(), WRITE_IDLE_MERGE_MAX_BYTES);
      }
      ns.saveUsageIfChanged();
    } catch (RuntimeException e) {
      LOG.warn("Background refresh/commit/merge of namespace {} failed: {}", ns.id, e.toString());
    }
  }

  /**
   * Whether a merge into one segment fits the namespace's storage quota: until the merge is
   * committed the old segments stay on disk beside the new one, and a write must not be refused for
   * bytes that are about to go. The disk must hold the new segment too, above its reserve.
   */
  private static boolean roomToMerge(Namespace ns, NamespaceIndex index, DiskSpace disk) {
    long bytes = index.storageBytes() + index.logBytes();
    Long max = ns.meta().quotas().maxStorageBytes();
    return (max == null || 2 * bytes <= max) && disk.roomFor(bytes);
  }

  /** Deletes namespaces whose pending_deletion grace period is over. */
  private void deleteExpiredPendingDeletions() {
    Instant now = clock.instant();
    for (Namespace ns : registry.all()) {
      Instant due = deletionDue(ns.meta());
      if (due != null && !now.isBefore(due) && !stopped) {
        try {
          LOG.info("Namespace {}: pending deletion since {}, grace period over; deleting", ns.id, ns.meta().pendingDeletionSince());
          deleteNamespace.accept(ns.id);
        } catch (RuntimeException e) {
          LOG.warn("Deleting expired namespace {} failed: {}", ns.id, e.toString());
        }
      }
    }
  }

  private void syncLogs() {
    for (Namespace ns : registry.all()) {
      NamespaceIndex index = ns.indexIfOpen();
      if (index != null) {
        try {
          index.syncLog();
        } catch (RuntimeException e) {
          LOG.warn("Background fsync of namespace {} failed: {}", ns.id, e.toString());
        }
      }
    }
  }
}
