package io.vecstore.core.index;

import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.wal.WalRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * The write side of one namespace's index: upserts and deletes, all or nothing per batch, logged
 * before they are acknowledged, with the live vector count kept exact for quota checks.
 *
 * <p>Thread-safety: safe for concurrent use. Batches are serialized by the index's write lock;
 * that lock is what lets a batch count its new ids exactly before writing (the quota
 * reservation) and keeps refreshes and commits from exposing half a batch. The fsync of a batch's
 * log record happens after the lock is released, so concurrent writers share fsyncs.
 */
public final class IndexWrites {

  private final IndexCore core;
  private volatile long liveCount; // written under the write lock
  /** The most live vectors since the last {@link #takeVectorPeak()}, for usage billing. */
  private final AtomicLong vectorPeak = new AtomicLong();
  private volatile double bytesPerDoc; // written under the write lock: the caller's estimate, per document of the last batch

  IndexWrites(IndexCore core) {
    this.core = core;
  }

  /** Starts counting from what the index holds once opened (and replayed). */
  void startCounting(long live) {
    liveCount = live;
    vectorPeak.set(live);
  }

  /**
   * Adds or replaces a batch of vectors, all visible together. {@code beforeWrite} receives the
   * number of ids in the batch that do not exist yet and may throw to reject the whole batch;
   * nothing is written then. Ids repeated in a batch count once; the last occurrence wins.
   *
   * @param estimatedBytes the caller's estimate of the batch's size on disk, which prices the
   *     documents still buffered in RAM in {@link #unflushedBytes()}
   * @return the number of new ids
   */
  public long upsert(List<VectorRecord> batch, long estimatedBytes, LongConsumer beforeWrite) {
    long[] newIds = new long[1];
    long syncTo = upsertUndurable(batch, estimatedBytes, beforeWrite, newIds);
    core.awaitDurable(syncTo);
    return newIds[0];
  }

  /** {@link #upsert} up to the log append; returns the log position to sync to. */
  private long upsertUndurable(List<VectorRecord> batch, long estimatedBytes, LongConsumer beforeWrite, long[] newIds) {
    Map<String, VectorRecord> byId = new LinkedHashMap<>();
    for (VectorRecord r : batch) {
      byId.remove(r.id()); // keep the last occurrence, in its position
      byId.put(r.id(), r);
    }
    List<VectorRecord> records = List.copyOf(byId.values());
    List<Document> docs = new ArrayList<>(records.size());
    for (VectorRecord r : records) {
      docs.add(core.document(r));
    }
    return core.underWriteLock(() -> {
      newIds[0] = countMissing(byId.keySet());
      beforeWrite.accept(newIds[0]);
      core.applying(() -> {
        SharedIndexing.run(records.size(), core.settings.indexExecutor(), core.settings.indexHelpers(),
            i -> core.writer.updateDocument(Documents.idTerm(records.get(i).id()), docs.get(i)));
        return null;
      });
      records.forEach(r -> core.overlay.put(r.id(), Boolean.TRUE));
      long position = core.log(seq -> new WalRecord.Upsert(seq, records));
      liveCount += newIds[0];
      vectorPeak.accumulateAndGet(liveCount, Math::max);
      bytesPerDoc = records.isEmpty() ? bytesPerDoc : (double) estimatedBytes / records.size();
      core.writeSeq++;
      return position;
    });
  }

  /**
   * Rewrites existing vectors from their current state, read under the write lock so that no other
   * write comes between the read and the write (a partial update never undoes a concurrent
   * upsert). {@code change} gets each existing vector (ids that do not exist are skipped) and
   * returns its new state; {@code beforeWrite} gets the new states and may throw to reject them all
   * (validation, the storage reservation); it returns their estimated size on disk. Durable when it
   * returns; returns the vectors written.
   */
  public List<VectorRecord> rewrite(Collection<String> ids, UnaryOperator<VectorRecord> change,
      ToLongFunction<List<VectorRecord>> beforeWrite) {
    List<VectorRecord> written = new ArrayList<>();
    long syncTo = core.underWriteLock(() -> {
      core.refreshLocked();
      IndexSearcher s = core.searchers.acquire();
      try {
        for (String id : new LinkedHashSet<>(ids)) {
          VectorRecord current = IndexSearch.read(s, id);
          if (current != null) {
            written.add(change.apply(current));
          }
        }
      } finally {
        core.searchers.release(s);
      }
      if (written.isEmpty()) {
        return 0L;
      }
      long estimate = beforeWrite.applyAsLong(written);
      List<Document> docs = new ArrayList<>(written.size());
      for (VectorRecord r : written) {
        docs.add(core.document(r));
      }
      core.applying(() -> {
        for (int i = 0; i < docs.size(); i++) {
          core.writer.updateDocument(Documents.idTerm(written.get(i).id()), docs.get(i));
        }
        return null;
      });
      written.forEach(r -> core.overlay.put(r.id(), Boolean.TRUE));
      long position = core.log(seq -> new WalRecord.Upsert(seq, List.copyOf(written)));
      bytesPerDoc = (double) estimate / written.size();
      core.writeSeq++;
      return position;
    });
    core.awaitDurable(syncTo);
    return written;
  }

