package io.vecstore.core.quota;

/** The kinds of data operation a namespace admits, for status rules, rate limits and counters. */
public enum Operation {
  QUERY,
  FETCH,
  UPSERT,
  DELETE
}
