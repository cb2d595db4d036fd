package io.vecstore.http;

import io.javalin.http.Context;
import io.vecstore.core.error.UnavailableException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts requests in flight so a shutdown can stop taking new ones (503 {@code shutting_down})
 * and wait for the running ones to finish before namespaces are committed and closed.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class RequestGate {

  private static final String ENTERED = "vecstore.gate.entered";

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private int inFlight; // guarded by lock
  private boolean closed; // guarded by lock

  /** Before every request; throws once the gate is closed. */
  void enter(Context ctx) {
    lock.lock();
    try {
      if (closed) {
        throw UnavailableException.shuttingDown();
      }
      inFlight++;
      ctx.attribute(ENTERED, Boolean.TRUE);
    } finally {
      lock.unlock();
    }
  }

  /** After every request, whether it entered or not. */
  void exit(Context ctx) {
    if (ctx.attribute(ENTERED) == null) {
      return;
    }
    lock.lock();
    try {
      inFlight--;
      if (inFlight == 0) {
        drained.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new requests and waits up to {@code timeout} for running ones. Returns whether all finished. */
  boolean closeAndDrain(Duration timeout) {
    lock.lock();
    try {
      closed = true;
      long nanos = timeout.toNanos();
      while (inFlight > 0 && nanos > 0) {
        nanos = drained.awaitNanos(nanos);
      }
      return inFlight == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
