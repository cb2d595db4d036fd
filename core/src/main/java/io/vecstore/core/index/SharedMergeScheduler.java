package io.vecstore.core.index;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergeScheduler;
import org.apache.lucene.index.MergeTrigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one IndexWriter's merges on an executor shared by every namespace, so the number of merge
 * threads is bounded whatever the number of open namespaces (Lucene's ConcurrentMergeScheduler
 * starts threads per writer). One instance per writer; {@link #close()} waits for that writer's
 * merges.
 *
 * <p>Thread-safety: safe for the calls IndexWriter makes from any thread.
 */
final class SharedMergeScheduler extends MergeScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(SharedMergeScheduler.class);

  private final Executor executor;
  private int queued; // guarded by this: merges handed to the executor, not yet finished
  private final java.util.Set<Thread> mergingThreads = new java.util.HashSet<>(); // guarded by this

  SharedMergeScheduler(Executor executor) {
    this.executor = executor;
  }

  @Override
  public void merge(MergeSource source, MergeTrigger trigger) throws IOException {
    MergePolicy.OneMerge merge;
    while ((merge = source.getNextMerge()) != null) {
      MergePolicy.OneMerge next = merge;
      synchronized (this) {
        queued++;
      }
      try {
        executor.execute(() -> run(source, next));
      } catch (RejectedExecutionException e) {
        run(source, next); // the pool is shutting down: merge in the calling thread
      }
    }
  }

  private void run(MergeSource source, MergePolicy.OneMerge merge) {
    synchronized (this) {
      mergingThreads.add(Thread.currentThread());
    }
    try {
      source.merge(merge);
    } catch (IOException | RuntimeException e) {
      // IndexWriter records the failure on the merge (and a tragedy if it was one).
      LOG.warn("Merge failed: {}", e.toString());
    } finally {
      synchronized (this) {
        mergingThreads.remove(Thread.currentThread());
        queued--;
        notifyAll();
      }
    }
  }

  /**
   * Waits for this writer's merges, except one the calling thread is running itself: a merge that
   * fails tragically makes IndexWriter roll back, and that closes the scheduler from inside the
   * merge (Lucene's ConcurrentMergeScheduler skips its own thread the same way).
   */
  @Override
  public synchronized void close() {
    boolean interrupted = false;
    while (queued - (mergingThreads.contains(Thread.currentThread()) ? 1 : 0) > 0) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
