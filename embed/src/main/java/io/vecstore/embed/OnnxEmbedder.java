package io.vecstore.embed;

import io.vecstore.core.NoCallHome;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link Embedder}: runs the quantized ONNX exports of the {@link EmbeddingModel}s in
 * process (ONNX Runtime, Hugging Face tokenizers), on a fixed pool of named daemon threads
 * ({@code vecstore-embed-N}). A text longer than the model's window is cut to it, as
 * sentence-transformers does.
 *
 * <p>Each model loads on its first use (under a second), once, and stays loaded; a model that
 * fails to load makes its calls fail with {@link UnavailableException}, and a later call tries
 * again.
 *
 * <p>Thread-safety: thread-safe. Every model call runs on the pool, so the pool's size bounds the
 * cores embedding takes whatever the number of callers; a caller's batch is split into contiguous
 * chunks, one per pool thread, and the caller waits for them.
 *
 * <p>The owner (the server's {@code Main}) closes it once no more calls are expected; calls in
 * flight then fail with {@link UnavailableException}, as do later ones.
 */
public final class OnnxEmbedder implements Embedder, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbedder.class);

  /**
   * ONNX Runtime threads per run. One: the pool already runs one text per core, and ONNX
   * Runtime's own threads (one per core per session by default) would compete with it for the
   * same cores. Measured on 2 cores, pool of 2, 2,000 WordNet glosses ({@code
   * OnnxEmbedderThroughputTest}): MiniLM 580-790 texts/s with one thread against 510-520 with
   * the default, bge 290-360 against 230-240.
   */
  static final int INTRA_OP_THREADS = 1;

  /** How long {@link #close} waits for runs in flight (one text each) before leaving the models open. */
  private static final long CLOSE_WAIT_SECONDS = 30;

  private final int threads;
  private final ExecutorService pool;
  private final Map<EmbeddingModel, ModelSlot<OnnxModel>> models = new EnumMap<>(EmbeddingModel.class);
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param threads the pool's size: texts embedded at the same time (the server passes the number
   *     of cores)
   */
  public OnnxEmbedder(int threads) {
    this(threads, INTRA_OP_THREADS);
  }

  /** @param intraOpThreads ONNX Runtime's threads per run, 0 for its default (one per core) */
  OnnxEmbedder(int threads, int intraOpThreads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got: " + threads);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be at least 0, got: " + intraOpThreads);
    }
    // Before DJL's first tokenizer, which would otherwise call home.
    NoCallHome.apply();
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads, namedDaemons());
    for (EmbeddingModel model : EmbeddingModel.values()) {
      models.put(model, new ModelSlot<>(model.wireName(), () -> load(model, intraOpThreads)));
    }
  }

  @Override
  public float[][] embed(EmbeddingModel model, List<String> texts) {
    String[] copy = texts.toArray(String[]::new);
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null) {
        throw new IllegalArgumentException("texts[" + i + "] must not be null, got: null");
      }
    }
    if (copy.length == 0) {
      return new float[0][];
    }
    OnnxModel loaded = model(model);
    int chunks = Math.min(threads, copy.length);
    List<Callable<float[][]>> work = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      // Contiguous, sizes differing by at most one.
      int from = (int) ((long) copy.length * c / chunks);
      int to = (int) ((long) copy.length * (c + 1) / chunks);
      work.add(() -> {
        float[][] vectors = new float[to - from][];
        for (int i = from; i < to; i++) {
          if (Thread.currentThread().isInterrupted()) {
            // close() or a failed sibling chunk: stop between texts (a run itself cannot be stopped).
            throw UnavailableException.embedding(model.wireName(), "the embedding was cancelled");
          }
          vectors[i - from] = loaded.embed(copy[i]);
        }
        return vectors;
      });
    }
    float[][] vectors = new float[copy.length][];
    int next = 0;
    for (float[][] chunk : runAll(model, work)) {
      System.arraycopy(chunk, 0, vectors, next, chunk.length);
      next += chunk.length;
    }
    return vectors;
  }

  /**
   * A text's length in the model's tokens, its [CLS] and [SEP] included, before it is cut to
   * {@link EmbeddingModel#maxTokens()}. Loads the model if it is not yet.
   */
  public int tokenCount(EmbeddingModel model, String text) {
    return onPool(model, loaded -> loaded.tokenCount(text));
  }

  /** The token ids the model is given for a text (cut, special tokens included): for tests. */
  long[] inputIds(EmbeddingModel model, String text) {
    return onPool(model, loaded -> loaded.inputIds(text));
  }

  /**
   * Stops the pool (runs in flight finish their current text, queued work is dropped; their callers
   * get an {@link UnavailableException}), then closes the loaded models. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Runnable queued : pool.shutdownNow()) {
      // Dropped work never completes: cancel it so its caller stops waiting.
      ((Future<?>) queued).cancel(false);
    }
    boolean idle = false;
    boolean interrupted = false;
    try {
      idle = pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (!idle) {
      // Closing a session under a running run() frees memory the run still reads: a crash of the
      // whole process. Leaking the models until exit is the lesser harm.
      LOG.warn("Embedding pool did not stop within {} s; its models stay open", CLOSE_WAIT_SECONDS);
    } else {
      models.forEach((model, slot) -> {
        try {
          slot.close();
        } catch (Exception e) {
          LOG.warn("Closing embedding model {} failed", model.wireName(), e);
        }
      });
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The loaded model; loads it on the caller's thread if it is not yet. */
  private OnnxModel model(EmbeddingModel model) {
    if (closed.get()) {
      throw UnavailableException.embedding(model.wireName(), "the embedder is closed");
    }
    return models.get(model).get();
  }

  private <T> T onPool(EmbeddingModel model, Function<OnnxModel, T> call) {
    OnnxModel loaded = model(model);
    return runAll(model, List.<Callable<T>>of(() -> call.apply(loaded))).getFirst();
  }

  /** Runs the work on the pool and waits for all of it: its results in order, or the first failure. */
  private <T> List<T> runAll(EmbeddingModel model, List<Callable<T>> work) {
    List<Future<T>> futures = new ArrayList<>(work.size());
    try {
      for (Callable<T> w : work) {
        futures.add(pool.submit(w));
      }
      List<T> results = new ArrayList<>(futures.size());
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (RejectedExecutionException | CancellationException e) {
      cancel(futures);
      throw UnavailableException.embedding(model.wireName(), "the embedder is closed");
    } catch (InterruptedException e) {
      cancel(futures);
      Thread.currentThread().interrupt();
      throw UnavailableException.embedding(model.wireName(), "interrupted while waiting for the embedding");
    } catch (ExecutionException e) {
      cancel(futures);
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw UnavailableException.embedding(model.wireName(), "embedding failed: " + e.getCause());
    }
  }

  private static void cancel(List<? extends Future<?>> futures) {
    // Interrupting lets a running chunk stop at its next text instead of finishing a batch nobody waits for.
    futures.forEach(f -> f.cancel(true));
  }

  private static OnnxModel load(EmbeddingModel model, int intraOpThreads) {
    long start = System.nanoTime();
    try {
      OnnxModel loaded = OnnxModel.load(model, intraOpThreads);
      LOG.info("Loaded embedding model {} in {} ms", model.wireName(), (System.nanoTime() - start) / 1_000_000);
      return loaded;
    } catch (UnavailableException e) {
      LOG.warn("Embedding model {} did not load: {}", model.wireName(), e.getMessage());
      throw e;
    }
  }

  private static ThreadFactory namedDaemons() {
    AtomicInteger next = new AtomicInteger(1);
    return task -> {
      Thread thread = new Thread(task, "vecstore-embed-" + next.getAndIncrement());
      // Daemon: a pool the owner forgot to close must not keep the JVM alive.
      thread.setDaemon(true);
      return thread;
    };
  }
}
