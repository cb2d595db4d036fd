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
    requireNonNegative("max_vectors", maxVectors);
    requireNonNegative("max_storage_bytes", maxStorageBytes);
    if (maxRequestsPerSecond != null && !(maxRequestsPerSecond >= 0 && Double.isFinite(maxRequestsPerSecond))) {
      throw new InvalidRequestException(
          "max_requests_per_second must be a non-negative number, got: " + maxRequestsPerSecond);
    }
    requireNonNegative("max_concurrent_queries", maxConcurrentQueries);
    requireNonNegative("max_dimension", maxDimension);
    requireNonNegative("max_results_per_query", maxResultsPerQuery);
    requireNonNegative("max_batch_size", maxBatchSize);
  }

  private static void requireNonNegative(String name, Number value) {
    if (value != null && value.longValue() < 0) {
      throw new InvalidRequestException(name + " must be a non-negative integer, got: " + value);
    }
  }

  /** What a namespace created with neither tier nor quotas gets: pro, but 10 concurrent queries. */
  public static Quotas defaults() {
    Quotas pro = Tier.PRO.quotas();
    return new Quotas(
        pro.maxVectors,
        pro.maxStorageBytes,
        pro.maxRequestsPerSecond,
        10,
        pro.maxDimension,
        pro.maxResultsPerQuery,
        pro.maxBatchSize);
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
