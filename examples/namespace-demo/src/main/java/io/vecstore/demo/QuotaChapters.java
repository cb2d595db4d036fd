package io.vecstore.demo;

import io.vecstore.demo.Namespaces.Namespace;
import io.vecstore.demo.Namespaces.NewNamespace;
import io.vecstore.demo.Namespaces.Query;
import io.vecstore.demo.Namespaces.Stats;
import io.vecstore.demo.Namespaces.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The guide's "Resource Usage & Quotas": checking usage, each quota's enforcement, utilization. */
final class QuotaChapters {

  private final Tour tour;
  private final Story story;

  QuotaChapters(Tour tour) {
    this.tour = tour;
    this.story = tour.story;
  }

  void checkingUsage() {
    String c123 = tour.id("customer-123");
    story.call("let stats = manager.get_stats(\"" + c123 + "\")");
    Stats s = tour.api.stats(c123);
    Namespace ns = tour.api.get(c123);
    story.result("Namespace: " + s.namespaceId());
    story.result("Vectors: " + s.vectorCount() + " / " + ns.quotas().maxVectors());
    story.result("Active: " + s.activeCount());
    story.result("Deleted: " + s.deletedCount());
    story.result("Quota Utilization: " + Tour.percent(s.quotaUtilization()));
    story.result("Total Requests: " + s.totalRequests());
    story.result("Total Queries: " + s.totalQueries());
    story.result("Total Upserts: " + s.totalUpserts());
    story.result("Total Deletes: " + s.totalDeletes());
    story.result("Status: " + s.status().wireName());
    Tour.Admitted a = tour.admitted(c123);
    story.check(s.vectorCount() == 2 && s.activeCount() == 2, "2 vectors: doc1 and doc2 (doc3 was deleted)");
    story.check(s.totalUpserts() == a.upserts.sum() && s.totalQueries() == a.queries.sum()
        && s.totalDeletes() == a.deletes.sum() && s.totalRequests() == a.requests(),
        "the counters count exactly the admitted requests; the rejected ones (status) are not counted");
  }

  void vectorCount() {
    String id = tour.id("project-vector-quota");
    story.call("create_namespace(\"" + id + "\", …, quotas { max_vectors: Some(10_000), rest None })");
    tour.create(new NewNamespace(id, "Vector quota", null, Namespaces.quotas("max_vectors", 10_000), null));
    story.call("upsert 10,000 vectors (3 dimensions) in 10 batches of 1,000");
    for (int b = 0; b < 10; b++) {
      tour.upsert(id, tour.randomVectors("v", b * 1000, 1000, 3));
    }
    story.result(tour.api.get(id).vectorCount() + " vectors");
    story.call("manager.upsert(\"" + id + "\", \"v10000\", vector, metadata)   // one more");
    ApiException e = story.expectError(403, "quota_exceeded", "Upsert would exceed vector quota: 10000 + 1 > 10000",
        () -> tour.upsert(id, tour.randomVectors("v", 10_000, 1, 3)));
    tour.errors.put("vector quota", e);
    story.check(tour.api.get(id).vectorCount() == 10_000, "nothing was written: still 10000 vectors");
    story.call("upsert(\"" + id + "\", \"v0\", new values)   // an existing id, at full quota");
    tour.upsert(id, tour.randomVectors("v", 0, 1, 3));
    story.check(tour.api.get(id).vectorCount() == 10_000, "updating an existing id at full quota succeeds (README)");
    story.call("query(\"" + id + "\", k: 3)   // at full quota");
    story.result(tour.query(id, new Query(new float[] {0.1f, 0.2f, 0.3f}, 3, null)).size() + " results");
    story.check(true, "a full namespace still answers queries (README)");
  }

  static final long MIB = 1024 * 1024;
  private static final Pattern STORAGE = Pattern.compile("Storage quota exceeded: (\\d+) / 1048576 bytes");

