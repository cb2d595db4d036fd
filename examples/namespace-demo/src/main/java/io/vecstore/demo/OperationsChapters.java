package io.vecstore.demo;

import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.Quotas;
import io.vecstore.demo.Namespaces.Aggregate;
import io.vecstore.demo.Namespaces.Hit;
import io.vecstore.demo.Namespaces.Namespace;
import io.vecstore.demo.Namespaces.NewNamespace;
import io.vecstore.demo.Namespaces.Query;
import io.vecstore.demo.Namespaces.Stats;
import io.vecstore.demo.Namespaces.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The guide's "Admin API", "Persistence & Recovery", "Multi-Tenancy Patterns" and "Monitoring & Observability". */
final class OperationsChapters {

  private final Tour tour;
  private final Story story;

  OperationsChapters(Tour tour) {
    this.tour = tour;
    this.story = tour.story;
  }

  void adminApi() {
    String c456 = tour.id("customer-456");
    story.call("POST /admin/namespaces {\"id\": \"" + c456 + "\", \"name\": \"Customer 456\", \"quotas\": "
        + "{\"max_vectors\": 50000, \"max_storage_bytes\": 524288000, \"max_requests_per_second\": 50.0}}");
    Namespace ns = tour.create(new NewNamespace(c456, "Customer 456", null,
        Namespaces.quotas("max_vectors", 50_000, "max_storage_bytes", 524_288_000L, "max_requests_per_second", 50.0), null));
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(new Quotas(50_000L, 524_288_000L, 50.0, null, null, null, null)),
        "the three quotas given, the four not given unlimited (README)");

    story.call("GET /admin/namespaces");
    List<String> ids = tour.api.list().stream().map(Namespace::id).toList();
    List<String> ours = ids.stream().filter(Set.copyOf(tour.created())::contains).toList();
    story.result(ours.size() + " of the story's namespaces: " + String.join(", ", ours));
    story.check(Set.copyOf(ids).containsAll(tour.created()) && ids.equals(ids.stream().sorted().toList()),
        "every namespace created so far is listed, sorted by id");

    String c123 = tour.id("customer-123");
    story.call("GET /admin/namespaces/" + c123);
    Namespace before = tour.api.get(c123);
    story.result(before.name() + ", " + before.status().wireName() + ", " + before.vectorCount() + " vectors, quotas: "
        + GuideQuotas.show(before.quotas()));

    story.call("PUT /admin/namespaces/" + c123 + "/quotas {\"max_vectors\": 100000, \"max_storage_bytes\": 1073741824}");
    Namespace after = tour.api.updateQuotas(c123, Namespaces.quotas("max_vectors", 100_000, "max_storage_bytes", 1_073_741_824L));
    story.result("quotas: " + GuideQuotas.show(after.quotas()));
    Quotas b = before.quotas();
    story.check(after.quotas().equals(new Quotas(100_000L, 1_073_741_824L, b.maxRequestsPerSecond(),
        b.maxConcurrentQueries(), b.maxDimension(), b.maxResultsPerQuery(), b.maxBatchSize())),
        "the two quotas sent changed, the other five were kept (PUT merges)");

