package io.vecstore.core.index;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.lucene.search.IndexSearcher;

/**
 * When a written-then-quiet namespace is merged into one segment: once no write has come for a
 * while, at most once per interval, and only while the index is small enough to rewrite whole.
 *
 * <p>Why: an HNSW query searches every segment's graph with the full candidate count, and a bulk
 * import leaves a handful of segments (one per flush of each indexing thread, per refresh and per
 * commit) that Lucene's size-tiered policy keeps; one segment answers the same query in a fraction
 * of the time. Writes and queries go on during the merge; the periodic commit and refresh pick up
 * its result. The interval bounds the rewriting a trickle of writes can cause.
 *
 * <p>Thread-safety: every field is guarded by the index's write lock; {@link #maybeMerge} takes it
 * if it is free and otherwise waits for the next round.
 */
final class IdleMerge {

  private final IndexCore core;
  private long seenSeq = -1; // writeSeq when the maintenance thread last saw it change
  private long seenNanos; // when it saw that
  private long mergedSeq = -1; // writeSeq at the last write-idle merge (or decision not to)
  private long mergedNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  IdleMerge(IndexCore core) {
    this.core = core;
  }

  /**
   * Once no write has come for {@code idleNanos}, and no write-idle merge ran in the last
   * {@code minIntervalNanos}, merges the index into one segment on the merge pool if it has several
   * and holds at most {@code maxBytes}. Returns whether it started a merge.
   */
  boolean maybeMerge(long idleNanos, long minIntervalNanos, long maxBytes, LongSupplier storageBytes) {
    return core.underWriteLockIfFree(false, () -> {
      long now = System.nanoTime();
      if (seenSeq != core.writeSeq) {
        seenSeq = core.writeSeq;
        seenNanos = now;
        return false;
      }
      if (mergedSeq == core.writeSeq || now - seenNanos < idleNanos || now - mergedNanos < minIntervalNanos) {
        return false;
      }
      mergedSeq = core.writeSeq;
      if (storageBytes.getAsLong() > maxBytes || segmentCount() <= 1) {
        return false;
      }
      mergedNanos = now;
      core.writer.forceMerge(1, false);
      return true;
    });
  }

  /**
   * Segments holding documents. Refreshes first: a namespace nobody searched keeps an old searcher
   * (possibly the empty one it opened with), which would count none of a bulk import's segments.
   */
  private int segmentCount() throws IOException {
    core.refreshLocked();
    IndexSearcher s = core.searchers.acquire();
    try {
      return s.getIndexReader().leaves().size();
    } finally {
      core.searchers.release(s);
    }
  }
}