  void storage() {
    String id = tour.id("project-storage-quota");
    story.call("create_namespace(\"" + id + "\", …, quotas { max_storage_bytes: Some(1024 * 1024), rest None })");
    tour.create(new NewNamespace(id, "Storage quota", null, Namespaces.quotas("max_storage_bytes", MIB), null));
    story.call("upsert 100 vectors of 384 dimensions");
    tour.upsert(id, tour.randomVectors("s", 0, 100, 384));
    Stats s = tour.api.stats(id);
    story.result("storage_bytes " + s.storageBytes() + " of 1048576 (" + Tour.percent(s.quotaUtilization()) + ")");
    story.call("upsert 500 more   // checked during upsert: current usage + the batch's estimated size");
    ApiException e = story.expectError(403, "quota_exceeded", STORAGE, "Storage quota exceeded: <bytes> / 1048576 bytes",
        () -> tour.upsert(id, tour.randomVectors("s", 100, 500, 384)));
    tour.errors.put("storage quota", e);
    Matcher m = e == null ? null : STORAGE.matcher(e.getMessage());
    story.check(m != null && m.matches() && Long.parseLong(m.group(1)) > MIB, "the bytes named are over the quota");
    story.check(tour.api.stats(id).vectorCount() == 100, "nothing was written: still 100 vectors");
  }

  /** Best Practice 3's reaction too: back off 100 ms and retry. */
  void rateLimit() {
    String id = tour.id("org-free-trial");
    Query q = new Query(new float[] {0.1f, 0.2f, 0.3f}, 5, null);
    story.call("query(\"" + id + "\") again and again   // free tier: 10 requests/second, a sliding window");
    AtomicInteger admitted = new AtomicInteger();
    ApiException e = story.expectError(429, "rate_limited", "Rate limit exceeded: 10 requests/second", () -> {
      for (int i = 0; i < 200; i++) {
        tour.query(id, q);
        admitted.incrementAndGet();
      }
    });
    tour.errors.put("rate limit", e);
    story.result(admitted.get() + " requests admitted before it");
    story.check(admitted.get() <= 10, "no more than 10 requests were admitted in the window");
    story.check(e != null && e.retryAfterSeconds() >= 1, "the rejection says when to retry (Retry-After)");
    story.call("std::thread::sleep(Duration::from_millis(100)); retry…   // Best Practices 3");
    int retries = 0;
    while (true) {
      sleep(100);
      retries++;
      try {
        tour.query(id, q);
        break;
      } catch (ApiException again) {
        if (!again.code().equals("rate_limited") || retries >= 30) {
          throw again;
        }
      }
    }
    story.result("admitted again after " + retries + " backoff(s) of 100 ms");
    story.check(true, "once the window slides on, requests are admitted again");
  }

  private static final int AT_ONCE = 16;
  private static final int MAX_ROUNDS = 20;

