package io.vecstore.bench.suite;

import io.vecstore.bench.dataset.Dataset;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.index.VectorCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The raw-Lucene baseline: the data set in a plain Lucene index written with the server's own
 * codec ({@link VectorCodec#create}) and RAM buffer, by N threads calling
 * {@link IndexWriter#addDocument}; queried with {@link KnnFloatVectorQuery} (k = num_candidates,
 * top 10 kept) and a TermQuery / TermInSetQuery pre-filter on the category; quantized indexes
 * rescore the candidates at full precision ({@link RescoreTopNQuery}), as VecStore does. Each document holds
 * what a VecStore document needs for the same work: the vector, a stored id and the category term.
 *
 * <p>Thread-safety: {@link #search} is safe from many threads once {@link #build} has returned.
 * The caller closes it, which deletes the directory.
 */
final class LuceneIndex implements SearchTarget, AutoCloseable {

  private static final String VECTOR = "vector";
  private static final String ID = "_id";
  private static final String CATEGORY = "category";

  private final Dataset data;
  private final Quantization quantization;
  private final Path path;
  private final FSDirectory dir;
  private DirectoryReader reader;
  private IndexSearcher searcher;

  private LuceneIndex(Dataset data, Quantization quantization, Path path) throws IOException {
    this.data = data;
    this.quantization = quantization;
    this.path = path;
    this.dir = FSDirectory.open(path);
  }

  /** Indexes every base vector on {@code threads} threads; returns the index and the seconds it took. */
  static Built build(Dataset data, Path path, Quantization quantization, int threads) throws Exception {
    LuceneIndex index = new LuceneIndex(data, quantization, path);
    IndexWriterConfig config = new IndexWriterConfig();
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    config.setRAMBufferSizeMB(IndexSettings.defaults().ramBufferMb());
    config.setCodec(VectorCodec.create(quantization));
    long t0 = System.nanoTime();
    try (IndexWriter writer = new IndexWriter(index.dir, config)) {
      AtomicInteger next = new AtomicInteger();
      AtomicReference<Throwable> error = new AtomicReference<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(Thread.ofPlatform().name("lucene-ingest-" + t).start(() -> {
          try {
            for (int i = next.getAndIncrement(); i < data.base().length && error.get() == null; i = next.getAndIncrement()) {
              writer.addDocument(document(i, data.base()[i], data.categories()[i]));
            }
          } catch (Throwable e) {
            error.compareAndSet(null, e);
          }
        }));
      }
      for (Thread w : workers) {
        w.join();
      }
      if (error.get() != null) {
        throw new IllegalStateException("raw Lucene ingest failed", error.get());
      }
      writer.commit();
      double seconds = (System.nanoTime() - t0) / 1e9;
      // close() waits for running merges, as the server's settle step does, so queries meet a quiet index.
      writer.close();
      index.reader = DirectoryReader.open(index.dir);
      index.searcher = new IndexSearcher(index.reader);
      return new Built(index, seconds);
    }
  }

  record Built(LuceneIndex index, double seconds) {}

  private static Document document(int i, float[] vector, String category) {
    Document doc = new Document();
    String id = Integer.toString(i);
    doc.add(new StringField(ID, id, Field.Store.YES));
    doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
    doc.add(new StringField(CATEGORY, category, Field.Store.NO));
    return doc;
  }

  @Override
  public int[] search(int q, int k, int numCandidates, Dataset.Filter filter) throws IOException {
    int candidates = Math.max(k, numCandidates == 0 ? DEFAULT_NUM_CANDIDATES : numCandidates);
    Query pre = filter == null ? null : filterQuery(filter);
    float[] vector = data.queries()[q];
    Query knn = new KnnFloatVectorQuery(VECTOR, vector, candidates, pre);
    if (quantization != Quantization.NONE) {
      // Quantized graphs score candidates approximately; VecStore rescores them from the stored
      // floats, so the baseline does the same with Lucene's own full-precision rescorer.
      knn = RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, vector, VECTOR, k);
    }
    TopDocs top = searcher.search(knn, k);
    int[] ids = new int[top.scoreDocs.length];
    var stored = searcher.storedFields();
    for (int i = 0; i < ids.length; i++) {
      ScoreDoc d = top.scoreDocs[i];
      ids[i] = Integer.parseInt(stored.document(d.doc, java.util.Set.of(ID)).get(ID));
    }
    return ids;
  }

  private static Query filterQuery(Dataset.Filter filter) {
    if (filter.categories().size() == 1) {
      return new TermQuery(new Term(CATEGORY, filter.categories().getFirst()));
    }
    return new TermInSetQuery(CATEGORY, filter.categories().stream().map(BytesRef::new).toList());
  }

  /**
   * Merges the index into one segment (what the server does to a namespace once writes stop) and
   * reopens the searcher on it; returns the seconds the merge took.
   */
  double forceMergeToOne() throws IOException {
    long t0 = System.nanoTime();
    IndexWriterConfig config = new IndexWriterConfig();
    config.setOpenMode(IndexWriterConfig.OpenMode.APPEND);
    config.setCodec(VectorCodec.create(quantization));
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      writer.forceMerge(1);
      writer.commit();
    }
    reader.close();
    reader = DirectoryReader.open(dir);
    searcher = new IndexSearcher(reader);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Segments of the index as queried. */
  int segments() {
    return reader.leaves().size();
  }

  /** Bytes of every file of the index. */
  long sizeBytes() throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      long sum = 0;
      for (Path p : files.toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
    dir.close();
    BenchContext.deleteTree(path);
  }
}
