package io.vecstore.core.quota;

import io.vecstore.core.WireNames;

/** Why a data request was turned away; the label of the rejection metric. */
public enum Rejection {
  STATUS,
  RATE_LIMIT,
  CONCURRENT_QUERIES,
  VECTOR_QUOTA,
  STORAGE_QUOTA,
  DIMENSION,
  RESULTS_PER_QUERY,
  BATCH_SIZE;

  /** Lower-case label value, e.g. {@code rate_limit}. */
  public String label() {
    return WireNames.of(this);
  }
}
