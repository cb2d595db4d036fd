package io.vecstore.bench.querypath;

import io.vecstore.core.index.FieldNames;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.index.VectorCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Raw Lucene in this process on the same vectors: the baseline of both ingest and search.
 *
 * <p>Ingest: a plain single-writer {@link IndexWriter} with the server's codec
 * ({@link VectorCodec#create}, quantization none) and RAM buffer ({@link IndexSettings#defaults},
 * 32 MB), Lucene's default merge policy and scheduler; one thread calls {@code addDocument} for
 * every vector, then {@code commit}: the timed part. Each document is what the server writes for
 * a vector without metadata ({@code NamespaceIndex.toDocument}): the id as a stored
 * {@code StringField} {@code _id} and a cosine {@code KnnFloatVectorField} {@code vector}. The
 * index is then merged into one segment (not timed), as the server's namespace is.
 *
 * <p>Search: {@code KnnFloatVectorQuery(k = num_candidates)}, the top {@code k} kept, their ids
 * read from stored fields (the server must return ids too); one {@link IndexSearcher} without an
 * executor, from 1 or more query threads.
 *
 * <p>Thread-safety: {@link #search} and {@link #round} may run on many threads once
 * {@link #build} has returned. The caller closes it; closing leaves the directory to the caller.
 */
final class LuceneBaseline implements AutoCloseable {

  private final FSDirectory dir;
  private final double ingestSeconds;
  private final double mergeSeconds;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  private LuceneBaseline(FSDirectory dir, double ingestSeconds, double mergeSeconds) throws IOException {
    this.dir = dir;
    this.ingestSeconds = ingestSeconds;
    this.mergeSeconds = mergeSeconds;
    this.reader = DirectoryReader.open(dir);
    this.searcher = new IndexSearcher(reader);
  }

  /** Indexes {@code vectors} (ids their indexes) into {@code path}, timing addDocument..commit, then merges to one segment. */
  static LuceneBaseline build(float[][] vectors, Path path) throws IOException {
    FSDirectory dir = FSDirectory.open(path);
    try {
      IndexWriterConfig config = new IndexWriterConfig();
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      config.setRAMBufferSizeMB(IndexSettings.defaults().ramBufferMb());
      config.setCodec(VectorCodec.create(Quantization.NONE));
      double ingest;
      double merge;
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        long t0 = System.nanoTime();
        for (int i = 0; i < vectors.length; i++) {
          writer.addDocument(document(i, vectors[i]));
        }
        writer.commit();
        ingest = (System.nanoTime() - t0) / 1e9;
        long m0 = System.nanoTime();
        writer.forceMerge(1);
        writer.commit();
        merge = (System.nanoTime() - m0) / 1e9;
      }
      return new LuceneBaseline(dir, ingest, merge);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  private static Document document(int i, float[] vector) {
    Document doc = new Document();
    doc.add(new StringField(FieldNames.ID, Integer.toString(i), Field.Store.YES));
    doc.add(new KnnFloatVectorField(FieldNames.VECTOR, vector, VectorSimilarityFunction.COSINE));
    return doc;
  }

  /** Seconds from the first addDocument to the end of the commit. */
  double ingestSeconds() {
    return ingestSeconds;
  }

  /** Seconds forceMerge(1) took (not part of the ingest figure). */
  double mergeSeconds() {
    return mergeSeconds;
  }

  int segments() {
    return reader.leaves().size();
  }

  /** The ids of the top {@code k} of {@code numCandidates} approximate neighbours, best first. */
  int[] search(float[] query, int k, int numCandidates) throws IOException {
    TopDocs top = searcher.search(new KnnFloatVectorQuery(FieldNames.VECTOR, query, numCandidates), k);
    StoredFields stored = searcher.storedFields();
    Set<String> fields = Set.of(FieldNames.ID);
    int[] ids = new int[top.scoreDocs.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = Integer.parseInt(stored.document(top.scoreDocs[i].doc, fields).get(FieldNames.ID));
    }
    return ids;
  }

  /**
   * One timed round: {@code threads} named threads query for {@code seconds}, each rotating
   * through {@code queries} from its own offset, timing every query.
   */
  Latency round(float[][] queries, int k, int numCandidates, int threads, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<long[]> perThread = new ArrayList<>();
    int[] counts = new int[threads];
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      perThread.add(null);
      workers.add(Thread.ofPlatform().name("bench-lucene-query-" + t).start(() -> {
        long[] nanos = new long[4096];
        int n = 0;
        int q = (int) ((long) thread * queries.length / threads);
        try {
          for (long start = System.nanoTime(); start < deadline; start = System.nanoTime()) {
            search(queries[q], k, numCandidates);
            if (n == nanos.length) {
              nanos = Arrays.copyOf(nanos, n * 2);
            }
            nanos[n++] = System.nanoTime() - start;
            q = q + 1 == queries.length ? 0 : q + 1;
          }
        } catch (Throwable e) {
          error.compareAndSet(null, e);
        }
        synchronized (perThread) {
          perThread.set(thread, nanos);
          counts[thread] = n;
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    if (error.get() != null) {
      throw new IllegalStateException("raw Lucene queries failed", error.get());
    }
    long[] all;
    synchronized (perThread) {
      all = new long[Arrays.stream(counts).sum()];
      int at = 0;
      for (int t = 0; t < threads; t++) {
        System.arraycopy(perThread.get(t), 0, all, at, counts[t]);
        at += counts[t];
      }
    }
    return Latency.ofNanos(all, elapsed);
  }

  @Override
  public void close() throws IOException {
    reader.close();
    dir.close();
  }
}
