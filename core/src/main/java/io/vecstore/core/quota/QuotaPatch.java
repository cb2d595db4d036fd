package io.vecstore.core.quota;

import java.util.Objects;

/**
 * A partial update of {@link Quotas}: each field is either absent (keep the current value) or
 * present with a value, where a present null means unlimited.
 */
public record QuotaPatch(
    Field<Long> maxVectors,
    Field<Long> maxStorageBytes,
    Field<Double> maxRequestsPerSecond,
    Field<Integer> maxConcurrentQueries,
    Field<Integer> maxDimension,
    Field<Integer> maxResultsPerQuery,
    Field<Integer> maxBatchSize) {

  public QuotaPatch {
    Objects.requireNonNull(maxVectors);
    Objects.requireNonNull(maxStorageBytes);
    Objects.requireNonNull(maxRequestsPerSecond);
    Objects.requireNonNull(maxConcurrentQueries);
    Objects.requireNonNull(maxDimension);
    Objects.requireNonNull(maxResultsPerQuery);
    Objects.requireNonNull(maxBatchSize);
  }

  /** One field of a patch: absent, or set to a value that may be null. */
  public sealed interface Field<T> {
    /** The patched value if present, else {@code current}. */
    T orElse(T current);

    static <T> Field<T> absent() {
      return new Absent<>();
    }

    static <T> Field<T> of(T value) {
      return new Present<>(value);
    }
  }

  record Absent<T>() implements Field<T> {
    @Override
    public T orElse(T current) {
      return current;
    }
  }

  record Present<T>(T value) implements Field<T> {
    @Override
    public T orElse(T current) {
      return value;
    }
  }
}
