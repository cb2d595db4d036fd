package io.vecstore.core.wal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who still needs a namespace's log records after a commit made them redundant: a move shipping
 * the log written after its copy, a replica that has not confirmed the latest records. Each holds
 * the records after a sequence number; a commit deletes only segments whose records are all at or
 * below every hold's point.
 *
 * <p>Thread-safe.
 */
public final class LogRetention {

  private final Set<Hold> holds = ConcurrentHashMap.newKeySet();

  /** Keeps the records after {@code seq} until the hold is advanced past them or closed. */
  public Hold hold(long seq) {
    Hold h = new Hold(seq);
    holds.add(h);
    return h;
  }

  /** Whether anyone holds records (reads the log as it grows). */
  boolean active() {
    return !holds.isEmpty();
  }

  /** The lowest point any hold keeps records after; {@link Long#MAX_VALUE} when none. */
  long floor() {
    long floor = Long.MAX_VALUE;
    for (Hold h : holds) {
      floor = Math.min(floor, h.after);
    }
    return floor;
  }

  /** One holder's point. Thread-safe. */
  public final class Hold implements AutoCloseable {
    private volatile long after;

    private Hold(long after) {
      if (after < 0) {
        throw new IllegalArgumentException("seq must be at least 0, got: " + after);
      }
      this.after = after;
    }

    /** The records up to {@code seq} are no longer needed by this holder (never moves back). */
    public void advanceTo(long seq) {
      synchronized (this) {
        after = Math.max(after, seq);
      }
    }

    /** Releases what this holder kept: the next commit deletes what it made redundant. Idempotent. */
    @Override
    public void close() {
      holds.remove(this);
    }
  }
}
