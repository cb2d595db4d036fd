package io.vecstore.core.quota;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.TooManyRequestsException;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Admission control of one namespace: the request checks (dimension, k, batch size), the rate
 * limit, the concurrent-query slots and the vector and storage reservations, each failing with the
 * guide's message. Every rejection is counted by reason.
 *
 * <p>Quotas are passed in on every call rather than held, so a quota update applies to the very
 * next request. Reservations are made by the caller while it holds the namespace's write lock,
 * which is what keeps concurrent writers from overshooting.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class QuotaGuard {

  private final LongSupplier nanoClock;
  private final RateLimiter rateLimiter = new RateLimiter();
  private final AtomicInteger runningQueries = new AtomicInteger();
  private final Map<Rejection, LongAdder> rejections = new EnumMap<>(Rejection.class);

  public QuotaGuard(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    for (Rejection r : Rejection.values()) {
      rejections.put(r, new LongAdder());
    }
  }

  /** A held query slot; closing it gives the slot back. Close exactly once. */
  public interface QuerySlot extends AutoCloseable {
    @Override
    void close();
  }

  public void checkBatchSize(Quotas q, int size) {
    if (q.maxBatchSize() != null && size > q.maxBatchSize()) {
      throw limit(Rejection.BATCH_SIZE, "Batch size exceeds limit: " + size + " > " + q.maxBatchSize(), q.maxBatchSize(), size);
    }
  }

  public void checkDimension(Quotas q, int dimension) {
    if (q.maxDimension() != null && dimension > q.maxDimension()) {
      throw limit(Rejection.DIMENSION, "Dimension exceeds maximum: " + dimension + " > " + q.maxDimension(), q.maxDimension(), dimension);
    }
  }

  public void checkResults(Quotas q, int k) {
    if (q.maxResultsPerQuery() != null && k > q.maxResultsPerQuery()) {
      throw limit(Rejection.RESULTS_PER_QUERY, "Query limit exceeds maximum: " + k + " > " + q.maxResultsPerQuery(), q.maxResultsPerQuery(), k);
    }
  }

  /** Counts the request against the sliding one-second window, or rejects it (429). */
  public void admitRequest(Quotas q) {
    Double limit = q.maxRequestsPerSecond();
    if (limit == null) {
      return;
    }
    long wait = rateLimiter.tryAcquire(limit, nanoClock.getAsLong());
    if (wait > 0) {
      rejections.get(Rejection.RATE_LIMIT).increment();
      long retryAfter = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
      throw new TooManyRequestsException(
          "rate_limited", "Rate limit exceeded: " + plain(limit) + " requests/second", retryAfter);
    }
  }

  /** Takes a query slot at once or rejects (429); never waits. */
  public QuerySlot acquireQuerySlot(Quotas q) {
    Integer limit = q.maxConcurrentQueries();
    if (limit == null) {
      runningQueries.incrementAndGet();
    } else {
      int running;
      do {
        running = runningQueries.get();
        if (running >= limit) {
          rejections.get(Rejection.CONCURRENT_QUERIES).increment();
          throw new TooManyRequestsException("too_many_concurrent_queries",
              "Concurrent query limit exceeded: " + Math.min(running, limit) + " / " + limit, 1);
        }
      } while (!runningQueries.compareAndSet(running, running + 1));
    }
    return new QuerySlot() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          runningQueries.decrementAndGet();
        }
      }
    };
  }

  /** Called under the write lock: rejects a batch whose new ids would cross max_vectors. */
  public void reserveVectors(Quotas q, long current, long newIds) {
    Long max = q.maxVectors();
    if (max != null && newIds > 0 && current + newIds > max) {
      rejections.get(Rejection.VECTOR_QUOTA).increment();
      throw new QuotaExceededException(
          "Upsert would exceed vector quota: " + current + " + " + newIds + " > " + max, "max_vectors", max, current + newIds);
    }
  }

  /** Called under the write lock: rejects a batch that would take the namespace past max_storage_bytes. */
  public void reserveStorage(Quotas q, long currentBytes, long incomingBytes) {
    Long max = q.maxStorageBytes();
    if (max != null && currentBytes + incomingBytes > max) {
      rejections.get(Rejection.STORAGE_QUOTA).increment();
      long value = currentBytes + incomingBytes;
      throw new QuotaExceededException(
          "Storage quota exceeded: " + value + " / " + max + " bytes", "max_storage_bytes", max, value);
    }
  }

  /** Counts a rejection decided elsewhere (status rules). */
  public void countRejection(Rejection reason) {
    rejections.get(reason).increment();
  }

  /** Rejections so far by reason. */
  public Map<Rejection, Long> rejections() {
    Map<Rejection, Long> out = new EnumMap<>(Rejection.class);
    rejections.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private InvalidRequestException limit(Rejection reason, String message, long limit, long value) {
    rejections.get(reason).increment();
    return new InvalidRequestException(
        InvalidRequestException.LIMIT_EXCEEDED, message, Map.of("limit", limit, "value", value));
  }

  /** {@code 10} for 10.0, {@code 2.5} for 2.5: the guide's messages print no trailing {@code .0}. */
  static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
