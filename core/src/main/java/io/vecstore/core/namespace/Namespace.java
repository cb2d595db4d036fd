package io.vecstore.core.namespace;

import io.vecstore.core.audit.EventLog;
import io.vecstore.core.audit.NamespaceEvent;
import io.vecstore.core.auth.KeyedNamespace;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.IndexStats;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.meta.SizeSnapshot;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.quota.Operation;
import io.vecstore.core.quota.QuotaGuard;
import io.vecstore.core.quota.Rejection;
import io.vecstore.core.snapshot.IndexSwap;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace held by the manager: its metadata (always in memory), its usage counters and its
 * lazily opened index.
 *
 * <p>Thread-safety: safe for concurrent use. Data operations run under the read side of a
 * lifecycle lock, so any number run at once; closing and deleting take the write side and wait for
 * them. Metadata changes are serialized and each is persisted before it becomes visible, together
 * with the audit events that record it ({@link #change}).
 */
final class Namespace {

  private static final Logger LOG = LoggerFactory.getLogger(Namespace.class);

  final String id;
  private final DataLayout layout;
  private final IndexSettings settings;
  private final Clock clock;

  private final Object metaLock = new Object();
  private volatile NamespaceMeta meta; // written under metaLock
  private final EventLog events; // appended under metaLock; opened on first use

  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object openLock = new Object();
  private volatile NamespaceIndex index; // written under openLock
  private boolean gone; // written under the lifecycle write lock

  private final QuotaGuard guard = new QuotaGuard(System::nanoTime);
  private final Counters counters;
  private final KeyUse keyUse = new KeyUse();
  private final KeyedNamespace keyed;
  private volatile long lastUsedNanos = System.nanoTime();
  /** The last compaction started on this namespace since start-up, or null. */
  volatile Compaction compaction;
  private final ClosedSize closedSize = new ClosedSize();
  /** Serializes snapshot creates, deletes and restores of this namespace; taken before the lifecycle lock. */
  final Object snapshotLock = new Object();

  /** Why this namespace cannot be used at all (unreadable namespace.json), or null. */
  private final String brokenReason;

  private final OpenListener openListener;
  private final WriteCheck writeCheck;
  private final WriteGate gate;
  private final MoveMarks moveMarks = new MoveMarks();

  Namespace(DataLayout layout, IndexSettings settings, NamespaceMeta meta, OpenListener openListener, Clock clock,
      WriteCheck writeCheck) {
    this(layout, settings, meta, null, openListener, clock, writeCheck);
  }

  private Namespace(DataLayout layout, IndexSettings settings, NamespaceMeta meta, String brokenReason,
      OpenListener openListener, Clock clock, WriteCheck writeCheck) {
    this.id = meta.id();
    this.layout = layout;
    this.settings = settings;
    this.meta = meta;
    this.brokenReason = brokenReason;
    this.openListener = openListener;
    this.clock = clock;
    this.counters = new Counters(meta.usage());
    this.writeCheck = writeCheck;
    this.gate = new WriteGate(meta.id());
    this.keyed = new NamespaceKeys(this, clock);
    this.events = new EventLog(layout.eventsFile(meta.id()));
  }

  /**
   * A namespace whose namespace.json cannot be read: listed (as unavailable) and deletable, but
   * every other operation fails with 503 and its files are left untouched for an operator.
   */
  static Namespace broken(DataLayout layout, IndexSettings settings, String id, String reason, Clock clock) {
    return new Namespace(layout, settings, NamespaceMeta.placeholder(id, clock.instant()), reason, OpenListener.NONE, clock,
        WriteCheck.ALWAYS);
  }

  /** Runs a write (data, settings, keys) through the write gate with the server's {@link WriteCheck} (see WriteGate.pass). */
  <T> T write(Supplier<T> op) {
    return gate.pass(() -> writeCheck.check(id), op,
        () -> writeCheck.confirm(id, index instanceof NamespaceIndex open ? open.copies().lastLoggedSeq() : -1),
        () -> writeCheck.ownsAgain(id));
  }

  WriteGate gate() {
    return gate;
  }

  /** What moves between servers note on this namespace. */
  MoveMarks moveMarks() {
    return moveMarks;
  }

  /**
   * Takes over the settings, status, keys and counters of the copy this one was moved from
   * (its namespace.json as it was when its writes stopped).
   */
  NamespaceMeta adopt(NamespaceMeta source) {
    synchronized (metaLock) {
      counters.set(source.usage());
      return updateMeta(m -> source.withSize(null));
    }
  }

  /** Adds requests counted elsewhere (by the node this namespace moved from, after its last copy). */
  void addUsage(Usage delta) {
    counters.add(delta);
  }

  NamespaceMeta meta() {
    return meta;
  }

  Usage usage() {
    return counters.usage();
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
    counters.count(op);
  }

  /**
   * Runs {@code op} on the open index (opening it if needed); fails if the namespace is gone. A
   * storage failure that breaks the index closes it, so the next operation reopens it and
   * replays the write-ahead log: the failure stays local to this namespace and this moment.
   */
  <T> T withIndex(Function<NamespaceIndex, T> op) {
    lifecycle.readLock().lock();
    try {
      requireUsable();
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

  private void requireUsable() {
    if (gone) {
      throw NotFoundException.namespace(id);
    }
    if (brokenReason != null) {
      throw UnavailableException.namespace(id, brokenReason, null);
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
          NamespaceIndex opened = NamespaceIndex.open(id, layout.indexDir(id), layout.walDir(id), meta.metric(),
              meta.options().quantization(), meta.options().text(), settings, counters::commitData);
          counters.reconcile(opened.recovery());
          closedSize.open(); // live figures from now on
          index = opened;
          openListener.opened();
        } catch (IOException | RuntimeException e) {
          closedSize.open(); // its recorded size says nothing about an index that cannot open
          LOG.error("Namespace {} cannot be opened: {}", id, e.toString());
          throw UnavailableException.storage(id, "cannot open index: " + e.getMessage(), e);
        }
      }
      return index;
    }
  }

  /** Applies a change to the metadata, persists it (with current usage) and publishes it. */
  NamespaceMeta updateMeta(UnaryOperator<NamespaceMeta> change) {
    if (brokenReason != null) {
      throw UnavailableException.namespace(id, brokenReason, null);
    }
    synchronized (metaLock) {
      NamespaceMeta changed = change.apply(meta);
      NamespaceMeta next = changed.withUsage(usage()).withKeys(keyUse.foldInto(changed.keys()), changed.updatedAt());
      try {
        MetaStore.write(layout.metaFile(id), next);
      } catch (IOException e) {
        throw UnavailableException.storage(id, "cannot write namespace.json: " + e.getMessage(), e);
      }
      meta = next;
      return next;
    }
  }

  /**
   * A change of the metadata and the audit events that record it: {@link #NONE} for no change at
   * all (nothing is written), or the new metadata with its events (none: written all the same).
   */
  record MetaChange(NamespaceMeta next, List<NamespaceEvent.Draft> events) {
    static final MetaChange NONE = new MetaChange(null, List.of());

    MetaChange {
      events = List.copyOf(events);
    }
  }

  /**
   * Applies a change decided on the current metadata ({@code change} runs under the metadata lock
   * and may throw to refuse it; nothing is written then): appends its events to the audit trail
   * (numbered after the last, fsynced), then persists and publishes the metadata with the last
   * event's number. Returns the metadata now in force and the events appended.
   */
  Changed change(java.util.function.Function<NamespaceMeta, MetaChange> change) {
    if (brokenReason != null) {
      throw UnavailableException.namespace(id, brokenReason, null);
    }
    synchronized (metaLock) {
      MetaChange c = change.apply(meta);
      if (c == MetaChange.NONE) {
        return new Changed(meta, List.of());
      }
      if (c.events().isEmpty()) {
        return new Changed(updateMeta(m -> c.next()), List.of());
      }
      long before = meta.eventSeq();
      Instant now = clock.instant();
      List<NamespaceEvent> appended = new ArrayList<>();
      for (NamespaceEvent.Draft d : c.events()) {
        appended.add(d.at(before + appended.size() + 1, now));
      }
      try {
        openEvents().append(appended);
      } catch (IOException e) {
        throw UnavailableException.storage(id, "cannot write the audit trail: " + e.getMessage(), e);
      }
      try {
        return new Changed(updateMeta(m -> c.next().withEventSeq(appended.getLast().seq())), c.events());
      } catch (RuntimeException e) {
        try {
          events.truncateAfter(before);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed); // the next open drops them: namespace.json never recorded them
        }
        throw e;
      }
    }
  }

  /** The metadata after a {@link #change} and the events it recorded (empty: none, or no change). */
  record Changed(NamespaceMeta meta, List<NamespaceEvent.Draft> events) {}

  /** The audit trail, opened (the first time) against what namespace.json recorded. */
  EventLog events() {
    if (brokenReason != null) {
      throw UnavailableException.namespace(id, brokenReason, null);
    }
    synchronized (metaLock) {
      return openEvents();
    }
  }

  private EventLog openEvents() {
    try {
      events.open(meta.eventSeq());
      return events;
    } catch (IOException e) {
      throw UnavailableException.storage(id, "cannot read the audit trail: " + e.getMessage(), e);
    }
  }

  /** Persists the usage counters and key use times if they moved since the last write. */
  void saveUsageIfChanged() {
    if (brokenReason == null && (!usage().equals(meta.usage()) || keyUse.pending())) {
      updateMeta(m -> m);
    }
  }

  /** This namespace as the key registry sees it. */
  KeyedNamespace keyed() {
    return keyed;
  }

  KeyUse keyUse() {
    return keyUse;
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
      if (index != null || brokenReason != null) {
        return null;
      }
      return closedSize.get(meta.size(), layout.indexDir(id), layout.walDir(id));
    } finally {
      lifecycle.readLock().unlock();
    }
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
          closedSize.closed(size);
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
    if (index == null || now - lastUsedNanos < idleNanos || moveMarks.pinned()) {
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

  /**
   * Replaces the index with a snapshot's (see {@link IndexSwap}) and reopens it, so the next
   * request is served from the snapshot. Waits for running operations and holds new ones until
   * done. Keeps this namespace's settings, status, keys and usage counters; adopts the
   * snapshot's dimension if none is fixed yet.
   */
  NamespaceMeta restore(Path snapshotIndex, Integer snapshotDimension, long nonce, Instant now) {
    lifecycle.writeLock().lock();
    try {
      requireUsable();
      Path work;
      try {
        closeIndexLocked();
        work = IndexSwap.prepareAtLogEnd(layout, id, snapshotIndex, counters.commitData(), nonce);
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
      closedSize.unknown();
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
          AtomicFiles.bytesIn(layout.indexDir(id)) + AtomicFiles.bytesIn(layout.walDir(id)),
          IndexFiles.lastCommitGeneration(layout.indexDir(id)));
    }
  }
}
