package io.vecstore.core.namespace;

import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.IndexStats;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.index.Recovery;
import io.vecstore.core.quota.Operation;
import io.vecstore.core.quota.QuotaGuard;
import io.vecstore.core.quota.Rejection;
import io.vecstore.core.index.Metric;
import io.vecstore.core.quota.Quotas;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace held by the manager: its metadata (always in memory), its usage counters and its
 * lazily opened index.
 *
 * <p>Thread-safety: safe for concurrent use. Data operations run under the read side of a
 * lifecycle lock, so any number run at once; closing and deleting take the write side and wait for
 * them. Metadata changes are serialized and each is persisted before it becomes visible.
 */
final class Namespace {

  private static final Logger LOG = LoggerFactory.getLogger(Namespace.class);

  final String id;
  private final DataLayout layout;
  private final IndexSettings settings;

  private final Object metaLock = new Object();
  private volatile NamespaceMeta meta; // written under metaLock

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object openLock = new Object();
  private volatile NamespaceIndex index; // written under openLock
  private boolean gone; // written under the lifecycle write lock

  private final QuotaGuard guard = new QuotaGuard(System::nanoTime);
  private volatile long lastUsedNanos = System.nanoTime();
  /** The last compaction started on this namespace since start-up, or null. */
  volatile Compaction compaction;
  /** The size at the last close, once checked against the files; null while open or unchecked. */
  private volatile SizeSnapshot trustedSize;
  private volatile boolean sizeChecked;

  private final AtomicLong requests;
  private final AtomicLong queries;
  private final AtomicLong upserts;
  private final AtomicLong deletes;

  /** Why this namespace cannot be used at all (unreadable namespace.json), or null. */
  private final String brokenReason;

  /** Told when this namespace's index opens or closes; the manager's bound on open namespaces. */
  interface OpenListener {
    void opened();

    void closed();

    OpenListener NONE = new OpenListener() {
      @Override
      public void opened() {}

      @Override
      public void closed() {}
    };
  }

  private final OpenListener openListener;

  Namespace(DataLayout layout, IndexSettings settings, NamespaceMeta meta, OpenListener openListener) {
    this(layout, settings, meta, null, openListener);
  }

  private Namespace(DataLayout layout, IndexSettings settings, NamespaceMeta meta, String brokenReason,
      OpenListener openListener) {
    this.openListener = openListener;
    this.brokenReason = brokenReason;
    this.id = meta.id();
    this.layout = layout;
    this.settings = settings;
    this.meta = meta;
    Usage u = meta.usage();
    this.requests = new AtomicLong(u.totalRequests());
    this.queries = new AtomicLong(u.totalQueries());
    this.upserts = new AtomicLong(u.totalUpserts());
    this.deletes = new AtomicLong(u.totalDeletes());
  }

  /**
   * A namespace whose namespace.json cannot be read: listed (as unavailable) and deletable, but
   * every other operation fails with 503 and its files are left untouched for an operator.
   */
  static Namespace broken(DataLayout layout, IndexSettings settings, String id, String reason, Instant now) {
    NamespaceMeta placeholder = new NamespaceMeta(id, id, null, Map.of(), Quotas.UNLIMITED, NamespaceStatus.ACTIVE,
        Metric.COSINE, null, now, now, Usage.ZERO, List.of(), null, null, IndexOptions.DEFAULT);
    return new Namespace(layout, settings, placeholder, reason, OpenListener.NONE);
  }

  NamespaceMeta meta() {
    return meta;
  }

  Usage usage() {
    return new Usage(requests.get(), queries.get(), upserts.get(), deletes.get());
  }

  QuotaGuard guard() {
    return guard;
  }

  /** Rejects the operation if the current status does not admit it (counted as a rejection). */
  void checkStatus(Operation op) {
    NamespaceStatus status = meta.status();
    if (!status.allows(op)) {
      guard.countRejection(Rejection.STATUS);
      throw status.rejection(id, op);
    }
  }

