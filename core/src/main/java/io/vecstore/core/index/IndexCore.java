package io.vecstore.core.index;

import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.error.VecStoreException;
import io.vecstore.core.wal.Durability;
import io.vecstore.core.wal.WalRecord;
import io.vecstore.core.wal.WriteAheadLog;
import java.io.IOException;
import io.vecstore.core.text.TextAnalyzer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;

/**
 * The state one namespace's index shares between its write side ({@link IndexWrites}), its search
 * side ({@link IndexSearch}), its idle merge ({@link IdleMerge}) and its lifecycle
 * ({@link NamespaceIndex}): the writer, the searchers, the log, the write lock, and the sequence
 * numbers that say what is written, visible and committed.
 *
 * <p>Thread-safety: the write lock guards the overlay, the logged sequence number and every change
 * to Lucene's content; the sequence numbers and flags are volatile so readers check them without
 * the lock. Never a lock on Lucene objects.
 */
final class IndexCore {

  /** Work done under the write lock; Lucene and log failures are translated by the caller. */
  interface Locked<T> {
    T run() throws IOException;
  }

  final String namespaceId;
  final Metric metric;
  /** How the graph holds the vectors; with NONE its scores are the exact ones, in float precision. */
  final Quantization quantization;
  /** The full-text field's analyzer, or null when texts are stored only. */
  final TextAnalyzer analyzer;
  final Directory directory;
  final Path indexPath;
  final IndexWriter writer;
  final SearcherManager searchers;
  final WriteAheadLog wal; // null when durability is NONE
  final IndexSettings settings;
  private final Supplier<Map<String, String>> commitData;

  final ReentrantLock writeLock = new ReentrantLock();
  /** Ids written since the searcher's point in time: true = exists now, false = deleted now. Guarded by writeLock. */
  final Map<String, Boolean> overlay = new HashMap<>();
  volatile long writeSeq; // written under writeLock
  volatile long refreshedSeq; // written under writeLock
  volatile long committedSeq; // written under writeLock
  long lastLoggedSeq; // guarded by writeLock: the WAL seq of the last write applied
  /** A write that failed part way: the index must be discarded. */
  volatile Exception failure;
  volatile boolean closed;
  volatile long lastSearchNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1); // never searched yet

  IndexCore(String namespaceId, Metric metric, Quantization quantization, TextAnalyzer analyzer, Directory directory,
      Path indexPath, IndexWriter writer, WriteAheadLog wal, IndexSettings settings,
      Supplier<Map<String, String>> commitData) throws IOException {
    this.namespaceId = namespaceId;
    this.metric = metric;
    this.quantization = quantization;
    this.analyzer = analyzer;
    this.directory = directory;
    this.indexPath = indexPath;
    this.writer = writer;
    this.wal = wal;
    this.settings = settings;
    this.commitData = commitData;
    this.searchers = new SearcherManager(writer, true, false, null);
  }

  /** The Lucene document of a record in this namespace. */
  org.apache.lucene.document.Document document(io.vecstore.core.vector.VectorRecord r) {
    return Documents.of(r, metric, analyzer != null);
  }

  /** Runs {@code work} under the write lock on an open index; failures become this namespace's errors. */
  <T> T underWriteLock(Locked<T> work) {
    writeLock.lock();
    try {
      ensureOpen();
      return work.run();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * For background work: runs {@code work} under the write lock if it is free and the index open,
   * else returns {@code busy} at once rather than waiting behind a write batch.
   */
  <T> T underWriteLockIfFree(T busy, Locked<T> work) {
    if (closed || !writeLock.tryLock()) {
      return busy;
    }
    try {
      return closed ? busy : work.run();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  void ensureOpen() {
    if (closed) {
      throw UnavailableException.namespace(namespaceId, "index is closed", null);
    }
  }

  /** Makes every write so far visible to new searchers. Called under writeLock. */
  void refreshLocked() throws IOException {
    long target = writeSeq;
    if (refreshedSeq == target) {
      return;
    }
    searchers.maybeRefreshBlocking();
    overlay.clear();
    refreshedSeq = target;
  }

  /** Makes every acknowledged write visible to new searchers, if any is not yet. */
  void refreshIfStale() {
    if (refreshedSeq == writeSeq || closed) {
      return;
    }
    writeLock.lock();
    try {
      if (!closed) {
        refreshLocked();
      }
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Commits with the WAL position and the caller's user data, then drops the log segments the
   * commit made redundant. Called under writeLock (or while opening).
   */
  void commitLocked() throws IOException {
    long target = writeSeq;
    if (wal != null) {
      wal.rotate();
    }
    Map<String, String> data = new HashMap<>(commitData.get());
    data.put(NamespaceIndex.WAL_SEQ, Long.toString(lastLoggedSeq));
    writer.setLiveCommitData(data.entrySet());
    writer.commit();
    committedSeq = target;
    if (wal != null) {
      wal.deleteSegmentsBefore();
    }
  }

  /** A searcher current as of every acknowledged write; release it with {@link #release}. */
  IndexSearcher acquireFresh() {
    ensureOpen();
    lastSearchNanos = System.nanoTime();
    refreshIfStale();
    try {
      return searchers.acquire();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
  }

  void release(IndexSearcher s) {
    try {
      searchers.release(s);
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Applies a write to Lucene before it is logged. If Lucene fails part way, nothing was logged
   * and the in-memory state may hold part of the batch: the index is marked failed, so the
   * namespace discards it (rollback to the last commit) and reopens from commit + log, where the
   * failed batch does not exist. That keeps batches all-or-nothing.
   */
  void applying(Locked<Void> write) throws IOException {
    try {
      write.run();
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw e;
    }
  }

  /**
   * Appends a record to the WAL (if any) under writeLock; returns the position to sync to. A
   * failed append marks the index failed too: Lucene already holds the write, which must not
   * outlive the reply's error.
   */
  long log(LongFunction<WalRecord> record) throws IOException {
    if (wal == null) {
      return 0;
    }
    long seq = wal.nextSeq();
    long position;
    try {
      position = wal.append(record.apply(seq));
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw e;
    }
    lastLoggedSeq = seq;
    return position;
  }

  /** With request durability, waits (outside the write lock) until the record is fsynced. */
  void awaitDurable(long position) {
    if (wal != null && settings.durability() == Durability.REQUEST && position > 0) {
      try {
        wal.sync(position);
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
    }
  }

  boolean healthyWriter() {
    return writer.isOpen() && writer.getTragicException() == null;
  }

  /**
   * A failure inside Lucene or the log becomes this namespace's storage failure (503, and the
   * namespace reopens); our own errors (a quota rejection from a write callback) pass through.
   * Lucene reports a writer that a failed merge or flush made unusable with plain
   * IllegalStateExceptions, hence the tragedy check.
   */
  RuntimeException translate(Exception e) {
    if (e instanceof VecStoreException v) {
      return v;
    }
    if (e instanceof IOException || e instanceof AlreadyClosedException || writer.getTragicException() != null) {
      return storageFailure(e);
    }
    return (RuntimeException) e;
  }

  RuntimeException storageFailure(Exception e) {
    return UnavailableException.storage(namespaceId, "storage error: " + e.getMessage(), e);
  }
}
