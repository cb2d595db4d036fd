package io.vecstore.core.index;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.StringHelper;
import org.apache.lucene.util.hnsw.NeighborQueue;

/**
 * The search side of one namespace's index: k nearest neighbours (HNSW, or an exact scan of a
 * selective filter's matches), rescored exactly from the stored floats, and fetches by id.
 *
 * <p>Thread-safety: safe for concurrent use; queries run concurrently with each other and with
 * writes. Each acquires a searcher that shows every acknowledged write (read-your-writes).
 */
public final class IndexSearch {

  /**
   * Reading every vector costs about this many float reads at most per query: below it, a filter's
   * matches are scored exactly instead of searched through the graph.
   */
  static final long EXACT_FILTER_FLOATS = 8_000_000;

  private final IndexCore core;

  IndexSearch(IndexCore core) {
    this.core = core;
  }

  /**
   * k nearest neighbours of {@code vector}, best first. {@code filter}, when not null, is applied
   * during the graph search (pre-filter), so k results come back whenever k documents match.
   */
  public List<QueryHit> search(
      float[] vector, int k, int numCandidates, Query filter, boolean includeMetadata, boolean includeValues) {
    IndexSearcher s = core.acquireFresh();
    try {
      List<Candidate> nearest = nearest(s, vector, k, numCandidates, filter, includeValues);
      List<QueryHit> hits = new ArrayList<>(nearest.size());
      Set<String> fields = includeMetadata ? Set.of(FieldNames.ID, FieldNames.SOURCE) : Set.of(FieldNames.ID);
      StoredFields stored = s.storedFields(); // one per query: hits in one block decompress it once
      for (Candidate c : nearest) {
        Document doc = stored.document(c.doc(), fields);
        hits.add(new QueryHit(doc.get(FieldNames.ID), c.distance(), core.metric.score(c.distance()),
            includeMetadata ? Documents.source(doc) : null, c.values()));
      }
      return hits;
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  /**
   * A query with text: its vector leg, its keyword (BM25) leg, or both fused ({@link RankFusion}),
   * on one searcher, the filter applied to each leg. Every hit carries its exact vector distance
   * whenever the query has a vector, and its rank in each leg.
   */
  public List<QueryHit> textSearch(TextQuery q) {
    IndexSearcher s = core.acquireFresh();
    try {
      boolean hybrid = q.vectorLeg() && q.keywordLeg();
      int window = hybrid ? q.fusion().window(q.k()) : q.k();
      List<RankFusion.Ranked> vectorLeg = new ArrayList<>();
      Map<Integer, Double> distances = new HashMap<>();
      if (q.vectorLeg()) {
        for (Candidate c : nearest(s, q.vector(), window, Math.max(q.numCandidates(), window), q.filter(), false)) {
          vectorLeg.add(new RankFusion.Ranked(c.doc(), core.metric.score(c.distance())));
          distances.put(c.doc(), c.distance());
        }
      }
      List<RankFusion.Ranked> keywordLeg = q.keywordLeg() ? keyword(s, q.text(), q.filter(), window) : List.of();
      List<RankFusion.Fused> fused = hybrid ? RankFusion.fuse(q.fusion(), vectorLeg, keywordLeg)
          : ranked(q.vectorLeg() ? vectorLeg : keywordLeg, q.vectorLeg());
      return textHits(s, q, fused.subList(0, Math.min(q.k(), fused.size())), distances);
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  /** One leg's results as a ranking of their own (its scores kept). */
  private static List<RankFusion.Fused> ranked(List<RankFusion.Ranked> leg, boolean vector) {
    List<RankFusion.Fused> out = new ArrayList<>(leg.size());
    for (int i = 0; i < leg.size(); i++) {
      RankFusion.Ranked r = leg.get(i);
      out.add(new RankFusion.Fused(r.doc(), r.score(), vector ? i + 1 : null, vector ? null : i + 1));
    }
    return out;
  }

  /**
   * The BM25 leg: the text analyzed as the namespace's text field is, any term matching, best
   * {@code window} first. A text that analyzes to no term (stop words only) matches nothing.
   */
  private List<RankFusion.Ranked> keyword(IndexSearcher s, String text, Query filter, int window) throws IOException {
    if (core.analyzer == null) {
      throw new IllegalStateException("namespace " + core.namespaceId + " has no full-text field");
    }
    Query query;
    try {
      query = new QueryBuilder(core.analyzer.analyzer()).createBooleanQuery(FieldNames.TEXT, text);
    } catch (IndexSearcher.TooManyClauses e) {
      throw new InvalidRequestException("text must analyze to at most " + IndexSearcher.getMaxClauseCount()
          + " terms, got more");
    }
    if (query == null) {
      return List.of();
    }
    if (filter != null) {
      query = new BooleanQuery.Builder().add(query, BooleanClause.Occur.MUST).add(filter, BooleanClause.Occur.FILTER).build();
    }
    ScoreDoc[] top = s.search(query, window).scoreDocs;
    List<RankFusion.Ranked> out = new ArrayList<>(top.length);
    for (ScoreDoc d : top) {
      out.add(new RankFusion.Ranked(d.doc, d.score));
    }
    return out;
  }

  private List<QueryHit> textHits(IndexSearcher s, TextQuery q, List<RankFusion.Fused> top, Map<Integer, Double> distances)
      throws IOException {
    Set<String> fields = new HashSet<>(Set.of(FieldNames.ID));
    if (q.includeMetadata()) {
      fields.add(FieldNames.SOURCE);
    }
    if (q.includeText()) {
      fields.add(FieldNames.TEXT);
    }
    StoredFields stored = s.storedFields();
    List<QueryHit> hits = new ArrayList<>(top.size());
    for (RankFusion.Fused f : top) {
      Document doc = stored.document(f.doc(), fields);
      float[] values = q.includeValues() || (q.vector() != null && !distances.containsKey(f.doc())) ? vectorAt(s, f.doc()) : null;
      Double distance = distances.get(f.doc());
      if (distance == null && q.vector() != null) {
        distance = core.metric.distance(q.vector(), values); // found by the keyword leg only
      }
      hits.add(new QueryHit(doc.get(FieldNames.ID), distance, f.score(), q.includeMetadata() ? Documents.source(doc) : null,
          q.includeValues() ? values : null, q.includeText() ? doc.get(FieldNames.TEXT) : null,
          new QueryHit.Ranks(f.vectorRank(), f.keywordRank())));
    }
    return hits;
  }

  /** A copy of the vector of a document, by its number in the whole index. */
  private static float[] vectorAt(IndexSearcher s, int doc) throws IOException {
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    return Documents.vectorOf(leaf.reader(), doc - leaf.docBase);
  }

  /**
   * The k nearest live documents to {@code vector} with their exact distances, best first; the
   * filter, when not null, applies during the graph search (pre-filter), so k come back whenever
   * k documents match.
   */
  private List<Candidate> nearest(IndexSearcher s, float[] vector, int k, int numCandidates, Query filter,
      boolean keepValues) throws IOException {
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
    boolean exactScores = found != null || core.quantization == Quantization.NONE;
    if (found == null) {
      found = s.search(new KnnFloatVectorQuery(FieldNames.VECTOR, vector, numCandidates, preFilter), numCandidates).scoreDocs;
    }
    // Graph scores of unquantized vectors (and the exact scan's) rank as the exact distances do,
    // up to float rounding: only the k returned need their distance in double precision. A
    // quantized graph ranks by approximate vectors, so every candidate is rescored.
    ScoreDoc[] rescored = exactScores && found.length > k ? Arrays.copyOf(found, k) : found;
    List<Candidate> candidates = rescore(s, rescored, vector, keepValues);
    candidates.sort(Comparator.comparingDouble(Candidate::distance).thenComparingInt(Candidate::doc));
    return candidates.subList(0, Math.min(k, candidates.size()));
  }

  /** The vector with this id, or null. */
  public VectorRecord fetch(String id) {
    IndexSearcher s = core.acquireFresh();
    try {
      return read(s, id);
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  /** The vectors with these ids that exist, in the order asked (an id asked twice comes once). */
  public List<VectorRecord> fetchAll(List<String> ids) {
    IndexSearcher s = core.acquireFresh();
    try {
      List<VectorRecord> found = new ArrayList<>(ids.size());
      for (String id : new LinkedHashSet<>(ids)) {
        VectorRecord r = read(s, id);
        if (r != null) {
          found.add(r);
        }
      }
      return found;
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  /**
   * Up to {@code max} live ids that start with {@code prefix} (null: any) and sort after
   * {@code after} (null: from the first), in byte order of their UTF-8 form. Reads only the id
   * terms: each segment's terms are already in that order, and an id is live in one segment only.
   */
  public List<String> ids(String prefix, String after, int max) {
    IndexSearcher s = core.acquireFresh();
    try {
      BytesRef from = new BytesRef(prefix == null ? "" : prefix);
      BytesRef afterRef = after == null ? null : new BytesRef(after);
      BytesRef start = afterRef != null && afterRef.compareTo(from) > 0 ? afterRef : from;
      BytesRef prefixRef = prefix == null ? null : new BytesRef(prefix);
      List<BytesRef> found = new ArrayList<>();
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        collectIds(leaf.reader(), start, afterRef, prefixRef, max, found);
      }
      found.sort(null);
      List<String> out = new ArrayList<>(Math.min(max, found.size()));
      for (BytesRef id : found.subList(0, Math.min(max, found.size()))) {
        out.add(id.utf8ToString());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  private static void collectIds(LeafReader reader, BytesRef start, BytesRef after, BytesRef prefix, int max,
      List<BytesRef> into) throws IOException {
    Terms terms = reader.terms(FieldNames.ID);
    if (terms == null) {
      return;
    }
    TermsEnum te = terms.iterator();
    if (te.seekCeil(start) == TermsEnum.SeekStatus.END) {
      return;
    }
    Bits live = reader.getLiveDocs();
    PostingsEnum postings = null;
    int taken = 0;
    for (BytesRef term = te.term(); term != null && taken < max; term = te.next()) {
      if (prefix != null && !StringHelper.startsWith(term, prefix)) {
        return;
      }
      if (after != null && term.bytesEquals(after)) {
        continue;
      }
      postings = te.postings(postings, PostingsEnum.NONE);
      if (Documents.firstLive(postings, live) != DocIdSetIterator.NO_MORE_DOCS) {
        into.add(BytesRef.deepCopyOf(term));
        taken++;
      }
    }
  }

  /** The ids of every live vector {@code filter} matches, in byte order of their UTF-8 form. */
  public List<String> matchingIds(Query filter) {
    IndexSearcher s = core.acquireFresh();
    try {
      List<BytesRef> ids = new ArrayList<>();
      Documents.forEachLiveMatch(s, filter, leaf -> {
        StoredFields stored = leaf.reader().storedFields();
        return doc -> ids.add(new BytesRef(stored.document(doc, Set.of(FieldNames.ID)).get(FieldNames.ID)));
      });
      ids.sort(null);
      List<String> out = new ArrayList<>(ids.size());
      ids.forEach(id -> out.add(id.utf8ToString()));
      return out;
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    } finally {
      core.release(s);
    }
  }

  /** The live vector with this id in {@code s}, or null. */
  static VectorRecord read(IndexSearcher s, String id) throws IOException {
    BytesRef term = new BytesRef(id);
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      int doc = Documents.liveDoc(leaf.reader(), term);
      if (doc != DocIdSetIterator.NO_MORE_DOCS) {
        Document stored = leaf.reader().storedFields().document(doc, Set.of(FieldNames.SOURCE, FieldNames.TEXT));
        return new VectorRecord(id, Documents.vectorOf(leaf.reader(), doc), Documents.source(stored),
            stored.get(FieldNames.TEXT));
      }
    }
    return null;
  }

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
    boolean complete = Documents.forEachLiveMatch(s, filter, leaf -> {
      matches[leaf.ord] = new int[16];
      return doc -> {
        int n = counts[leaf.ord]++;
        if (n == matches[leaf.ord].length) {
          matches[leaf.ord] = Arrays.copyOf(matches[leaf.ord], n * 2);
        }
        matches[leaf.ord][n] = doc;
        return ++total[0] <= limit;
      };
    });
    if (!complete) {
      return null;
    }
    NeighborQueue best = new NeighborQueue(numCandidates, false);
    for (LeafReaderContext leaf : leaves) {
      FloatVectorValues values = counts[leaf.ord] == 0 ? null : leaf.reader().getFloatVectorValues(FieldNames.VECTOR);
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
          best.insertWithOverflow(leaf.docBase + doc, core.metric.similarity().compare(vector, values.vectorValue(it.index())));
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

  private record Candidate(int doc, double distance, float[] values) {}

  /** Exact distances for the candidates, read from the stored vectors in doc order. */
  private List<Candidate> rescore(IndexSearcher s, ScoreDoc[] scoreDocs, float[] query, boolean keepValues)
      throws IOException {
    int[] docs = new int[scoreDocs.length];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = scoreDocs[i].doc;
    }
    Arrays.sort(docs);
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
      out.add(new Candidate(doc, core.metric.distance(query, v), keepValues ? v.clone() : null));
    }
    return out;
  }
}
