package io.vecstore.core.namespace;

import io.vecstore.core.error.UnavailableException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a namespace's writes be paused for the last step of a move: {@link #pause} stops new
 * writes (they wait) and waits for the running ones to finish; then either {@link #resume} lets
 * the waiting ones go on here, or {@link #handOff} refuses them and every later one with
 * {@code not_owner} (the namespace now lives on another node). A writer waits at most
 * {@link #MAX_WAIT_NANOS} for a pause to end. Reads never pass through the gate.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class WriteGate {

  /** How long a write waits for a paused namespace before it is refused (retry) instead. */
  static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String id;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int inFlight; // guarded by lock
  private boolean paused; // guarded by lock
  private boolean handedOff; // guarded by lock

  WriteGate(String id) {
    this.id = id;
  }

  /**
   * Runs a write through the gate, with {@code check} before it, then {@code confirm} and
   * {@code check} again after it, before it is acknowledged (the server's ownership check and
   * replica confirmation in cluster mode). A move's pause waits for all of it.
   */
  <T> T pass(Runnable check, java.util.function.Supplier<T> op, Runnable confirm,
      java.util.function.BooleanSupplier ownsAgain) {
    enter(ownsAgain);
    try {
      check.run();
      T result = op.get();
      confirm.run();
      check.run();
      return result;
    } finally {
      exit();
    }
  }

  /**
   * Before a write: waits while paused; throws {@code not_owner} once handed off, unless
   * {@code ownsAgain} says the namespace is this node's again (a replica kept here after a move
   * was promoted): then the gate reopens.
   */
  void enter(java.util.function.BooleanSupplier ownsAgain) {
    lock.lock();
    try {
      if (handedOff && ownsAgain.getAsBoolean()) {
        handedOff = false;
      }
      long nanos = MAX_WAIT_NANOS;
      while (paused && !handedOff) {
        if (nanos <= 0) {
          throw UnavailableException.notOwner(id, "it is being moved to another node", 1);
        }
        nanos = changed.awaitNanos(nanos);
      }
      if (handedOff) {
        throw UnavailableException.notOwner(id, "it moved to another node", 1);
      }
      inFlight++;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UnavailableException.notOwner(id, "interrupted while it was being moved", 1);
    } finally {
      lock.unlock();
    }
  }

  /** After a write that entered, whatever its outcome. */
  void exit() {
    lock.lock();
    try {
      if (--inFlight == 0) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops new writes and waits up to {@code drainNanos} for the running ones. Returns whether
   * they all finished; if not, the pause is lifted again and nothing changed.
   */
  boolean pause(long drainNanos) {
    lock.lock();
    try {
      if (handedOff) {
        throw new IllegalStateException("namespace " + id + " was handed off; its writes cannot be paused again");
      }
      paused = true;
      long nanos = drainNanos;
      while (inFlight > 0) {
        if (nanos <= 0) {
          paused = false;
          changed.signalAll();
          return false;
        }
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      paused = false;
      changed.signalAll();
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Lets paused writes go on here. */
  void resume() {
    lock.lock();
    try {
      paused = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The namespace lives elsewhere now: waiting and later writes are refused with {@code not_owner}. */
  void handOff() {
    lock.lock();
    try {
      handedOff = true;
      paused = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