  /** Counts one admitted data request. */
  void count(Operation op) {
    requests.incrementAndGet();
    switch (op) {
      case QUERY -> queries.incrementAndGet();
      case UPSERT -> upserts.incrementAndGet();
      case DELETE -> deletes.incrementAndGet();
      case FETCH -> { }
    }
  }

  /**
   * Runs {@code op} on the open index (opening it if needed); fails if the namespace is gone. A
   * storage failure that breaks the index closes it, so the next operation reopens it and
   * replays the write-ahead log: the failure stays local to this namespace and this moment.
   */
  <T> T withIndex(Function<NamespaceIndex, T> op) {
    lifecycle.readLock().lock();
    try {
      if (gone) {
        throw NotFoundException.namespace(id);
      }
      if (brokenReason != null) {
        throw UnavailableException.namespace(id, brokenReason, null);
      }
      lastUsedNanos = System.nanoTime();
      NamespaceIndex i = openIndex();
      try {
        return op.apply(i);
      } catch (UnavailableException e) {
        if (!i.healthy()) {
          discard(i, e);
        }
        throw e;
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private void discard(NamespaceIndex broken, Exception cause) {
    synchronized (openLock) {
      if (index == broken) {
        index = null;
        openListener.closed();
        LOG.error("Namespace {} is unavailable until reopened: {}", id, cause.getMessage());
        broken.abort();
      }
    }
  }

  /** The index if it is open, else null; for background maintenance, which must not open indexes. */
  NamespaceIndex indexIfOpen() {
    return index;
  }

  private NamespaceIndex openIndex() {
    NamespaceIndex i = index;
    if (i != null) {
      return i;
    }
    synchronized (openLock) {
      if (index == null) {
        try {
          NamespaceIndex opened = NamespaceIndex.open(
              id, layout.indexDir(id), layout.walDir(id), meta.metric(), meta.options().quantization(), settings,
              this::commitData);
          reconcile(opened.recovery());
          trustedSize = null; // open: live figures from now on
          sizeChecked = true;
          index = opened;
          openListener.opened();
        } catch (IOException | RuntimeException e) {
          trustedSize = null; // its recorded size says nothing about an index that cannot open
          sizeChecked = true;
          LOG.error("Namespace {} cannot be opened: {}", id, e.toString());
          throw UnavailableException.namespace(id, "cannot open index: " + e.getMessage(), e);
        }
      }
      return index;
    }
  }

  /** Usage counters as commit user data, so a commit and its counters always agree. */
  private Map<String, String> commitData() {
    Usage u = usage();
    return Map.of(
        "vecstore.total_requests", Long.toString(u.totalRequests()),
        "vecstore.total_queries", Long.toString(u.totalQueries()),
        "vecstore.total_upserts", Long.toString(u.totalUpserts()),
        "vecstore.total_deletes", Long.toString(u.totalDeletes()));
  }

  /**
   * After a crash namespace.json's counters may be older than the last commit's, and writes
   * after that commit come back from the log: the counters become the larger of the two views,
   * so upserts and deletes are exact and only queries and fetches of the last commit interval
   * can be missing.
   */
  private void reconcile(Recovery r) {
    Map<String, String> c = r.commitData();
    raise(upserts, parse(c, "vecstore.total_upserts") + r.replayedUpserts());
    raise(deletes, parse(c, "vecstore.total_deletes") + r.replayedDeletes());
    raise(queries, parse(c, "vecstore.total_queries"));
    raise(requests, parse(c, "vecstore.total_requests") + r.replayedUpserts() + r.replayedDeletes());
  }

  private static long parse(Map<String, String> data, String key) {
    try {
      return Long.parseLong(data.getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void raise(AtomicLong counter, long atLeast) {
    counter.accumulateAndGet(atLeast, Math::max);
  }

  /** Applies a change to the metadata, persists it (with current usage) and publishes it. */
  NamespaceMeta updateMeta(UnaryOperator<NamespaceMeta> change) {
    if (brokenReason != null) {
      throw UnavailableException.namespace(id, brokenReason, null);
    }
    synchronized (metaLock) {
      NamespaceMeta changed = change.apply(meta);
      NamespaceMeta next = changed.withUsage(usage()).withKeys(keysWithUse(changed.keys()), changed.updatedAt());
      try {
        MetaStore.write(layout.metaFile(id), next);
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "cannot write namespace.json: " + e.getMessage(), e);
      }
      meta = next;
      return next;
    }
  }

  /** When each key was last used, since the last save; folded into namespace.json with the counters. */
  private final java.util.concurrent.ConcurrentHashMap<String, Instant> keyUse = new java.util.concurrent.ConcurrentHashMap<>();

  /** Records a key's use; written to namespace.json in the background, not on the request path. */
  void keyUsed(String keyId, Instant at) {
    keyUse.put(keyId, at);
  }

  /** Persists the usage counters and key use times if they moved since the last write. */
  void saveUsageIfChanged() {
    if (brokenReason == null && (!usage().equals(meta.usage()) || !keyUse.isEmpty())) {
      updateMeta(m -> m);
    }
  }

  /** Current keys with the latest use times folded in. Called under metaLock. */
  private List<io.vecstore.core.auth.StoredKey> keysWithUse(List<io.vecstore.core.auth.StoredKey> keys) {
    if (keyUse.isEmpty()) {
      return keys;
    }
    List<io.vecstore.core.auth.StoredKey> out = new java.util.ArrayList<>(keys.size());
    for (var k : keys) {
      Instant used = keyUse.remove(k.id());
      out.add(used == null ? k : k.withLastUsedAt(used));
    }
    return out;
  }

  /** Keys as listed: stored ones with use times not yet saved. */
  List<io.vecstore.core.auth.ApiKeyInfo> keyInfos() {
    List<io.vecstore.core.auth.ApiKeyInfo> out = new java.util.ArrayList<>();
    for (var k : meta.keys()) {
      Instant used = keyUse.get(k.id());
      out.add((used == null ? k : k.withLastUsedAt(used)).info());
    }
    return out;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * The size recorded at the last clean close, if it still describes the files: the last commit
   * is the one it was taken at and the write-ahead log holds nothing more. Checked once per
   * close, so listing idle namespaces reads no index.
   */
  SizeSnapshot closedSize() {
    lifecycle.readLock().lock(); // a close in progress finishes (and records the size) first
    try {
      return closedSizeLocked();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private SizeSnapshot closedSizeLocked() {
    if (index != null || brokenReason != null) {
      return null;
    }
    if (!sizeChecked) {
      SizeSnapshot s = meta.size();
      boolean valid = s != null
          && s.commitGeneration() == NamespaceIndex.lastCommitGeneration(layout.indexDir(id))
          && io.vecstore.core.wal.WriteAheadLog.isEmpty(layout.walDir(id))
          && NamespaceIndex.commitReadable(layout.indexDir(id));
      trustedSize = valid ? s : null;
      sizeChecked = true;
    }
    return trustedSize;
  }

  /**
   * Commits and closes the index and records its size and the counters in namespace.json. The
   * namespace stays usable: the next operation reopens it. Waits for running operations.
   */
  void close() throws IOException {
    lifecycle.writeLock().lock();
    try {
      SizeSnapshot size = closeIndexLocked();
      if (!gone && brokenReason == null) {
        if (size != null) {
          updateMeta(m -> m.withSize(size));
          trustedSize = size;
          sizeChecked = true;
        } else {
          saveUsageIfChanged();
        }
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** Closes the index if it has not been used for {@code idleNanos}; returns whether it closed it. */
  boolean closeIfIdle(long idleNanos, long now) throws IOException {
    if (index == null || now - lastUsedNanos < idleNanos) {
      return false;
    }
    close();
    return true;
  }

  /**
   * Waits for running operations, closes the index and marks the namespace gone; later operations
   * fail with not-found. The caller removes the files.
   */
  void retire() {
    lifecycle.writeLock().lock();
    try {
      gone = true;
      closeIndexLocked();
    } catch (IOException | RuntimeException e) {
      // Its files are about to be removed; a failed final commit loses nothing anyone keeps.
      LOG.warn("Closing namespace {} before deletion failed: {}", id, e.toString());
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** Serializes snapshot creates, deletes and restores of this namespace; taken before the lifecycle lock. */
  final Object snapshotLock = new Object();

  /**
   * Replaces the index with a snapshot's (see {@link IndexSwap}) and reopens it, so the next
   * request is served from the snapshot. Waits for running operations and holds new ones until
   * done. Keeps this namespace's settings, status, keys and usage counters; adopts the
   * snapshot's dimension if none is fixed yet.
   */
  NamespaceMeta restore(java.nio.file.Path snapshotIndex, Integer snapshotDimension, long nonce, Instant now) {
    lifecycle.writeLock().lock();
    try {
      if (gone) {
        throw NotFoundException.namespace(id);
      }
      if (brokenReason != null) {
        throw UnavailableException.namespace(id, brokenReason, null);
      }
      java.nio.file.Path work;
      try {
        closeIndexLocked();
        Map<String, String> data = new java.util.HashMap<>(commitData());
        data.put(NamespaceIndex.WAL_SEQ, Long.toString(lastLogPosition()));
        work = IndexSwap.prepare(layout, id, snapshotIndex, data, nonce);
      } catch (IOException | RuntimeException e) {
        throw UnavailableException.namespace(id, "cannot restore: " + e.getMessage(), e);
      }
      try {
        IndexSwap.swap(layout, id, work);
      } catch (IOException | RuntimeException e) {
        try {
          IndexSwap.recover(layout, id); // back to one whole index, old or new
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw UnavailableException.namespace(id, "restore failed part way: " + e.getMessage(), e);
      }
      trustedSize = null;
      sizeChecked = false;
      NamespaceMeta restored = updateMeta(m -> {
        NamespaceMeta sized = m.withSize(null);
        return sized.dimension() == null && snapshotDimension != null ? sized.withDimension(snapshotDimension, now) : sized;
      });
      openIndex(); // serve the restored data at once (and fail here, not on the next request)
      return restored;
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /**
   * The highest write-ahead log position of the closed index: its last commit's, or a logged
   * record's beyond it (a namespace closed after a storage failure).
   */
  private long lastLogPosition() throws IOException {
    long committed = 0;
    try {
      String seq = io.vecstore.core.index.IndexFiles.latestCommit(layout.indexDir(id)).userData().get(NamespaceIndex.WAL_SEQ);
      committed = seq == null ? 0 : Long.parseLong(seq);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Namespace {}: the index being replaced has no readable commit: {}", id, e.toString());
    }
    if (!java.nio.file.Files.isDirectory(layout.walDir(id))) {
      return committed;
    }
    try (io.vecstore.core.wal.WriteAheadLog wal = io.vecstore.core.wal.WriteAheadLog.open(layout.walDir(id), committed)) {
      return Math.max(committed, wal.nextSeq() - 1);
    }
  }

  private static long bytesIn(java.nio.file.Path dir) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return 0;
    }
    try (var files = java.nio.file.Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** Closes the index; returns its size as of the final commit, or null if it was not open or unhealthy. */
  private SizeSnapshot closeIndexLocked() throws IOException {
    synchronized (openLock) {
      NamespaceIndex i = index;
      index = null;
      if (i == null) {
        return null;
      }
      openListener.closed();
      if (!i.healthy()) {
        i.abort();
        return null;
      }
      IndexStats stats = i.stats();
      i.close();
      return new SizeSnapshot(stats.liveDocs(), stats.deletedDocs(),
          bytesIn(layout.indexDir(id)) + bytesIn(layout.walDir(id)), NamespaceIndex.lastCommitGeneration(layout.indexDir(id)));
    }
  }
}
