package io.vecstore.cluster;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories whose threads carry a name (prefix-N) and are daemons. */
final class NamedThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + next.getAndIncrement());
    // Daemons: a server that forgets close() still exits; close() stops them in order anyway.
    thread.setDaemon(true);
    return thread;
  }
}
