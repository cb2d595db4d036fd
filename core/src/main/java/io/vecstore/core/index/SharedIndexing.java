package io.vecstore.core.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Indexes the documents of one batch on the calling thread plus up to {@code helpers} threads of
 * a shared executor. HNSW insertion is CPU-bound and IndexWriter accepts documents from several
 * threads at once, so a large batch into one namespace uses more than one core.
 *
 * <p>Work is handed out one document at a time from a shared counter, and a helper that has not
 * started by the time the caller runs out of work is skipped instead of waited for: a busy executor
 * (other namespaces' batches) never makes a batch slower than indexing it alone.
 *
 * <p>Thread-safety: stateless; each {@link #run} call is independent.
 */
final class SharedIndexing {

  /** Below this many documents the hand-off costs more than it saves. */
  static final int MIN_PARALLEL_DOCS = 16;

  interface DocWork {
    void index(int i) throws IOException;
  }

  private SharedIndexing() {}

  static void run(int count, Executor executor, int helpers, DocWork work) throws IOException {
    if (executor == null || helpers == 0 || count < MIN_PARALLEL_DOCS) {
      for (int i = 0; i < count; i++) {
        work.index(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    List<Helper> started = new ArrayList<>(helpers);
    for (int h = 0; h < Math.min(helpers, count / MIN_PARALLEL_DOCS); h++) {
      Helper helper = new Helper(() -> drain(count, next, error, work));
      try {
        executor.execute(helper);
        started.add(helper);
      } catch (RejectedExecutionException e) {
        break; // shutting down: the caller does the rest
      }
    }
    drain(count, next, error, work);
    for (Helper helper : started) {
      helper.awaitIfStarted();
    }
    Throwable t = error.get();
    switch (t) {
      case null -> {}
      case IOException e -> throw e;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IOException(t);
    }
  }

  private static void drain(int count, AtomicInteger next, AtomicReference<Throwable> error, DocWork work) {
    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
      try {
        work.index(i);
      } catch (Throwable t) {
        error.compareAndSet(null, t);
        next.set(count); // stop everyone: the batch has failed
        return;
      }
    }
  }

  /** A helper task that either runs to completion or, if claimed back before it starts, never runs. */
  private static final class Helper implements Runnable {
    private static final int PENDING = 0, RUNNING = 1, SKIPPED = 2;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Runnable body;

    Helper(Runnable body) {
      this.body = body;
    }

    @Override
    public void run() {
      if (!state.compareAndSet(PENDING, RUNNING)) {
        return;
      }
      try {
        body.run();
      } finally {
        done.countDown();
      }
    }

    void awaitIfStarted() {
      if (state.compareAndSet(PENDING, SKIPPED)) {
        return;
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the batch's documents are in flight; finish before returning
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
