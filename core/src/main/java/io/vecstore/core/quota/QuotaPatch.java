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

  /**
   * A patch from values by quota: a field not in {@code values} is absent, a field mapped to null
   * becomes unlimited. Each value must already be of its field's {@link QuotaField.Kind}.
   */
  public static QuotaPatch of(java.util.Map<QuotaField, ? extends Number> values) {
    return new QuotaPatch(
        field(values, QuotaField.MAX_VECTORS, Long.class),
        field(values, QuotaField.MAX_STORAGE_BYTES, Long.class),
        field(values, QuotaField.MAX_REQUESTS_PER_SECOND, Double.class),
        field(values, QuotaField.MAX_CONCURRENT_QUERIES, Integer.class),
        field(values, QuotaField.MAX_DIMENSION, Integer.class),
        field(values, QuotaField.MAX_RESULTS_PER_QUERY, Integer.class),
        field(values, QuotaField.MAX_BATCH_SIZE, Integer.class));
  }

  private static <T> Field<T> field(java.util.Map<QuotaField, ? extends Number> values, QuotaField f, Class<T> type) {
    return values.containsKey(f) ? Field.of(type.cast(values.get(f))) : Field.absent();
  }

  /** The fields this patch sets, by quota, in {@link QuotaField} order; a null value is unlimited. */
  public java.util.Map<QuotaField, Number> values() {
    java.util.Map<QuotaField, Number> out = new java.util.EnumMap<>(QuotaField.class);
    Quotas probe = Quotas.UNLIMITED.merge(this);
    for (QuotaField f : QuotaField.values()) {
      if (present(f)) {
        out.put(f, f.of(probe));
      }
    }
    return out;
  }

  /** Whether this patch sets {@code f}. */
  public boolean present(QuotaField f) {
    Field<?> field = switch (f) {
      case MAX_VECTORS -> maxVectors;
      case MAX_STORAGE_BYTES -> maxStorageBytes;
      case MAX_REQUESTS_PER_SECOND -> maxRequestsPerSecond;
      case MAX_CONCURRENT_QUERIES -> maxConcurrentQueries;
      case MAX_DIMENSION -> maxDimension;
      case MAX_RESULTS_PER_QUERY -> maxResultsPerQuery;
      case MAX_BATCH_SIZE -> maxBatchSize;
    };
    return field instanceof Present<?>;
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
