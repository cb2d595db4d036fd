package io.vecstore.core.quota;

/**
 * A sliding-window log: admits a request only if fewer than the limit were admitted in the
 * window ending now, so no one-second interval ever holds more than the limit. Rejected requests
 * leave no trace. A limit below one request per second is a window of {@code 1/limit} seconds
 * holding one request.
 *
 * <p>Thread-safety: safe for concurrent use; each call holds the limiter's monitor for a few
 * array operations.
 */
final class RateLimiter {

  private static final long SECOND_NANOS = 1_000_000_000L;

  private long[] admitted = new long[0]; // ring buffer of admission times, oldest at head
  private int head;
  private int size;

  /**
   * Admits one request at {@code now} (nanoTime) under {@code limit} requests/second, or returns
   * the nanoseconds to wait before a retry could be admitted.
   *
   * @return 0 when admitted, else a positive wait
   */
  synchronized long tryAcquire(double limit, long now) {
    if (limit <= 0) {
      return SECOND_NANOS;
    }
    int capacity = limit >= 1 ? (int) Math.min(Math.floor(limit), Integer.MAX_VALUE - 8) : 1;
    long window = limit >= 1 ? SECOND_NANOS : (long) Math.ceil(SECOND_NANOS / limit);
    resize(capacity);
    while (size > 0 && now - admitted[head] >= window) {
      head = (head + 1) % admitted.length;
      size--;
    }
    if (size >= capacity) {
      return admitted[head] + window - now;
    }
    admitted[(head + size) % admitted.length] = now;
    size++;
    return 0;
  }

  /** Keeps the newest entries when the limit changes. */
  private void resize(int capacity) {
    if (admitted.length == capacity) {
      return;
    }
    long[] next = new long[capacity];
    int keep = Math.min(size, capacity);
    for (int i = 0; i < keep; i++) {
      next[i] = admitted[(head + size - keep + i) % admitted.length];
    }
    admitted = next;
    head = 0;
    size = keep;
  }
}
