package io.vecstore.core.index;

import io.vecstore.core.wal.Durability;
import io.vecstore.core.wal.WriteAheadLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import io.vecstore.core.text.TextAnalyzer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace's Lucene index: opening (with write-ahead log replay), its {@link #writes() write
 * side} and {@link #searches() search side}, and what the server's background threads do to it
 * (refresh, commit, write-idle merge, compaction, snapshots).
 *
 * <p>Thread-safety: safe for concurrent use; see {@link IndexWrites} and {@link IndexSearch}.
 * Background work never waits behind a write batch: it skips the round instead.
 *
 * <p>Who closes it: the namespace that opened it; {@link #close()} commits and is idempotent.
 */
public final class NamespaceIndex implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceIndex.class);
  /** Commit user data key: the sequence number of the last WAL record the commit holds. */
  public static final String WAL_SEQ = "vecstore.wal_seq";

  private final IndexCore core;
  private final IndexWrites writes;
  private final IndexSearch searches;
  private final IdleMerge idleMerge;
  private final IndexCopies copies;
  private final Recovery recovery;

  private NamespaceIndex(IndexCore core) throws IOException {
    this.core = core;
    this.writes = new IndexWrites(core);
    this.searches = new IndexSearch(core);
    this.idleMerge = new IdleMerge(core);
    this.copies = new IndexCopies(core);
    this.recovery = replay(userData(core.writer));
    IndexSearcher s = core.searchers.acquire();
    try {
      writes.startCounting(s.getIndexReader().numDocs());
    } finally {
      core.searchers.release(s);
    }
  }

  /**
   * Opens (creating if needed) the index in {@code indexDir} and its write-ahead log in
   * {@code walDir}, replaying logged writes that the last commit does not hold, then committing
   * them. {@code commitData} is asked for extra user data at every commit (the usage counters).
   */
  public static NamespaceIndex open(String namespaceId, Path indexDir, Path walDir, Metric metric,
      IndexSettings settings, Supplier<Map<String, String>> commitData) throws IOException {
    return open(namespaceId, indexDir, walDir, metric, Quantization.NONE, null, settings, commitData);
  }

  /**
   * As {@link #open(String, Path, Path, Metric, IndexSettings, Supplier)}, writing vectors with
   * {@code quantization} and analyzing texts with {@code analyzer} (null: texts are stored only).
   */
  public static NamespaceIndex open(String namespaceId, Path indexDir, Path walDir, Metric metric,
      Quantization quantization, TextAnalyzer analyzer, IndexSettings settings,
      Supplier<Map<String, String>> commitData) throws IOException {
    Directory dir = settings.directoryWrapper().apply(FSDirectory.open(indexDir));
    IndexWriter writer = null;
    WriteAheadLog wal = null;
    try {
      writer = new IndexWriter(dir, settings.writerConfig(quantization, analyzer));
      if (!DirectoryReader.indexExists(dir)) {
        writer.commit(); // an empty but valid index, so outside tools can open it at once
      }
      if (settings.durability() != Durability.NONE) {
        wal = WriteAheadLog.open(walDir, Long.parseLong(userData(writer).getOrDefault(WAL_SEQ, "0")));
      }
      return new NamespaceIndex(new IndexCore(namespaceId, metric, quantization, analyzer, dir, indexDir, writer, wal, settings, commitData));
    } catch (IOException | RuntimeException e) {
      closeQuietly(wal);
      if (writer != null) {
        try {
          writer.rollback();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      closeQuietly(dir);
      throw e;
    }
  }

  private static Map<String, String> userData(IndexWriter writer) {
    Map<String, String> out = new HashMap<>();
    Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
    if (live != null) {
      live.forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** Applies the logged writes after the last commit, then commits them. Runs in the constructor. */
  private Recovery replay(Map<String, String> committed) throws IOException {
    long committedSeq = Long.parseLong(committed.getOrDefault(WAL_SEQ, "0"));
    core.lastLoggedSeq = committedSeq;
    if (core.wal == null) {
      return new Recovery(committed, 0, 0);
    }
    long[] replayed = writes.replay(core.wal.pending());
    core.lastLoggedSeq = Math.max(core.lastLoggedSeq, core.wal.nextSeq() - 1);
    if (!core.wal.pending().isEmpty()) {
      LOG.info("Namespace {}: replayed {} write-ahead log records after commit seq {}",
          core.namespaceId, core.wal.pending().size(), committedSeq);
      core.writeSeq++;
      core.commitLocked();
      core.searchers.maybeRefreshBlocking();
      core.refreshedSeq = core.writeSeq;
    } else {
      core.wal.deleteSegmentsBefore();
    }
    return new Recovery(committed, replayed[0], replayed[1]);
  }

  /** What opening found and replayed. */
  public Recovery recovery() {
    return recovery;
  }

  public Metric metric() {
    return core.metric;
  }

  /** Upserts and deletes. */
  public IndexWrites writes() {
    return writes;
  }

  /** Queries and fetches. */
  public IndexSearch searches() {
    return searches;
  }

  /** Live and deleted document counts (current as of every acknowledged write) and bytes on disk. */
  public IndexStats stats() {
    IndexSearcher s = core.acquireFresh();
    try {
      var reader = s.getIndexReader();
      return new IndexStats(reader.numDocs(), reader.numDeletedDocs(), storageBytes());
    } finally {
      core.release(s);
    }
  }

  /** Bytes of the index files on disk right now (files written since the last flush included). */
  public long storageBytes() {
    long total = 0;
    try {
      for (String file : core.directory.listAll()) {
        try {
          total += core.directory.fileLength(file);
        } catch (NoSuchFileException e) {
          // Deleted by a merge while we were listing: no longer on disk.
        }
      }
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    }
    return total;
  }

  /** Bytes of the write-ahead log on disk (0 without one). */
  public long logBytes() {
    return core.wal == null ? 0 : core.wal.sizeBytes();
  }

  /** Whether a query or fetch used this index within the last {@code nanos}. */
  public boolean searchedWithin(long nanos) {
    return System.nanoTime() - core.lastSearchNanos < nanos;
  }

  /** Makes every acknowledged write visible to new searchers, if any is not yet. */
  public void refreshIfStale() {
    core.refreshIfStale();
  }

  /**
   * For the background refresher: makes acknowledged writes and finished merges visible to new
   * searchers. Merged segments replace many small ones, which every query would otherwise keep
   * searching one by one until the next write. Skips the round when a write batch holds the
   * lock (a searcher opened mid-batch would show half of it), rather than waiting behind it.
   */
  public void refreshInBackground() {
    core.underWriteLockIfFree(null, () -> {
      if (core.refreshedSeq != core.writeSeq) {
        core.refreshLocked();
      } else {
        core.searchers.maybeRefreshBlocking(); // same documents; a no-op unless a merge finished
      }
      return null;
    });
  }

  /** See {@link IdleMerge}: merges a write-idle index into one segment. Returns whether it started a merge. */
  public boolean mergeIfWriteIdle(long idleNanos, long minIntervalNanos, long maxBytes) {
    return idleMerge.maybeMerge(idleNanos, minIntervalNanos, maxBytes, this::storageBytes);
  }

  /**
   * Commits if anything was written, or a merge finished, since the last commit. Returns whether
   * it committed. A merge must be committed too: until then the last commit still names the
   * segments it replaced, and their files stay on disk (and in storage_bytes).
   */
  public boolean commitIfDirty() {
    if (core.closed || !dirty()) {
      return false;
    }
    core.writeLock.lock();
    try {
      if (core.closed || !dirty()) {
        return false;
      }
      core.commitLocked();
      return true;
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.writeLock.unlock();
    }
  }

  private boolean dirty() {
    if (core.committedSeq != core.writeSeq) {
      return true;
    }
    try {
      return core.writer.hasUncommittedChanges();
    } catch (AlreadyClosedException e) {
      return false;
    }
  }

  /** Point-in-time copies of the index and reading its log after them (snapshots, moves). */
  public IndexCopies copies() {
    return copies;
  }

  /** Fsyncs whatever the async durability mode has not yet; called by the server's timer. */
  public void syncLog() {
    if (core.wal != null && !core.closed) {
      try {
        core.wal.syncAll();
      } catch (IOException | RuntimeException e) {
        throw core.translate(e);
      }
    }
  }

  /**
   * Merges away deleted documents (Lucene's forceMergeDeletes) and commits. Writes and queries go
   * on meanwhile: the merge runs on the merge pool while only this call waits for it.
   */
  public void compact() {
    try {
      core.ensureOpen();
      core.writer.forceMergeDeletes(true);
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    }
    core.underWriteLock(() -> {
      core.writeSeq++; // the merged segments are a change to commit and to show
      core.commitLocked();
      core.refreshLocked();
      return null;
    });
  }

  /** The generation of this index's last commit. */
  public long commitGeneration() {
    return IndexFiles.lastCommitGeneration(core.indexPath);
  }

  /** False once a storage failure made this index unusable; the namespace then reopens it. */
  public boolean healthy() {
    return !core.closed && core.failure == null && core.writer.isOpen() && core.writer.getTragicException() == null
        && (core.wal == null || core.wal.healthy());
  }

  /** Commits and closes. Idempotent. */
  @Override
  public void close() throws IOException {
    core.writeLock.lock();
    try {
      if (core.closed) {
        return;
      }
      core.closed = true;
      try {
        core.searchers.close();
        if (core.healthyWriter() && core.failure == null) {
          core.commitLocked();
        }
      } finally {
        try {
          core.writer.close();
        } finally {
          try {
            closeQuietly(core.wal);
          } finally {
            core.directory.close();
          }
        }
      }
    } finally {
      core.writeLock.unlock();
    }
  }

  /**
   * Closes without committing: after a storage failure, what is not in the last commit is in the
   * write-ahead log and comes back on the next open. Idempotent.
   */
  public void abort() {
    core.writeLock.lock();
    try {
      if (core.closed) {
        return;
      }
      core.closed = true;
      closeQuietly(core.searchers);
      try {
        core.writer.rollback();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Namespace {}: rollback after failure: {}", core.namespaceId, e.toString());
      }
      closeQuietly(core.wal);
      closeQuietly(core.directory);
    } finally {
      core.writeLock.unlock();
    }
  }

  private static void closeQuietly(Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Closing {} failed: {}", c, e.toString());
      }
    }
  }
}
