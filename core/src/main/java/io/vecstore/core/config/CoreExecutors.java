package io.vecstore.core.config;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every thread pool of a namespace manager, built once by {@code Main} (or a test) and handed in:
 * the manager schedules its background work on them and shuts them down when it closes. Each pool
 * is bounded whatever the number of namespaces, and every thread is named.
 *
 * @param maintenance refreshes, commits, write-idle merges and expired deletions ({@code vecstore-maintenance})
 * @param evictor closes idle and least recently used namespaces, on its own thread so busy refreshes
 *     never delay it ({@code vecstore-evictor})
 * @param usage usage rollups: the first sample of a day rewrites every namespace's file ({@code vecstore-usage})
 * @param compactor compactions, one at a time, so a long one delays nothing else ({@code vecstore-compactor})
 * @param merges Lucene merges of every namespace ({@code vecstore-merge-N}, half the cores)
 * @param indexing helpers for large batches ({@code vecstore-index-N}); the request's own thread indexes too
 * @param indexHelpers how many indexing threads one batch may ask for
 */
public record CoreExecutors(
    ScheduledExecutorService maintenance,
    ScheduledExecutorService evictor,
    ScheduledExecutorService usage,
    ExecutorService compactor,
    ExecutorService merges,
    ExecutorService indexing,
    int indexHelpers) {

  /** Pools sized for a machine with {@code cores} cores. */
  public static CoreExecutors create(int cores) {
    int helpers = Math.max(1, cores - 1); // one fewer than the cores: the request's thread indexes too
    return new CoreExecutors(
        Executors.newSingleThreadScheduledExecutor(named("vecstore-maintenance", false)),
        Executors.newSingleThreadScheduledExecutor(named("vecstore-evictor", false)),
        Executors.newSingleThreadScheduledExecutor(named("vecstore-usage", false)),
        Executors.newSingleThreadExecutor(named("vecstore-compactor", false)),
        Executors.newFixedThreadPool(Math.max(1, cores / 2), named("vecstore-merge-", true)),
        Executors.newFixedThreadPool(helpers, named("vecstore-index-", true)),
        helpers);
  }

  /** Pools sized for this machine. */
  public static CoreExecutors forThisMachine() {
    return create(Runtime.getRuntime().availableProcessors());
  }

  private static ThreadFactory named(String name, boolean numbered) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, numbered ? name + n.incrementAndGet() : name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops the background schedules and waits for running work (compactions up to 10 minutes). */
  public void stopBackground() {
    List<ExecutorService> background = List.of(maintenance, evictor, usage, compactor);
    background.forEach(ExecutorService::shutdown);
    try {
      for (ExecutorService e : background) {
        e.awaitTermination(e == compactor ? 600 : 30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the merge and indexing pools; after every index is closed. */
  public void stopIndexing() {
    merges.shutdown();
    indexing.shutdown();
  }
}