  /** Deletes the given ids; ids that do not exist are ignored. Returns how many existed. */
  public long delete(Collection<String> ids) {
    List<String> existing = new ArrayList<>();
    core.awaitDurable(deleteUndurable(ids, existing));
    return existing.size();
  }

  /** {@link #delete} up to the log append; returns the log position to sync to. */
  private long deleteUndurable(Collection<String> ids, List<String> existing) {
    return core.underWriteLock(() -> {
      for (String id : new LinkedHashSet<>(ids)) {
        if (exists(id)) {
          existing.add(id);
        }
      }
      return existing.isEmpty() ? 0L : deleteLocked(existing);
    });
  }

  /** Deletes every live document matching {@code query}; returns how many. */
  public long deleteMatching(Query query) {
    List<String> ids = new ArrayList<>();
    long syncTo = core.underWriteLock(() -> {
      core.refreshLocked();
      IndexSearcher s = core.searchers.acquire();
      try {
        // Logged as the ids it matched, so a replay deletes exactly these whatever came after.
        Documents.forEachLiveMatch(s, query, leaf -> {
          var stored = leaf.reader().storedFields();
          return doc -> ids.add(stored.document(doc, Set.of(FieldNames.ID)).get(FieldNames.ID));
        });
      } finally {
        core.searchers.release(s);
      }
      if (ids.isEmpty()) {
        return 0L;
      }
      long position = deleteLocked(ids);
      // The overlay names the deleted ids, but a fresh searcher is cheaper for what follows.
      core.refreshLocked();
      return position;
    });
    core.awaitDurable(syncTo);
    return ids.size();
  }

  /** Logs and applies the deletion of ids that exist. Called under the write lock. */
  private long deleteLocked(List<String> existing) throws IOException {
    core.applying(() -> {
      core.writer.deleteDocuments(existing.stream().map(Documents::idTerm).toArray(Term[]::new));
      return null;
    });
    long position = core.log(seq -> new WalRecord.Delete(seq, existing));
    existing.forEach(id -> core.overlay.put(id, Boolean.FALSE));
    liveCount -= existing.size();
    core.writeSeq++;
    return position;
  }

  /**
   * Applies records that another node's copy of this namespace logged (the log tail of a move),
   * in order, each through this index's own log as a write of its own: no quota, status or rate
   * checks, they were admitted there. Upserts and deletes by id are idempotent, so a batch
   * applied twice in order leaves the same index. Durable when it returns; returns the count.
   */
  public long applyLogged(List<WalRecord> records) {
    long syncTo = 0;
    for (WalRecord r : records) {
      long position = switch (r) {
        case WalRecord.Upsert u -> {
          long estimate = 0;
          for (VectorRecord v : u.vectors()) {
            estimate += 4L * v.values().length + 256;
          }
          yield upsertUndurable(u.vectors(), estimate, newIds -> { }, new long[1]);
        }
        case WalRecord.Delete d -> deleteUndurable(d.ids(), new ArrayList<>());
      };
      syncTo = Math.max(syncTo, position);
    }
    core.awaitDurable(syncTo); // one fsync for the whole batch
    return records.size();
  }

  /**
   * Applies the logged writes after the last commit (no logging, no quota: they were admitted
   * before a crash). Returns how many upsert and delete records it applied. Runs while opening.
   */
  long[] replay(List<WalRecord> pending) throws IOException {
    long upserts = 0, deletes = 0;
    for (WalRecord r : pending) {
      switch (r) {
        case WalRecord.Upsert u -> {
          for (VectorRecord v : u.vectors()) {
            core.writer.updateDocument(Documents.idTerm(v.id()), core.document(v));
          }
          upserts++;
        }
        case WalRecord.Delete d -> {
          core.writer.deleteDocuments(d.ids().stream().map(Documents::idTerm).toArray(Term[]::new));
          deletes++;
        }
      }
      core.lastLoggedSeq = r.seq();
    }
    return new long[] {upserts, deletes};
  }

  /** The number of live vectors, counting every acknowledged write. Cheap: no refresh. */
  public long vectorCount() {
    return liveCount;
  }

  /** The largest live vector count since the previous call (or since opening), then starts over. */
  public long takeVectorPeak() {
    long now = liveCount;
    return Math.max(now, vectorPeak.getAndSet(now));
  }

  /**
   * Estimated bytes of documents buffered in RAM, not yet flushed to disk: their number times the
   * caller's per-document estimate. IndexWriter's own RAM figure counts allocated buffer blocks and
   * overstates small writes by orders of magnitude, so it is not used.
   */
  public long unflushedBytes() {
    try {
      return (long) (core.writer.numRamDocs() * bytesPerDoc);
    } catch (AlreadyClosedException e) {
      return 0;
    }
  }

  /** Called under the write lock: how many of these ids exist in neither the searcher nor the overlay. */
  private long countMissing(Collection<String> ids) throws IOException {
    long missing = 0;
    for (String id : ids) {
      if (!exists(id)) {
        missing++;
      }
    }
    return missing;
  }

  /** Called under the write lock. */
  private boolean exists(String id) throws IOException {
    Boolean recent = core.overlay.get(id);
    if (recent != null) {
      return recent;
    }
    IndexSearcher s = core.searchers.acquire();
    try {
      return Documents.exists(s, id);
    } finally {
      core.searchers.release(s);
    }
  }
}
