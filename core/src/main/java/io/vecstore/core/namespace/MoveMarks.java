package io.vecstore.core.namespace;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a move between servers notes on a namespace: moves reading its index (which then is not
 * closed for idleness), and whether it is a copy still arriving from another node (not yet this
 * server's to list or bill).
 *
 * <p>Thread-safety: lock-free; safe for concurrent use.
 */
final class MoveMarks {

  private final AtomicInteger pins = new AtomicInteger();
  private volatile boolean incoming;

  /** A move reads this namespace: keep its index open until {@link #unpin}. */
  void pin() {
    pins.incrementAndGet();
  }

  void unpin() {
    pins.decrementAndGet();
  }

  boolean pinned() {
    return pins.get() > 0;
  }

  boolean incoming() {
    return incoming;
  }

  void incoming(boolean value) {
    incoming = value;
  }
}
