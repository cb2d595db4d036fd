package io.vecstore.core.index;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.vector.VectorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * How a vector becomes a Lucene document and how documents are found again: by id term, by vector
 * ordinal, by a query's live matches. The field names are {@link FieldNames}'. Stateless and
 * thread-safe.
 */
final class Documents {

  /** Exact decimals, so metadata comes back digit for digit as it was stored. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Documents() {}

  /** The document of a record; its text is analyzed (by the writer's analyzer) when {@code indexText}. */
  static Document of(VectorRecord r, Metric metric, boolean indexText) {
    Document doc = new Document();
    doc.add(new StringField(FieldNames.ID, r.id(), Field.Store.YES));
    if (r.text() != null) {
      doc.add(indexText ? new TextField(FieldNames.TEXT, r.text(), Field.Store.YES) : new StoredField(FieldNames.TEXT, r.text()));
    }
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

  static Term idTerm(String id) {
    return new Term(FieldNames.ID, id);
  }

  static ObjectNode source(Document stored) throws IOException {
    BytesRef source = stored.getBinaryValue(FieldNames.SOURCE);
    if (source == null) {
      return null;
    }
    return (ObjectNode) JSON.readTree(source.bytes, source.offset, source.length);
  }

  /** The live document with this id in one segment, or NO_MORE_DOCS. */
  static int liveDoc(LeafReader reader, BytesRef id) throws IOException {
    Terms terms = reader.terms(FieldNames.ID);
    if (terms == null) {
      return DocIdSetIterator.NO_MORE_DOCS;
    }
    TermsEnum te = terms.iterator();
    if (!te.seekExact(id)) {
      return DocIdSetIterator.NO_MORE_DOCS;
    }
    return firstLive(te.postings(null, PostingsEnum.NONE), reader.getLiveDocs());
  }

  /** The first live document of a term's postings (an id has at most one), or NO_MORE_DOCS. */
  static int firstLive(PostingsEnum postings, Bits live) throws IOException {
    for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
      if (live == null || live.get(doc)) {
        return doc;
      }
    }
    return DocIdSetIterator.NO_MORE_DOCS;
  }

  /** Whether a live document has this id, in any segment of {@code s}. */
  static boolean exists(IndexSearcher s, String id) throws IOException {
    BytesRef term = new BytesRef(id);
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      if (liveDoc(leaf.reader(), term) != DocIdSetIterator.NO_MORE_DOCS) {
        return true;
      }
    }
    return false;
  }

  /** A copy of one document's vector. */
  static float[] vectorOf(LeafReader reader, int doc) throws IOException {
    FloatVectorValues values = reader.getFloatVectorValues(FieldNames.VECTOR);
    KnnVectorValues.DocIndexIterator it = values.iterator();
    if (it.advance(doc) != doc) {
      throw new IllegalStateException("document " + doc + " has no vector");
    }
    return values.vectorValue(it.index()).clone();
  }

  /** Told each live document a query matches in one leaf; returns false to stop. */
  interface DocVisitor {
    boolean visit(int doc) throws IOException;
  }

  /** Makes the visitor of one leaf (per-leaf state such as stored fields lives in it). */
  interface LeafVisitors {
    DocVisitor forLeaf(LeafReaderContext leaf) throws IOException;
  }

  /** Visits every live document {@code query} matches, leaf by leaf; false if a visitor stopped early. */
  static boolean forEachLiveMatch(IndexSearcher s, Query query, LeafVisitors visitors) throws IOException {
    var weight = s.createWeight(s.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
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
}
