package io.vecstore.bench.suite;

import io.vecstore.bench.dataset.Dataset;
import io.vecstore.core.index.Quantization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What scenarios share in one bench run: the data set, the options, one in-process server, and
 * the indexes built so far (a VecStore namespace and a raw Lucene index per quantization, each
 * with its ingest time), so a scenario that needs an index another one built reuses it.
 *
 * <p>Not thread-safe: scenarios call it from the main thread. {@link BenchMain} closes it, which
 * stops the server and deletes every temporary directory.
 */
public final class BenchContext implements AutoCloseable {

  /** A VecStore namespace holding the data set, with the seconds its ingest took, its size and its segment count once settled. */
  record Namespace(String name, VecStoreNamespace target, double seconds, long storageBytes, int segments) {}

  private final Dataset data;
  private final BenchOptions options;
  private final Path work;
  private VecStoreServer server;
  private final Map<Quantization, Namespace> namespaces = new EnumMap<>(Quantization.class);
  private final Map<Quantization, LuceneIndex.Built> lucene = new EnumMap<>(Quantization.class);

  BenchContext(Dataset data, BenchOptions options) throws IOException {
    this.data = data;
    this.options = options;
    Files.createDirectories(options.workDir());
    this.work = Files.createTempDirectory(options.workDir(), "vecstore-bench-");
  }

  public Dataset data() {
    return data;
  }

  public BenchOptions options() {
    return options;
  }

  VecStoreServer server() throws IOException {
    if (server == null) {
      server = new VecStoreServer(work.resolve("server"));
    }
    return server;
  }

  /** A fresh directory under the run's work directory. */
  Path newDirectory(String name) throws IOException {
    return Files.createDirectories(work.resolve(name));
  }

  /** The namespace with the whole base set in this quantization, built on first use (batch {@link BenchOptions#indexBatch}). */
  Namespace vecstore(Quantization q) throws Exception {
    Namespace ns = namespaces.get(q);
    if (ns == null) {
      String name = "bench-" + q.wireName();
      server().create(name, q);
      System.out.printf(Locale.ROOT, "ingesting %d vectors into VecStore namespace %s (batch %d, %d threads)%n",
          data.base().length, name, options.indexBatch(), options.threads());
      double seconds = server.ingest(name, data, options.indexBatch(), options.threads());
      // The server commits every 10 s; only a commit lets Lucene delete merged-away files, so the
      // full run waits out more than one commit interval. The quick run settles faster and its
      // sizes may include files awaiting deletion.
      long bytes = server.settle(name, data.base().length, options.quick() ? 1.5 : 12, 180);
      // Once writes stop the server merges the namespace into one segment (README, "Many
      // namespaces"); an HNSW merge writes little while it builds the graph, so storage looks
      // settled mid-merge. Queries are measured on the merged index, not beside a running merge.
      if (server.awaitOneSegment(name, 600)) {
        bytes = server.settle(name, data.base().length, options.quick() ? 1.5 : 12, 180);
      }
      ns = new Namespace(name, new VecStoreNamespace(server, name, data), seconds, bytes, server.segments(name));
      namespaces.put(q, ns);
    }
    return ns;
  }

  /** The raw Lucene index with the whole base set in this quantization, built on first use. */
  LuceneIndex.Built lucene(Quantization q) throws Exception {
    LuceneIndex.Built built = lucene.get(q);
    if (built == null) {
      System.out.printf(Locale.ROOT, "ingesting %d vectors into raw Lucene (%s, %d threads)%n", data.base().length, q.wireName(),
          options.threads());
      built = LuceneIndex.build(data, newDirectory("lucene-" + q.wireName()), q, options.threads());
      lucene.put(q, built);
    }
    return built;
  }

  /** Drops both indexes of this quantization (disk and page cache for the next one). */
  void release(Quantization q) throws Exception {
    Namespace ns = namespaces.remove(q);
    if (ns != null) {
      server.delete(ns.name());
    }
    LuceneIndex.Built built = lucene.remove(q);
    if (built != null) {
      built.index().close();
    }
  }

  @Override
  public void close() throws Exception {
    for (Quantization q : Quantization.values()) {
      release(q);
    }
    if (server != null) {
      server.close();
    }
    deleteTree(work);
  }

  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
