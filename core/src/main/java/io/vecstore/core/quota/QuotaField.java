package io.vecstore.core.quota;

import io.vecstore.core.WireNames;

/**
 * The seven quotas by their wire names ({@code max_vectors}, …), in the order every JSON shape
 * lists them: the one table that REST bodies, responses and namespace.json read their names from.
 */
public enum QuotaField {
  MAX_VECTORS(Kind.LONG),
  MAX_STORAGE_BYTES(Kind.LONG),
  MAX_REQUESTS_PER_SECOND(Kind.NUMBER),
  MAX_CONCURRENT_QUERIES(Kind.INT),
  MAX_DIMENSION(Kind.INT),
  MAX_RESULTS_PER_QUERY(Kind.INT),
  MAX_BATCH_SIZE(Kind.INT);

  /** What a quota's value is: a 64-bit integer, a 32-bit integer, or any non-negative number. */
  public enum Kind { LONG, INT, NUMBER }

  private final Kind kind;

  QuotaField(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public String wireName() {
    return WireNames.of(this);
  }

  /** This quota's value in {@code quotas}; null means unlimited. */
  public Number of(Quotas quotas) {
    return switch (this) {
      case MAX_VECTORS -> quotas.maxVectors();
      case MAX_STORAGE_BYTES -> quotas.maxStorageBytes();
      case MAX_REQUESTS_PER_SECOND -> quotas.maxRequestsPerSecond();
      case MAX_CONCURRENT_QUERIES -> quotas.maxConcurrentQueries();
      case MAX_DIMENSION -> quotas.maxDimension();
      case MAX_RESULTS_PER_QUERY -> quotas.maxResultsPerQuery();
      case MAX_BATCH_SIZE -> quotas.maxBatchSize();
    };
  }
}
