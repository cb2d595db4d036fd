package io.vecstore.core.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.wal.Durability;
import io.vecstore.core.wal.WalRecord;
import io.vecstore.core.wal.WriteAheadLog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * One namespace's Lucene index: an {@link IndexWriter}, a {@link SearcherManager} and the
 * bookkeeping that makes batches atomic and reads see acknowledged writes.
 *
 * <p>Thread-safety: safe for concurrent use. Write batches of one namespace are serialized by an
 * internal lock (never a lock on Lucene objects); that lock is what lets a batch count its new ids
 * exactly before writing (the quota reservation) and keeps refreshes and commits from exposing half
 * a batch. Queries run concurrently with each other and with writes. A query refreshes the searcher
 * first when a write was acknowledged since the last refresh, which gives read-your-writes.
 *
 * <p>Who closes it: the namespace that opened it; {@link #close()} commits and is idempotent.
 */
public final class NamespaceIndex implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceIndex.class);
  /** Exact decimals, so metadata comes back digit for digit as it was stored. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final String namespaceId;
  private final Metric metric;
  private final Directory directory;
  private final Path indexPath;
  private final IndexWriter writer;
  private final SearcherManager searchers;

  private final WriteAheadLog wal; // null when durability is NONE
  private final Durability durability;
  private final Supplier<Map<String, String>> commitData;
  private final Recovery recovery;
  private final IndexSettings settings;

  private final ReentrantLock writeLock = new ReentrantLock();
  /** Ids written since the searcher's point in time: true = exists now, false = deleted now. */
  private final Map<String, Boolean> overlay = new HashMap<>(); // guarded by writeLock

  private volatile long liveCount; // written under writeLock
  /** The most live vectors since the last {@link #takeVectorPeak()}, for usage billing. */
  private final java.util.concurrent.atomic.AtomicLong vectorPeak = new java.util.concurrent.atomic.AtomicLong();
  private volatile double bytesPerDoc; // written under writeLock: the caller's estimate, per document of the last batch
  private volatile long lastSearchNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1); // never searched yet
  private volatile long writeSeq; // written under writeLock
  private volatile long refreshedSeq; // written under writeLock
  private volatile long committedSeq; // written under writeLock
  // Write-idle merging (mergeIfWriteIdle), all guarded by writeLock:
  private long idleSeenSeq = -1; // writeSeq when the maintenance thread last saw it change
  private long idleSeenNanos; // when it saw that
  private long idleMergedSeq = -1; // writeSeq at the last write-idle merge (or decision not to)
  private long idleMergedNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private long lastLoggedSeq; // guarded by writeLock: the WAL seq of the last write applied
  private volatile Exception failure; // a write that failed part way: the index must be discarded
  private volatile boolean closed;

  private NamespaceIndex(String namespaceId, Metric metric, Directory directory, Path indexPath, IndexWriter writer,
      WriteAheadLog wal, IndexSettings settings, Supplier<Map<String, String>> commitData) throws IOException {
    this.namespaceId = namespaceId;
    this.settings = settings;
    this.indexPath = indexPath;
    this.metric = metric;
    this.directory = directory;
    this.writer = writer;
    this.wal = wal;
    this.durability = settings.durability();
    this.commitData = commitData;
    this.searchers = new SearcherManager(writer, true, false, null);
    Map<String, String> committed = userData(writer);
    this.recovery = replay(committed);
    IndexSearcher s = searchers.acquire();
    try {
      this.liveCount = s.getIndexReader().numDocs();
      this.vectorPeak.set(liveCount);
    } finally {
      searchers.release(s);
    }
  }

  /**
   * Opens (creating if needed) the index in {@code indexDir} and its write-ahead log in
   * {@code walDir}, replaying logged writes that the last commit does not hold, then committing
   * them. {@code commitData} is asked for extra user data at every commit (the usage counters).
   */
  public static NamespaceIndex open(String namespaceId, Path indexDir, Path walDir, Metric metric,
      IndexSettings settings, Supplier<Map<String, String>> commitData) throws IOException {
    return open(namespaceId, indexDir, walDir, metric, Quantization.NONE, settings, commitData);
  }

  /** As {@link #open(String, Path, Path, Metric, IndexSettings, Supplier)}, writing vectors with {@code quantization}. */
  public static NamespaceIndex open(String namespaceId, Path indexDir, Path walDir, Metric metric,
      Quantization quantization, IndexSettings settings, Supplier<Map<String, String>> commitData) throws IOException {
    Directory dir = settings.directoryWrapper().apply(FSDirectory.open(indexDir));
    IndexWriter writer = null;
    WriteAheadLog wal = null;
    try {
      IndexWriterConfig config = new IndexWriterConfig();
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      config.setRAMBufferSizeMB(settings.ramBufferMb());
      config.setCommitOnClose(false); // close() commits itself, with the WAL position
      config.setCodec(VectorCodec.create(quantization));
      // Keeps a commit's files while a snapshot links them (see snapshotTo).
      config.setIndexDeletionPolicy(new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()));
      config.setMergePolicy(mergePolicy());
      if (settings.mergeExecutor() != null) {
        config.setMergeScheduler(new SharedMergeScheduler(settings.mergeExecutor()));
      }
      writer = new IndexWriter(dir, config);
      if (!DirectoryReader.indexExists(dir)) {
        writer.commit(); // an empty but valid index, so outside tools can open it at once
      }
      if (settings.durability() != Durability.NONE) {
        wal = WriteAheadLog.open(walDir, Long.parseLong(userData(writer).getOrDefault(WAL_SEQ, "0")));
      }
      return new NamespaceIndex(namespaceId, metric, dir, indexDir, writer, wal, settings, commitData);
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

  /**
   * Lucene's default policy, except that {@link #compact()} merges every segment holding a deleted
   * document: users ask for compaction to see {@code deleted_count} reach 0, and by default
   * forceMergeDeletes skips segments under 10% deleted. Natural merges are unchanged.
   */
  private static TieredMergePolicy mergePolicy() {
    TieredMergePolicy policy = new TieredMergePolicy();
    policy.setForceMergeDeletesPctAllowed(0.0);
    return policy;
  }

  /** Commit user data key: the sequence number of the last WAL record the commit holds. */
  public static final String WAL_SEQ = "vecstore.wal_seq";

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
    lastLoggedSeq = committedSeq;
    if (wal == null) {
      return new Recovery(committed, 0, 0);
    }
    long upserts = 0, deletes = 0;
    for (WalRecord r : wal.pending()) {
      switch (r) {
        case WalRecord.Upsert u -> {
          for (VectorRecord v : u.vectors()) {
            writer.updateDocument(idTerm(v.id()), toDocument(v));
          }
          upserts++;
        }
        case WalRecord.Delete d -> {
          writer.deleteDocuments(d.ids().stream().map(NamespaceIndex::idTerm).toArray(Term[]::new));
          deletes++;
        }
      }
      lastLoggedSeq = r.seq();
    }
    lastLoggedSeq = Math.max(lastLoggedSeq, wal.nextSeq() - 1);
    if (!wal.pending().isEmpty()) {
      LOG.info("Namespace {}: replayed {} write-ahead log records after commit seq {}",
          namespaceId, wal.pending().size(), committedSeq);
      writeSeq++;
      commitLocked();
      searchers.maybeRefreshBlocking();
      refreshedSeq = writeSeq;
    } else {
      wal.deleteSegmentsBefore();
    }
    return new Recovery(committed, upserts, deletes);
  }

  /** What opening found and replayed. */
  public Recovery recovery() {
    return recovery;
  }

  public Metric metric() {
    return metric;
  }

  /** Largest vector dimension any namespace accepts. */
  public static int maxDimensions() {
    return VectorCodec.MAX_DIMENSIONS;
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
    Map<String, VectorRecord> byId = new LinkedHashMap<>();
    for (VectorRecord r : batch) {
      byId.remove(r.id()); // keep the last occurrence, in its position
      byId.put(r.id(), r);
    }
    List<Document> docs = new ArrayList<>(byId.size());
    for (VectorRecord r : byId.values()) {
      docs.add(toDocument(r));
    }
    long syncTo;
    long result;
    writeLock.lock();
    try {
      ensureOpen();
      long newIds = countMissing(byId.keySet());
      beforeWrite.accept(newIds);
      List<VectorRecord> records = List.copyOf(byId.values());
      applying(() -> SharedIndexing.run(records.size(), settings.indexExecutor(), settings.indexHelpers(),
          i -> writer.updateDocument(idTerm(records.get(i).id()), docs.get(i))));
      records.forEach(r -> overlay.put(r.id(), Boolean.TRUE));
      syncTo = log(seq -> new WalRecord.Upsert(seq, records));
      liveCount += newIds;
      vectorPeak.accumulateAndGet(liveCount, Math::max);
      bytesPerDoc = records.isEmpty() ? bytesPerDoc : (double) estimatedBytes / records.size();
      writeSeq++;
      result = newIds;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
    awaitDurable(syncTo);
    return result;
  }

  /** Deletes the given ids; ids that do not exist are ignored. Returns how many existed. */
  public long delete(Collection<String> ids) {
    long syncTo = 0;
    List<String> existing = new ArrayList<>();
    writeLock.lock();
    try {
      ensureOpen();
      for (String id : new LinkedHashSet<>(ids)) {
        if (exists(id)) {
          existing.add(id);
        }
      }
      if (!existing.isEmpty()) {
        syncTo = deleteLocked(existing);
      }
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
    awaitDurable(syncTo);
    return existing.size();
  }

  /** Logs and applies the deletion of ids that exist. Called under writeLock. */
  private long deleteLocked(List<String> existing) throws IOException {
    applying(() -> writer.deleteDocuments(existing.stream().map(NamespaceIndex::idTerm).toArray(Term[]::new)));
    long syncTo = log(seq -> new WalRecord.Delete(seq, existing));
    existing.forEach(id -> overlay.put(id, Boolean.FALSE));
    liveCount -= existing.size();
    writeSeq++;
    return syncTo;
  }

  /** Deletes every live document matching {@code query}; returns how many. */
  public long deleteMatching(Query query) {
    long syncTo = 0;
    List<String> ids = new ArrayList<>();
    writeLock.lock();
    try {
      ensureOpen();
      refreshLocked();
      IndexSearcher s = searchers.acquire();
      try {
        // Logged as the ids it matched, so a replay deletes exactly these whatever came after.
        forEachLiveMatch(s, query, leaf -> {
          var stored = leaf.reader().storedFields();
          return doc -> ids.add(stored.document(doc, Set.of(FieldNames.ID)).get(FieldNames.ID));
        });
      } finally {
        searchers.release(s);
      }
      if (!ids.isEmpty()) {
        syncTo = deleteLocked(ids);
        // The overlay names the deleted ids, but a fresh searcher is cheaper for what follows.
        refreshLocked();
      }
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
    awaitDurable(syncTo);
    return ids.size();
  }

  /**
   * k nearest neighbours of {@code vector}, best first. {@code filter}, when not null, is applied
   * during the graph search (pre-filter), so k results come back whenever k documents match.
   */
  public List<QueryHit> search(
      float[] vector, int k, int numCandidates, Query filter, boolean includeMetadata, boolean includeValues) {
    IndexSearcher s = acquireFresh();
    try {
      int live = s.getIndexReader().numDocs();
      if (live == 0) {
        return List.of();
      }
      Query preFilter = filter;
      if (preFilter == null && live <= numCandidates) {
        // With a filter no larger than the candidate count Lucene scores every document exactly.
        preFilter = MatchAllDocsQuery.INSTANCE;
      }
      ScoreDoc[] found = filter == null ? null : exactFiltered(s, filter, vector, numCandidates);
      if (found == null) {
        found = s.search(new KnnFloatVectorQuery(FieldNames.VECTOR, vector, numCandidates, preFilter), numCandidates).scoreDocs;
      }
      List<Candidate> candidates = rescore(s, found, vector, includeValues);
      candidates.sort(Comparator.comparingDouble(Candidate::distance).thenComparingInt(Candidate::doc));
      List<QueryHit> hits = new ArrayList<>(Math.min(k, candidates.size()));
      for (Candidate c : candidates.subList(0, Math.min(k, candidates.size()))) {
        Document stored = s.storedFields().document(c.doc(), includeMetadata ? Set.of(FieldNames.ID, FieldNames.SOURCE) : Set.of(FieldNames.ID));
        hits.add(new QueryHit(
            stored.get(FieldNames.ID),
            c.distance(),
            metric.score(c.distance()),
            includeMetadata ? parseSource(stored) : null,
            c.values()));
      }
      return hits;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      release(s);
    }
  }

  /**
   * Reading every vector costs about this many float reads at most per query: below it, a filter's
   * matches are scored exactly instead of searched through the graph.
   */
  static final long EXACT_FILTER_FLOATS = 8_000_000;

  /**
   * The {@code numCandidates} best of the filter's matches by a full scan of their float vectors,
   * or null when the filter matches too many for a scan to be cheap. A selective filter makes the
   * graph search walk far for few matches, and on a quantized graph it ranks by the quantized
   * vectors, which lost the true neighbours of 1%-selective filters; a scan is exact and, at
   * these sizes, no slower.
   */
  private ScoreDoc[] exactFiltered(IndexSearcher s, Query filter, float[] vector, int numCandidates) throws IOException {
    long limit = Math.max(numCandidates, EXACT_FILTER_FLOATS / Math.max(1, vector.length));
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    int[][] matches = new int[leaves.size()][];
    int[] counts = new int[leaves.size()];
    long[] total = {0};
    boolean complete = forEachLiveMatch(s, filter, leaf -> {
      matches[leaf.ord] = new int[16];
      return doc -> {
        int n = counts[leaf.ord]++;
        if (n == matches[leaf.ord].length) {
          matches[leaf.ord] = java.util.Arrays.copyOf(matches[leaf.ord], n * 2);
        }
        matches[leaf.ord][n] = doc;
        return ++total[0] <= limit;
      };
    });
    if (!complete) {
      return null;
    }
    org.apache.lucene.util.hnsw.NeighborQueue best = new org.apache.lucene.util.hnsw.NeighborQueue(numCandidates, false);
    for (LeafReaderContext leaf : leaves) {
      if (counts[leaf.ord] == 0) {
        continue;
      }
      FloatVectorValues values = leaf.reader().getFloatVectorValues(FieldNames.VECTOR);
      if (values == null) {
        continue;
      }
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int i = 0; i < counts[leaf.ord]; i++) {
        int doc = matches[leaf.ord][i];
        if (it.docID() < doc) {
          it.advance(doc);
        }
        if (it.docID() == doc) {
          best.insertWithOverflow(leaf.docBase + doc, metric.similarity().compare(vector, values.vectorValue(it.index())));
        }
      }
    }
    ScoreDoc[] out = new ScoreDoc[best.size()];
    for (int i = out.length - 1; i >= 0; i--) {
      float score = best.topScore();
      out[i] = new ScoreDoc(best.pop(), score);
    }
    return out;
  }

  /** Told each live document a query matches in one leaf; returns false to stop. */
  private interface DocVisitor {
    boolean visit(int doc) throws IOException;
  }

  /** Makes the visitor of one leaf (per-leaf state such as stored fields lives in it). */
  private interface LeafVisitors {
    DocVisitor forLeaf(LeafReaderContext leaf) throws IOException;
  }

  /** Visits every live document {@code query} matches, leaf by leaf; false if a visitor stopped early. */
  private static boolean forEachLiveMatch(IndexSearcher s, Query query, LeafVisitors visitors) throws IOException {
    var weight = s.createWeight(s.rewrite(query), org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES, 1f);
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      var scorer = weight.scorer(leaf);
      if (scorer == null) {
        continue;
      }
      DocVisitor visitor = visitors.forLeaf(leaf);
      Bits live = leaf.reader().getLiveDocs();
      var it = scorer.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if ((live == null || live.get(doc)) && !visitor.visit(doc)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The vector with this id, or null. */
  public VectorRecord fetch(String id) {
    IndexSearcher s = acquireFresh();
    try {
      List<LeafReaderContext> leaves = s.getIndexReader().leaves();
      for (LeafReaderContext leaf : leaves) {
        int doc = liveDoc(leaf.reader(), new BytesRef(id));
        if (doc != DocIdSetIterator.NO_MORE_DOCS) {
          Document stored = leaf.reader().storedFields().document(doc, Set.of(FieldNames.SOURCE));
          return new VectorRecord(id, vectorOf(leaf.reader(), doc), parseSource(stored));
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      release(s);
    }
  }

  /** Live and deleted document counts (current as of every acknowledged write) and bytes on disk. */
  public IndexStats stats() {
    IndexSearcher s = acquireFresh();
    try {
      var reader = s.getIndexReader();
      return new IndexStats(reader.numDocs(), reader.numDeletedDocs(), storageBytes());
    } finally {
      release(s);
    }
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

  /** Bytes of the index files on disk right now (files written since the last flush included). */
  public long storageBytes() {
    long total = 0;
    try {
      for (String file : directory.listAll()) {
        try {
          total += directory.fileLength(file);
        } catch (NoSuchFileException e) {
          // Deleted by a merge while we were listing: no longer on disk.
        }
      }
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
    return total;
  }

  /**
   * Estimated bytes of documents buffered in RAM, not yet flushed to disk: their number times the
   * caller's per-document estimate. IndexWriter's own RAM figure counts allocated buffer blocks and
   * overstates small writes by orders of magnitude, so it is not used.
   */
  public long unflushedBytes() {
    try {
      return (long) (writer.numRamDocs() * bytesPerDoc);
    } catch (AlreadyClosedException e) {
      return 0;
    }
  }

  /** Whether a query or fetch used this index within the last {@code nanos}. */
  public boolean searchedWithin(long nanos) {
    return System.nanoTime() - lastSearchNanos < nanos;
  }

  /** Makes every acknowledged write visible to new searchers, if any is not yet. */
  public void refreshIfStale() {
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
   * For the background refresher: makes acknowledged writes and finished merges visible to new
   * searchers. Merged segments replace many small ones, which every query would otherwise keep
   * searching one by one until the next write. Skips the round when a write batch holds the
   * lock (a searcher opened mid-batch would show half of it), rather than waiting behind it.
   */
  public void refreshInBackground() {
    if (closed || !writeLock.tryLock()) {
      return;
    }
    try {
      if (closed) {
        return;
      }
      if (refreshedSeq != writeSeq) {
        refreshLocked();
      } else {
        searchers.maybeRefreshBlocking(); // same documents; a no-op unless a merge finished
      }
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * For the maintenance thread: once no write has come for {@code idleNanos}, and no write-idle
   * merge ran in the last {@code minIntervalNanos}, merges the index into one segment on the merge
   * pool if it has several and holds at most {@code maxBytes}. Returns whether it started a merge.
   *
   * <p>Why: an HNSW query searches every segment's graph with the full candidate count, and a bulk
   * import leaves a handful of segments (one per flush of each indexing thread, per refresh and
   * per commit) that Lucene's size-tiered policy keeps; one segment answers the same query in a
   * fraction of the time. Writes and queries go on during the merge; the periodic commit and
   * refresh pick up its result. The interval bounds the rewriting a trickle of writes can cause.
   */
  public boolean mergeIfWriteIdle(long idleNanos, long minIntervalNanos, long maxBytes) {
    if (closed || !writeLock.tryLock()) {
      return false;
    }
    try {
      long now = System.nanoTime();
      if (closed) {
        return false;
      }
      if (idleSeenSeq != writeSeq) {
        idleSeenSeq = writeSeq;
        idleSeenNanos = now;
        return false;
      }
      if (idleMergedSeq == writeSeq || now - idleSeenNanos < idleNanos || now - idleMergedNanos < minIntervalNanos) {
        return false;
      }
      idleMergedSeq = writeSeq;
      if (storageBytes() > maxBytes || segmentCount() <= 1) {
        return false;
      }
      idleMergedNanos = now;
      writer.forceMerge(1, false);
      return true;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Segments holding documents. Refreshes first: a namespace nobody searched keeps an old searcher
   * (possibly the empty one it opened with), which would count none of a bulk import's segments.
   * Called under writeLock.
   */
  private int segmentCount() throws IOException {
    refreshLocked();
    IndexSearcher s = searchers.acquire();
    try {
      return s.getIndexReader().leaves().size();
    } finally {
      searchers.release(s);
    }
  }

  /**
   * Commits if anything was written, or a merge finished, since the last commit. Returns whether
   * it committed. A merge must be committed too: until then the last commit still names the
   * segments it replaced, and their files stay on disk (and in storage_bytes).
   */
  public boolean commitIfDirty() {
    if (closed || (committedSeq == writeSeq && !uncommittedMerges())) {
      return false;
    }
    writeLock.lock();
    try {
      if (closed || (committedSeq == writeSeq && !uncommittedMerges())) {
        return false;
      }
      commitLocked();
      return true;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  private boolean uncommittedMerges() {
    try {
      return writer.hasUncommittedChanges();
    } catch (AlreadyClosedException e) {
      return false;
    }
  }

  /**
   * Commits with the WAL position and the caller's user data, then drops the log segments the
   * commit made redundant. Called under writeLock (or from the constructor).
   */
  private void commitLocked() throws IOException {
    long target = writeSeq;
    if (wal != null) {
      wal.rotate();
    }
    Map<String, String> data = new HashMap<>(commitData.get());
    data.put(WAL_SEQ, Long.toString(lastLoggedSeq));
    writer.setLiveCommitData(data.entrySet());
    writer.commit();
    committedSeq = target;
    if (wal != null) {
      wal.deleteSegmentsBefore();
    }
  }

  /**
   * A consistent point-in-time copy: commits every acknowledged write (the commit records the
   * write-ahead log position), pins that commit, and hard-links (or copies) its files into
   * {@code target} (created) after releasing the write lock, so writes wait only for the commit.
   */
  public IndexFiles.CommitCopy snapshotTo(Path target) {
    SnapshotDeletionPolicy policy = (SnapshotDeletionPolicy) writer.getConfig().getIndexDeletionPolicy();
    IndexCommit commit;
    writeLock.lock();
    try {
      ensureOpen();
      if (failure != null) {
        throw storageFailure(failure); // never commit a half-applied batch
      }
      commitLocked();
      commit = policy.snapshot();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
    try {
      long bytes = IndexFiles.linkAll(indexPath, commit.getFileNames(), target);
      SegmentInfos infos = SegmentInfos.readCommit(directory, commit.getSegmentsFileName());
      return new IndexFiles.CommitCopy(commit.getGeneration(), commit.getUserData(), IndexFiles.liveDocs(infos), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        policy.release(commit);
        writer.deleteUnusedFiles();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Namespace {}: releasing a snapshot commit failed: {}", namespaceId, e.toString());
      }
    }
  }

  /** Fsyncs whatever the async durability mode has not yet; called by the server's timer. */
  public void syncLog() {
    if (wal != null && !closed) {
      try {
        wal.syncAll();
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
    }
  }

  /**
   * Merges away deleted documents (Lucene's forceMergeDeletes) and commits. Writes and queries go
   * on meanwhile: the merge runs on the merge pool while only this call waits for it.
   */
  public void compact() {
    try {
      ensureOpen();
      writer.forceMergeDeletes(true);
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
    writeLock.lock();
    try {
      ensureOpen();
      writeSeq++; // the merged segments are a change to commit and to show
      commitLocked();
      refreshLocked();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** The generation of the last commit in {@code indexDir}, read without opening the index; -1 if none. */
  public static long lastCommitGeneration(Path indexDir) {
    try {
      return org.apache.lucene.index.SegmentInfos.getLastCommitGeneration(FSDirectory.listAll(indexDir));
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Whether the last commit's metadata (segments file and per-segment info, all checksummed)
   * reads back: a cheap check before trusting a closed namespace's recorded size.
   */
  public static boolean commitReadable(Path indexDir) {
    try (Directory dir = FSDirectory.open(indexDir)) {
      org.apache.lucene.index.SegmentInfos.readLatestCommit(dir);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The generation of this index's last commit. */
  public long commitGeneration() {
    return lastCommitGeneration(indexPath);
  }

  /** Bytes of the write-ahead log on disk (0 without one). */
  public long logBytes() {
    return wal == null ? 0 : wal.sizeBytes();
  }

  /** False once a storage failure made this index unusable; the namespace then reopens it. */
  public boolean healthy() {
    return !closed && failure == null && writer.isOpen() && writer.getTragicException() == null
        && (wal == null || wal.healthy());
  }

  /** Commits and closes. Idempotent. */
  @Override
  public void close() throws IOException {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        searchers.close();
        if (healthyWriter() && failure == null) {
          commitLocked();
        }
      } finally {
        try {
          writer.close();
        } finally {
          try {
            closeQuietly(wal);
          } finally {
            directory.close();
          }
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Closes without committing: after a storage failure, what is not in the last commit is in the
   * write-ahead log and comes back on the next open. Idempotent.
   */
  public void abort() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly(searchers);
      try {
        writer.rollback();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Namespace {}: rollback after failure: {}", namespaceId, e.toString());
      }
      closeQuietly(wal);
      closeQuietly(directory);
    } finally {
      writeLock.unlock();
    }
  }

  private boolean healthyWriter() {
    return writer.isOpen() && writer.getTragicException() == null;
  }

  private interface LuceneWrite {
    void run() throws IOException;
  }

  /**
   * Applies a write to Lucene before it is logged. If Lucene fails part way, nothing was logged
   * and the in-memory state may hold part of the batch: the index is marked failed, so the
   * namespace discards it (rollback to the last commit) and reopens from commit + log, where the
   * failed batch does not exist. That keeps batches all-or-nothing.
   */
  private void applying(LuceneWrite write) throws IOException {
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
  private long log(java.util.function.LongFunction<WalRecord> record) throws IOException {
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
  private void awaitDurable(long position) {
    if (wal != null && durability == Durability.REQUEST && position > 0) {
      try {
        wal.sync(position);
      } catch (IOException | RuntimeException e) {
        throw translate(e);
      }
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

  // --- internals -------------------------------------------------------------------------------

  private Document toDocument(VectorRecord r) {
    Document doc = new Document();
    doc.add(new StringField(FieldNames.ID, r.id(), Field.Store.YES));
    doc.add(new KnnFloatVectorField(FieldNames.VECTOR, r.values(), metric.similarity()));
    if (r.metadata() != null) {
      try {
        doc.add(new StoredField(FieldNames.SOURCE, JSON.writeValueAsBytes(r.metadata())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      MetadataFields.addTo(doc, r.metadata());
    }
    return doc;
  }

  private static Term idTerm(String id) {
    return new Term(FieldNames.ID, id);
  }

  private void refreshLocked() throws IOException {
    long target = writeSeq;
    if (refreshedSeq == target) {
      return;
    }
    searchers.maybeRefreshBlocking();
    overlay.clear();
    refreshedSeq = target;
  }

  private IndexSearcher acquireFresh() {
    ensureOpen();
    lastSearchNanos = System.nanoTime();
    refreshIfStale();
    try {
      return searchers.acquire();
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
  }

  private void release(IndexSearcher s) {
    try {
      searchers.release(s);
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    }
  }

  /** Called under writeLock: how many of these ids exist in neither the searcher nor the overlay. */
  private long countMissing(Collection<String> ids) throws IOException {
    long missing = 0;
    for (String id : ids) {
      if (!exists(id)) {
        missing++;
      }
    }
    return missing;
  }

  /** Called under writeLock. */
  private boolean exists(String id) throws IOException {
    Boolean recent = overlay.get(id);
    if (recent != null) {
      return recent;
    }
    IndexSearcher s = searchers.acquire();
    try {
      BytesRef term = new BytesRef(id);
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        if (liveDoc(leaf.reader(), term) != DocIdSetIterator.NO_MORE_DOCS) {
          return true;
        }
      }
      return false;
    } finally {
      searchers.release(s);
    }
  }

  private static int liveDoc(LeafReader reader, BytesRef id) throws IOException {
    Terms terms = reader.terms(FieldNames.ID);
    if (terms == null) {
      return DocIdSetIterator.NO_MORE_DOCS;
    }
    TermsEnum te = terms.iterator();
    if (!te.seekExact(id)) {
      return DocIdSetIterator.NO_MORE_DOCS;
    }
    Bits live = reader.getLiveDocs();
    PostingsEnum postings = te.postings(null, PostingsEnum.NONE);
    for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
      if (live == null || live.get(doc)) {
        return doc;
      }
    }
    return DocIdSetIterator.NO_MORE_DOCS;
  }

  private static float[] vectorOf(LeafReader reader, int doc) throws IOException {
    FloatVectorValues values = reader.getFloatVectorValues(FieldNames.VECTOR);
    KnnVectorValues.DocIndexIterator it = values.iterator();
    if (it.advance(doc) != doc) {
      throw new IllegalStateException("document " + doc + " has no vector");
    }
    return values.vectorValue(it.index()).clone();
  }

  private record Candidate(int doc, double distance, float[] values) {}

  /** Exact distances for the candidates, read from the stored vectors in doc order. */
  private List<Candidate> rescore(IndexSearcher s, ScoreDoc[] scoreDocs, float[] query, boolean keepValues)
      throws IOException {
    int[] docs = new int[scoreDocs.length];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = scoreDocs[i].doc;
    }
    java.util.Arrays.sort(docs);
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    List<Candidate> out = new ArrayList<>(docs.length);
    int leafOrd = -1;
    FloatVectorValues values = null;
    KnnVectorValues.DocIndexIterator it = null;
    for (int doc : docs) {
      int ord = ReaderUtil.subIndex(doc, leaves);
      LeafReaderContext leaf = leaves.get(ord);
      if (ord != leafOrd) {
        leafOrd = ord;
        values = leaf.reader().getFloatVectorValues(FieldNames.VECTOR);
        it = values.iterator();
      }
      int local = doc - leaf.docBase;
      if (it.docID() > local || it.advance(local) != local) {
        throw new IllegalStateException("document " + doc + " has no vector");
      }
      float[] v = values.vectorValue(it.index());
      out.add(new Candidate(doc, metric.distance(query, v), keepValues ? v.clone() : null));
    }
    return out;
  }

  private static ObjectNode parseSource(Document stored) throws IOException {
    BytesRef source = stored.getBinaryValue(FieldNames.SOURCE);
    if (source == null) {
      return null;
    }
    return (ObjectNode) JSON.readTree(source.bytes, source.offset, source.length);
  }

  private void ensureOpen() {
    if (closed) {
      throw UnavailableException.namespace(namespaceId, "index is closed", null);
    }
  }

  /**
   * A failure inside Lucene or the log becomes this namespace's storage failure (503, and the
   * namespace reopens); our own errors (a quota rejection from a write callback) pass through.
   * Lucene reports a writer that a failed merge or flush made unusable with plain
   * IllegalStateExceptions, hence the tragedy check.
   */
  private RuntimeException translate(Exception e) {
    if (e instanceof io.vecstore.core.error.VecStoreException v) {
      return v;
    }
    if (e instanceof IOException || e instanceof AlreadyClosedException || writer.getTragicException() != null) {
      return storageFailure(e);
    }
    return (RuntimeException) e;
  }

  private RuntimeException storageFailure(Exception e) {
    return UnavailableException.namespace(namespaceId, "storage error: " + e.getMessage(), e);
  }
}