  /**
   * Queries at once, right after a write: each query first makes the write searchable (a refresh,
   * which queries take turns at) while holding its slot, so more than 5 are in flight together.
   */
  void concurrentQueries() {
    String id = tour.id("project-busy");
    story.call("create_namespace(\"" + id + "\", …, quotas { max_concurrent_queries: Some(5), rest None })");
    tour.create(new NewNamespace(id, "Busy", null, Namespaces.quotas("max_concurrent_queries", 5), null));
    tour.upsert(id, tour.randomVectors("b", 0, 1000, 64));
    story.call(AT_ONCE + " queries at once, in rounds after a write, until one is turned away");
    ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE, named("demo-query-"));
    List<String> rounds = new ArrayList<>();
    List<ApiException> others = new ArrayList<>();
    try {
      story.expectError(429, "too_many_concurrent_queries", "Concurrent query limit exceeded: 5 / 5", () -> {
        for (int round = 1; round <= MAX_ROUNDS; round++) {
          tour.upsert(id, tour.randomVectors("b", 1000 + round * 10, 10, 64));
          ApiException rejected = burst(pool, id, rounds, others);
          if (rejected != null) {
            throw rejected;
          }
        }
      });
    } finally {
      pool.shutdownNow();
    }
    story.result(String.join("; ", rounds));
    story.check(others.isEmpty(), "every query was answered or turned away for the slot limit, nothing else");
    story.call("query(\"" + id + "\") alone");
    story.result(tour.query(id, new Query(tour.randomVector(64), 3, null)).size() + " results");
    story.check(true, "slots are given back: a query on its own is answered");
  }

  /** One round: {@link #AT_ONCE} queries released together; returns the first slot rejection or null. */
  private ApiException burst(ExecutorService pool, String id, List<String> rounds, List<ApiException> others) {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      float[] v = tour.randomVector(64);
      futures.add(pool.submit(() -> {
        go.await();
        return tour.query(id, new Query(v, 10, null));
      }));
    }
    go.countDown();
    int answered = 0;
    ApiException first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
        answered++;
      } catch (java.util.concurrent.ExecutionException ex) {
        if (ex.getCause() instanceof ApiException a && a.code().equals("too_many_concurrent_queries")) {
          first = first == null ? a : first;
        } else if (ex.getCause() instanceof ApiException a) {
          others.add(a);
        } else {
          throw new IllegalStateException(ex.getCause());
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
    }
    rounds.add("round " + (rounds.size() + 1) + ": " + answered + " answered, " + (AT_ONCE - answered) + " turned away");
    return first;
  }

  void resultSize() {
    String c123 = tour.id("customer-123");
    story.call("manager.query(\"" + c123 + "\", Query { vector: vec![0.1, 0.2], k: 5000, filter: None })   // pro: at most 1000");
    story.expectError(400, "limit_exceeded", "Query limit exceeds maximum: 5000 > 1000",
        () -> tour.query(c123, new Query(new float[] {0.1f, 0.2f}, 5000, null)));
  }

  void batchSize() {
    String c123 = tour.id("customer-123");
    story.call("upsert 2000 vectors in one batch to \"" + c123 + "\"   // at most 1000");
    story.expectError(400, "limit_exceeded", "Batch size exceeds limit: 2000 > 1000",
        () -> tour.upsert(c123, tour.randomVectors("batch", 0, 2000, 3)));
    story.check(tour.api.get(c123).vectorCount() == 2, "nothing was written");
  }

  void dimension() {
    String id = tour.id("org-free-trial");
    story.note("the guide lists max_dimension among the quotas but shows no error for it; README gives this one");
    story.call("upsert(\"" + id + "\", a 2048-dimensional vector)   // free: at most 1536");
    story.expectError(400, "limit_exceeded", "Dimension exceeds maximum: 2048 > 1536",
        () -> tour.upsert(id, tour.randomVectors("wide", 0, 1, 2048)));
  }

  /** The guide's example: 90% of the vectors and a little of the storage gives 0.9. */
  void utilization() {
    String id = tour.id("project-utilization");
    story.call("create_namespace(\"" + id + "\", …, quotas { max_vectors: Some(10), max_storage_bytes: Some(10 MiB) })");
    tour.create(new NewNamespace(id, "Utilization", null,
        Namespaces.quotas("max_vectors", 10, "max_storage_bytes", 10 * MIB), null));
    tour.upsert(id, tour.randomVectors("u", 0, 9, 3));
    story.call("let namespace = manager.get_namespace(\"" + id + "\")");
    Namespace ns = tour.api.get(id);
    double vectors = ns.vectorCount() / (double) ns.quotas().maxVectors();
    double storage = ns.storageBytes() / (double) ns.quotas().maxStorageBytes();
    story.result("vectors " + ns.vectorCount() + " / 10 = " + Tour.percent(vectors) + ", storage " + ns.storageBytes()
        + " / 10485760 = " + Tour.percent(storage) + ", quota_utilization " + ns.quotaUtilization());
    story.check(ns.quotaUtilization() == Math.max(vectors, storage) && ns.quotaUtilization() == 0.9,
        "quota utilization is the maximum over the quota types: 0.9");
    if (ns.nearQuota()) {
      story.result("Warning: Namespace is near quota limits (>80%)");
    }
    story.check(ns.nearQuota(), "is_near_quota above 80%");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
