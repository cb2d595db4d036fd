package io.vecstore.core.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down key guessing: a client address with more than {@code maxFailures} invalid keys in
 * the last {@code windowNanos} is refused until the oldest of them leaves the window. Remembers
 * at most {@code maxClients} addresses (least recently failing forgotten first).
 *
 * <p>Thread-safety: safe for concurrent use (one monitor, short critical sections).
 */
final class FailureLimiter {

  private final int maxFailures;
  private final long windowNanos;
  private final Map<String, Deque<Long>> failures;

  FailureLimiter(int maxFailures, long windowNanos, int maxClients) {
    this.maxFailures = maxFailures;
    this.windowNanos = windowNanos;
    this.failures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
        return size() > maxClients;
      }
    };
  }

  /** Nanoseconds this client must wait before trying again, or 0. */
  synchronized long blockedFor(String client, long now) {
    Deque<Long> times = failures.get(client);
    if (times == null) {
      return 0;
    }
    while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
      times.pollFirst();
    }
    if (times.isEmpty()) {
      failures.remove(client);
      return 0;
    }
    return times.size() >= maxFailures ? times.peekFirst() + windowNanos - now : 0;
  }

  synchronized void recordFailure(String client, long now) {
    failures.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
  }
}
