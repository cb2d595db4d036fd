package io.vecstore.core.index;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
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

  /** Exact decimals, so metadata comes back digit for digit as it was stored. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final String namespaceId;
  private final Metric metric;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;

  private final ReentrantLock writeLock = new ReentrantLock();
  /** Ids written since the searcher's point in time: true = exists now, false = deleted now. */
  private final Map<String, Boolean> overlay = new HashMap<>(); // guarded by writeLock

  private volatile long liveCount; // written under writeLock
  private volatile long unflushedEstimate; // written under writeLock; bytes written since the last refresh
  private volatile long writeSeq; // written under writeLock
  private volatile long refreshedSeq; // written under writeLock
  private volatile long committedSeq; // written under writeLock
  private volatile boolean closed;

  private NamespaceIndex(String namespaceId, Metric metric, Directory directory, IndexWriter writer)
      throws IOException {
    this.namespaceId = namespaceId;
    this.metric = metric;
    this.directory = directory;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, true, false, null);
    IndexSearcher s = searchers.acquire();
    try {
      this.liveCount = s.getIndexReader().numDocs();
    } finally {
      searchers.release(s);
    }
  }

  /** Opens (creating if needed) the index in {@code indexDir}. */
  public static NamespaceIndex open(String namespaceId, Path indexDir, Metric metric, IndexSettings settings)
      throws IOException {
    Directory dir = FSDirectory.open(indexDir);
    try {
      IndexWriterConfig config = new IndexWriterConfig();
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      config.setRAMBufferSizeMB(settings.ramBufferMb());
      config.setCommitOnClose(true);
      config.setCodec(VectorCodec.create());
      IndexWriter writer = new IndexWriter(dir, config);
      try {
        if (!DirectoryReader.indexExists(dir)) {
          writer.commit(); // an empty but valid index, so outside tools can open it at once
        }
        return new NamespaceIndex(namespaceId, metric, dir, writer);
      } catch (IOException | RuntimeException e) {
        writer.rollback();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
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
   * @param estimatedBytes the caller's estimate of the batch's size on disk, counted in
   *     {@link #unflushedBytes()} until the next refresh writes the batch to disk
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
    writeLock.lock();
    try {
      ensureOpen();
      long newIds = countMissing(byId.keySet());
      beforeWrite.accept(newIds);
      int i = 0;
      for (VectorRecord r : byId.values()) {
        writer.updateDocument(idTerm(r.id()), docs.get(i++));
        overlay.put(r.id(), Boolean.TRUE);
      }
      liveCount += newIds;
      unflushedEstimate += estimatedBytes;
      writeSeq++;
      return newIds;
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Deletes the given ids; ids that do not exist are ignored. Returns how many existed. */
  public long delete(Collection<String> ids) {
    writeLock.lock();
    try {
      ensureOpen();
      List<Term> existing = new ArrayList<>();
      for (String id : Set.copyOf(ids)) {
        if (exists(id)) {
          existing.add(idTerm(id));
          overlay.put(id, Boolean.FALSE);
        }
      }
      if (!existing.isEmpty()) {
        writer.deleteDocuments(existing.toArray(Term[]::new));
        liveCount -= existing.size();
        writeSeq++;
      }
      return existing.size();
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Deletes every live document matching {@code query}; returns how many. */
  public long deleteMatching(Query query) {
    writeLock.lock();
    try {
      ensureOpen();
      refreshLocked();
      IndexSearcher s = searchers.acquire();
      long count;
      try {
        count = s.count(query);
      } finally {
        searchers.release(s);
      }
      if (count > 0) {
        writer.deleteDocuments(query);
        liveCount -= count;
        writeSeq++;
        // The overlay cannot name the deleted ids, so make the searcher current again at once.
        refreshLocked();
      }
      return count;
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      writeLock.unlock();
    }
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
        preFilter = new MatchAllDocsQuery();
      }
      TopDocs top = s.search(new KnnFloatVectorQuery(FieldNames.VECTOR, vector, numCandidates, preFilter), numCandidates);
      List<Candidate> candidates = rescore(s, top.scoreDocs, vector, includeValues);
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
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      release(s);
    }
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
    } catch (IOException e) {
      throw storageFailure(e);
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
    } catch (IOException e) {
      throw storageFailure(e);
    }
    return total;
  }

  /**
   * Estimated bytes of writes not yet flushed to disk (the sum of the estimates given to
   * {@link #upsert} since the last refresh). IndexWriter's own RAM figure counts allocated buffer
   * blocks and overstates small writes by orders of magnitude, so it is not used.
   */
  public long unflushedBytes() {
    return unflushedEstimate;
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
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Commits if anything was written since the last commit. Returns whether it committed. */
  public boolean commitIfDirty() {
    if (committedSeq == writeSeq || closed) {
      return false;
    }
    writeLock.lock();
    try {
      if (closed || committedSeq == writeSeq) {
        return false;
      }
      long target = writeSeq;
      writer.commit();
      committedSeq = target;
      return true;
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      writeLock.unlock();
    }
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
      } finally {
        try {
          writer.close(); // commits: commitOnClose
        } finally {
          directory.close();
        }
      }
    } finally {
      writeLock.unlock();
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
    unflushedEstimate = 0;
    refreshedSeq = target;
  }

  private IndexSearcher acquireFresh() {
    ensureOpen();
    refreshIfStale();
    try {
      return searchers.acquire();
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  private void release(IndexSearcher s) {
    try {
      searchers.release(s);
    } catch (IOException e) {
      throw storageFailure(e);
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
      throw io.vecstore.core.error.UnavailableException.namespace(namespaceId, "index is closed", null);
    }
  }

  private RuntimeException storageFailure(IOException e) {
    return io.vecstore.core.error.UnavailableException.namespace(namespaceId, "storage error: " + e.getMessage(), e);
  }
}
