package io.vecstore.core.namespace;

import io.vecstore.core.index.Recovery;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.quota.Operation;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A namespace's cumulative request counters. They are saved in namespace.json (every second, when
 * they moved) and in every Lucene commit's user data, and reconciled from both after a crash.
 *
 * <p>Thread-safety: lock-free; safe for concurrent use.
 */
final class Counters {

  private static final String REQUESTS = "vecstore.total_requests";
  private static final String QUERIES = "vecstore.total_queries";
  private static final String UPSERTS = "vecstore.total_upserts";
  private static final String DELETES = "vecstore.total_deletes";

  private final AtomicLong requests;
  private final AtomicLong queries;
  private final AtomicLong upserts;
  private final AtomicLong deletes;

  Counters(Usage start) {
    this.requests = new AtomicLong(start.totalRequests());
    this.queries = new AtomicLong(start.totalQueries());
    this.upserts = new AtomicLong(start.totalUpserts());
    this.deletes = new AtomicLong(start.totalDeletes());
  }

  Usage usage() {
    return new Usage(requests.get(), queries.get(), upserts.get(), deletes.get());
  }

  /** Replaces the counters (a namespace moved here takes over its former owner's). */
  void set(Usage u) {
    requests.set(u.totalRequests());
    queries.set(u.totalQueries());
    upserts.set(u.totalUpserts());
    deletes.set(u.totalDeletes());
  }

  /** Adds requests counted elsewhere. */
  void add(Usage delta) {
    requests.addAndGet(delta.totalRequests());
    queries.addAndGet(delta.totalQueries());
    upserts.addAndGet(delta.totalUpserts());
    deletes.addAndGet(delta.totalDeletes());
  }

  /** Counts one admitted data request. */
  void count(Operation op) {
    requests.incrementAndGet();
    switch (op) {
      case QUERY -> queries.incrementAndGet();
      case UPSERT -> upserts.incrementAndGet();
      case DELETE -> deletes.incrementAndGet();
      case FETCH -> { }
    }
  }

  /** The counters as commit user data, so a commit and its counters always agree. */
  Map<String, String> commitData() {
    Usage u = usage();
    return Map.of(
        REQUESTS, Long.toString(u.totalRequests()),
        QUERIES, Long.toString(u.totalQueries()),
        UPSERTS, Long.toString(u.totalUpserts()),
        DELETES, Long.toString(u.totalDeletes()));
  }

  /**
   * After a crash namespace.json's counters may be older than the last commit's, and writes
   * after that commit come back from the log: the counters become the larger of the two views,
   * so upserts and deletes are exact and only queries and fetches of the last commit interval
   * can be missing.
   */
  void reconcile(Recovery r) {
    Map<String, String> c = r.commitData();
    raise(upserts, parse(c, UPSERTS) + r.replayedUpserts());
    raise(deletes, parse(c, DELETES) + r.replayedDeletes());
    raise(queries, parse(c, QUERIES));
    raise(requests, parse(c, REQUESTS) + r.replayedUpserts() + r.replayedDeletes());
  }

  private static long parse(Map<String, String> data, String key) {
    try {
      return Long.parseLong(data.getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void raise(AtomicLong counter, long atLeast) {
    counter.accumulateAndGet(atLeast, Math::max);
  }
}
