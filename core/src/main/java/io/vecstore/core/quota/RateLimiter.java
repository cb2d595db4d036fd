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

  private static final int INITIAL_CAPACITY = 16;

  /**
   * Ring buffer of the admission times still in the window, oldest at head. It grows with the
   * admissions actually made, never with the configured limit: a limit of a billion requests a
   * second must not allocate gigabytes.
   */
  private long[] admitted = new long[INITIAL_CAPACITY];
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
    long capacity = limit >= 1 ? (long) Math.floor(limit) : 1;
    long window = limit >= 1 ? SECOND_NANOS : (long) Math.ceil(SECOND_NANOS / limit);
    while (size > 0 && now - admitted[head] >= window) {
      head = (head + 1) % admitted.length;
      size--;
    }
    if (size >= capacity) {
      // A lowered limit may leave more than it in the window: wait until enough have left it.
      long oldestThatMustLeave = admitted[(int) ((head + size - capacity) % admitted.length)];
      return oldestThatMustLeave + window - now;
    }
    if (size == admitted.length) {
      grow();
    }
    admitted[(head + size) % admitted.length] = now;
    size++;
    return 0;
  }

  private void grow() {
    long[] next = new long[admitted.length * 2];
    for (int i = 0; i < size; i++) {
      next[i] = admitted[(head + i) % admitted.length];
    }
    admitted = next;
    head = 0;
  }
}
