package io.vecstore.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the server is ready: every listener it was asked to open (REST, and gRPC when on) accepts
 * connections, and the namespaces are loaded (the manager exists). Not ready again as soon as
 * shutdown starts. {@code GET /ready} answers from it.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Readiness {

  private final AtomicInteger listenersDown;
  private volatile boolean stopping;

  /** @param listeners how many listeners must be up before the server is ready */
  public Readiness(int listeners) {
    if (listeners < 1) {
      throw new IllegalArgumentException("listeners must be at least 1, got: " + listeners);
    }
    this.listenersDown = new AtomicInteger(listeners);
  }

  /** One more listener accepts connections. */
  public void listenerUp() {
    listenersDown.decrementAndGet();
  }

  /** Shutdown started: never ready again. */
  public void stopping() {
    stopping = true;
  }

  public boolean ready() {
    return !stopping && listenersDown.get() <= 0;
  }
}