    story.call("GET /admin/namespaces/" + c123 + "/stats");
    Stats s = tour.api.stats(c123);
    story.result(s.vectorCount() + " vectors, " + s.totalRequests() + " requests, status " + s.status().wireName());
    story.note("DELETE /admin/namespaces/{id} closes the story (Best Practices 4); GET /admin/stats is under Monitoring");
  }

  void persistence() {
    int before = tour.api.list().size();
    String c123 = tour.id("customer-123");
    Stats statsBefore = tour.api.stats(c123);
    story.call("// the process restarts: let manager = NamespaceManager::new(dir); manager.load_namespaces()");
    Optional<Integer> loaded = tour.api.restart();
    if (loaded.isEmpty()) {
      story.note("skipped over REST: restarting the server is the operator's job; the server loads every namespace at start");
      return;
    }
    story.result("Loaded " + loaded.get() + " namespaces");
    story.check(loaded.get() == before, "every namespace is loaded again");
    Stats statsAfter = tour.api.stats(c123);
    story.check(statsAfter.vectorCount() == statsBefore.vectorCount()
        && statsAfter.totalRequests() == statsBefore.totalRequests()
        && statsAfter.totalQueries() == statsBefore.totalQueries()
        && statsAfter.totalUpserts() == statsBefore.totalUpserts()
        && statsAfter.totalDeletes() == statsBefore.totalDeletes()
        && statsAfter.status() == statsBefore.status(), "vectors, usage counters and status survive the restart");
    story.note("save_all() has no counterpart: quotas, status and counters are saved as they change");
  }

  void patterns() {
    String customer = tour.id("customer-550e8400-e29b-41d4-a716-446655440000");
    story.call("// Pattern 1, on customer signup: create_namespace(customer.id, customer.name, Some(free_tier()))");
    Namespace ns = tour.create(new NewNamespace(customer, "Customer 550e8400", "free", null, null));
    story.check(ns.quotas().equals(GuideQuotas.FREE), "the new customer starts on the free tier");
    story.call("// on customer upgrade: manager.update_quotas(&customer.id, NamespaceQuotas::pro_tier())"
        + " -- a plan change here: PUT /admin/namespaces/{id}/plan {\"plan\":\"pro\",\"reset_quotas\":true}");
    ns = tour.api.changePlan(customer, "pro");
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(GuideQuotas.PRO), "after the upgrade the customer has the pro tier's quotas");

    story.call("// Pattern 2: create_namespace(\"dev\" | \"staging\" | \"production\", …, None); the same vector id in each");
    for (String env : List.of("dev", "staging", "production")) {
      String id = tour.id(env);
      tour.create(NewNamespace.of(id, env.substring(0, 1).toUpperCase() + env.substring(1)));
      tour.upsert(id, List.of(new Vector("config", new float[] {0.5f, 0.5f, 0.5f}, Map.of("env", env))));
    }
    boolean isolated = true;
    for (String env : List.of("dev", "staging", "production")) {
      List<Hit> hits = tour.query(tour.id(env), new Query(new float[] {0.5f, 0.5f, 0.5f}, 10, null));
      story.result(tour.id(env) + ": " + hits.size() + " result, env = " + hits.get(0).metadata().path("env").asText());
      isolated &= hits.size() == 1 && hits.get(0).metadata().path("env").asText().equals(env);
    }
    story.check(isolated, "each environment sees only its own vectors");

    story.call("// Pattern 3: let namespace_id = if user.has_beta_access() { \"beta-features\" } else { \"stable\" }");
    for (String variant : List.of("beta-features", "stable")) {
      String id = tour.id(variant);
      tour.create(NewNamespace.of(id, variant));
      tour.upsert(id, List.of(new Vector("feature", new float[] {0.3f, 0.1f, 0.2f}, Map.of("variant", variant))));
    }
    boolean hasBetaAccess = true;
    String routed = tour.id(hasBetaAccess ? "beta-features" : "stable");
    List<Hit> hits = tour.query(routed, new Query(new float[] {0.3f, 0.1f, 0.2f}, 10, null));
    story.result("a beta user's query went to " + routed + ": variant = " + hits.get(0).metadata().path("variant").asText());
    story.check(hits.size() == 1 && hits.get(0).metadata().path("variant").asText().equals("beta-features"),
        "the flag picks the namespace, and only its vectors answer");

    story.call("// Pattern 4: Tier::Enterprise => manager.update_quotas(&customer.id, NamespaceQuotas::unlimited())"
        + " -- a plan change: PUT /admin/namespaces/{id}/plan {\"plan\":\"unlimited\",\"reset_quotas\":true}");
    ns = tour.api.changePlan(customer, "unlimited");
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(GuideQuotas.UNLIMITED), "an enterprise customer has no limits (a null quota is unlimited)");
    story.note("a tier on update is a plan change: the quotas become the plan's, and a plan's ceilings hold from then on");
  }

  void monitoring() {
    story.call("let stats = manager.get_aggregate_stats()");
    Aggregate a = tour.api.aggregateStats();
    List<Namespace> all = tour.api.list();
    story.result("Total Namespaces: " + a.totalNamespaces());
    story.result("Active Namespaces: " + a.activeNamespaces());
    story.result("Total Vectors: " + a.totalVectors());
    story.result("Total Requests: " + a.totalRequests());
    story.check(a.totalNamespaces() == all.size()
        && a.activeNamespaces() == all.stream().filter(n -> n.status() == NamespaceStatus.ACTIVE).count()
        && a.totalVectors() == all.stream().mapToLong(Namespace::vectorCount).sum(),
        "the aggregate agrees with the namespaces listed");

    story.call("for namespace in manager.list_namespaces() { let stats = manager.get_stats(&namespace.id)?; … }");
    Set<String> ours = Set.copyOf(tour.created());
    boolean counted = true;
    List<String> off = new ArrayList<>();
    for (Namespace ns : all) {
      if (!ours.contains(ns.id())) {
        continue; // a server may hold namespaces of others
      }
      Stats s = tour.api.stats(ns.id());
      story.result(String.format(java.util.Locale.ROOT, "%s: %d vectors, %.1f%% utilization", ns.name(), s.vectorCount(),
          s.quotaUtilization() * 100));
      if (s.totalRequests() != tour.admitted(ns.id()).requests()) {
        counted = false;
        off.add(ns.id() + " counts " + s.totalRequests() + ", admitted " + tour.admitted(ns.id()).requests());
      }
    }
    if (!counted) {
      story.result(String.join("; ", off));
    }
    story.check(counted, "every namespace's total_requests is exactly the data requests it admitted");

    story.call("GET /metrics   // Prometheus, server mode");
    Optional<String> metrics = tour.api.metricsText();
    if (metrics.isEmpty()) {
      story.note("skipped in embedded mode: Prometheus metrics are the server's");
      return;
    }
    String c123 = tour.id("customer-123");
    List<String> lines = metrics.get().lines().filter(l -> l.contains("namespace=\"" + c123 + "\"")).toList();
    boolean all4 = true;
    for (String name : List.of("vecstore_namespace_vector_count", "vecstore_namespace_quota_utilization",
        "vecstore_namespace_requests_total", "vecstore_namespace_queries_total")) {
      Optional<String> line = lines.stream().filter(l -> l.startsWith(name + "{")).findFirst();
      story.result(line.orElse(name + " (missing)"));
      all4 &= line.isPresent();
    }
    story.check(all4, "the guide's four per-namespace metrics are exported");
  }
}
