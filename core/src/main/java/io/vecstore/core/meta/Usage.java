package io.vecstore.core.meta;

/** Counters of admitted data operations; persisted in namespace.json. */
public record Usage(long totalRequests, long totalQueries, long totalUpserts, long totalDeletes) {
  public static final Usage ZERO = new Usage(0, 0, 0, 0);
}
