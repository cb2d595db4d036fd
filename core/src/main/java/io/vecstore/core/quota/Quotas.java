package io.vecstore.core.quota;

import io.vecstore.core.error.InvalidRequestException;

/**
 * The seven per-namespace quotas; a null field means unlimited.
 *
 * @param maxVectors live vectors in the namespace
 * @param maxStorageBytes bytes on disk (index and write-ahead log)
 * @param maxRequestsPerSecond data requests in any one-second window
 * @param maxConcurrentQueries queries running at once
 * @param maxDimension vector dimension
 * @param maxResultsPerQuery largest k
 * @param maxBatchSize vectors in one upsert
 */
public record Quotas(
    Long maxVectors,
    Long maxStorageBytes,
    Double maxRequestsPerSecond,
    Integer maxConcurrentQueries,
    Integer maxDimension,
    Integer maxResultsPerQuery,
    Integer maxBatchSize) {

  public static final Quotas UNLIMITED = new Quotas(null, null, null, null, null, null, null);

  public Quotas {
    requireNonNegative(QuotaField.MAX_VECTORS, maxVectors);
    requireNonNegative(QuotaField.MAX_STORAGE_BYTES, maxStorageBytes);
    if (maxRequestsPerSecond != null && !(maxRequestsPerSecond >= 0 && Double.isFinite(maxRequestsPerSecond))) {
      throw new InvalidRequestException(QuotaField.MAX_REQUESTS_PER_SECOND.wireName()
          + " must be a non-negative number, got: " + maxRequestsPerSecond);
    }
    requireNonNegative(QuotaField.MAX_CONCURRENT_QUERIES, maxConcurrentQueries);
    requireNonNegative(QuotaField.MAX_DIMENSION, maxDimension);
    requireNonNegative(QuotaField.MAX_RESULTS_PER_QUERY, maxResultsPerQuery);
    requireNonNegative(QuotaField.MAX_BATCH_SIZE, maxBatchSize);
  }

  private static void requireNonNegative(QuotaField field, Number value) {
    if (value != null && value.longValue() < 0) {
      throw new InvalidRequestException(field.wireName() + " must be a non-negative integer, got: " + value);
    }
  }

  /** Quotas from values by field; a field absent or null is unlimited. */
  public static Quotas of(java.util.Map<QuotaField, ? extends Number> values) {
    return UNLIMITED.merge(QuotaPatch.of(values));
  }

  /** The most concurrent queries a namespace created with neither plan nor quotas gets. */
  public static final int DEFAULT_CONCURRENT_QUERIES = 10;

  /** What a namespace created with neither tier nor quotas gets: pro, but 10 concurrent queries. */
  public static Quotas defaults() {
    return defaultsOf(Tier.PRO.quotas());
  }

  /**
   * {@code plan}'s quotas with at most {@link #DEFAULT_CONCURRENT_QUERIES} concurrent queries: what
   * a create without plan, tier or quotas gets from the pro plan (built-in or redefined).
   */
  public static Quotas defaultsOf(Quotas plan) {
    Integer concurrent = plan.maxConcurrentQueries;
    return new Quotas(
        plan.maxVectors,
        plan.maxStorageBytes,
        plan.maxRequestsPerSecond,
        concurrent == null ? DEFAULT_CONCURRENT_QUERIES : Math.min(concurrent, DEFAULT_CONCURRENT_QUERIES),
        plan.maxDimension,
        plan.maxResultsPerQuery,
        plan.maxBatchSize);
  }

  /** These quotas with the fields named in {@code patch} replaced (a null value there: unlimited). */
  public Quotas merge(QuotaPatch patch) {
    return new Quotas(
        patch.maxVectors().orElse(maxVectors),
        patch.maxStorageBytes().orElse(maxStorageBytes),
        patch.maxRequestsPerSecond().orElse(maxRequestsPerSecond),
        patch.maxConcurrentQueries().orElse(maxConcurrentQueries),
        patch.maxDimension().orElse(maxDimension),
        patch.maxResultsPerQuery().orElse(maxResultsPerQuery),
        patch.maxBatchSize().orElse(maxBatchSize));
  }
}
