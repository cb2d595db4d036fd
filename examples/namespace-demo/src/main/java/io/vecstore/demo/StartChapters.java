package io.vecstore.demo;

import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.Quotas;
import io.vecstore.demo.Namespaces.Hit;
import io.vecstore.demo.Namespaces.Namespace;
import io.vecstore.demo.Namespaces.NewNamespace;
import io.vecstore.demo.Namespaces.Query;
import io.vecstore.demo.Namespaces.Vector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The guide's "Quick Start", "Quota Tiers" and "Namespace Status". */
final class StartChapters {

  private final Tour tour;
  private final Story story;

  StartChapters(Tour tour) {
    this.tour = tour;
    this.story = tour.story;
  }

  /** README: with neither tier nor quotas a namespace gets pro, but 10 concurrent queries. */
  static final Quotas DEFAULTS = new Quotas(1_000_000L, 10L * 1024 * 1024 * 1024, 100.0, 10, 4096, 1000, 1000);

  void creating() {
    String c123 = tour.id("customer-123");
    story.call("manager.create_namespace(\"" + c123 + "\", \"Customer 123 Workspace\", None)");
    Namespace ns = tour.create(NewNamespace.of(c123, "Customer 123 Workspace"));
    story.result(ns.status().wireName() + ", quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.status() == NamespaceStatus.ACTIVE, "a new namespace is active");
    story.check(ns.quotas().equals(DEFAULTS), "default quotas: the pro tier with 10 concurrent queries (README)");

    String premium = tour.id("premium-customer");
    story.call("manager.create_namespace(\"" + premium + "\", \"Premium Customer\", Some(quotas))   // the guide's 7 custom quotas");
    ns = tour.create(new NewNamespace(premium, "Premium Customer", null, Namespaces.allOf(GuideQuotas.PREMIUM), null));
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(GuideQuotas.PREMIUM), "custom quotas exactly as given");
  }

  /** doc1 is the guide's; doc2 and doc3 give the filter something to keep out and in. */
  void using() {
    String c123 = tour.id("customer-123");
    List<Vector> docs = List.of(
        new Vector("doc1", new float[] {0.1f, 0.2f, 0.3f}, Tour.meta("title", "Document 1", "category", "tech")),
        new Vector("doc2", new float[] {0.3f, 0.2f, 0.1f}, Tour.meta("title", "Document 2", "category", "food")),
        new Vector("doc3", new float[] {0.2f, 0.1f, 0.4f}, Tour.meta("title", "Document 3", "category", "tech")));
    for (Vector d : docs) {
      story.call("manager.upsert(\"" + c123 + "\", \"" + d.id() + "\", vec!" + Tour.vector(d.values()) + ", "
          + Tour.json(d.metadata()) + ")");
      long n = tour.upsert(c123, List.of(d));
      story.result("upserted " + n);
    }
    float[] q = {0.15f, 0.25f, 0.35f};
    story.call("manager.query(\"" + c123 + "\", Query { vector: vec!" + Tour.vector(q)
        + ", k: 10, filter: Some(\"category = 'tech'\") })");
    List<Hit> hits = tour.query(c123, new Query(q, 10, "category = 'tech'"));
    List<String> ids = new ArrayList<>();
    boolean exact = true;
    for (Hit h : hits) {
      story.result(String.format(Locale.ROOT, "%s: %.4f   (score %.4f, metadata %s)", h.id(), h.distance(), h.score(),
          h.metadata()));
      ids.add(h.id());
      float[] stored = docs.stream().filter(d -> d.id().equals(h.id())).findFirst().orElseThrow().values();
      exact &= Math.abs(h.distance() - (1 - cosine(q, stored))) < 1e-6;
    }
    story.check(ids.equals(List.of("doc1", "doc3")), "the filter keeps only the tech documents, nearest first");
    story.check(exact, "distance is the cosine distance 1 - cos (README: lower is better)");
  }

  void tiers() {
    tier("org-free-trial", "free", "NamespaceQuotas::free_tier()", GuideQuotas.FREE);
    tier("org-pro-workload", "pro", "NamespaceQuotas::pro_tier()", GuideQuotas.PRO);
    tier("org-enterprise-admin", "unlimited", "NamespaceQuotas::unlimited()", GuideQuotas.UNLIMITED);
    String custom = tour.id("project-custom-quotas");
    story.call("create_namespace(\"" + custom + "\", …, Some(NamespaceQuotas { max_vectors: Some(100_000), "
        + "max_requests_per_second: None, max_dimension: Some(768), … }))");
    Namespace ns = tour.create(new NewNamespace(custom, "Custom Quotas", null, Namespaces.allOf(GuideQuotas.CUSTOM), null));
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(GuideQuotas.CUSTOM), "custom quotas as the guide mixes them (None = no rate limit)");
  }

  private void tier(String name, String tier, String guideCall, Quotas guide) {
    String id = tour.id(name);
    story.call("create_namespace(\"" + id + "\", …, Some(" + guideCall + "))   // REST/core: \"tier\": \"" + tier + "\"");
    Namespace ns = tour.create(new NewNamespace(id, name, tier, null, null));
    story.result("quotas: " + GuideQuotas.show(ns.quotas()));
    story.check(ns.quotas().equals(guide), "the " + tier + " tier has exactly the guide's quotas");
  }

  void statuses() {
    String c123 = tour.id("customer-123");
    float[] q = {0.1f, 0.2f, 0.3f};
    Query query = new Query(q, 3, null);
    List<Vector> doc4 = List.of(new Vector("doc4", new float[] {0.4f, 0.3f, 0.2f}, Map.of("category", "tech")));

    setStatus(c123, NamespaceStatus.ACTIVE, "Active");
    story.call("query(\"" + c123 + "\")");
    story.result(tour.query(c123, query).size() + " results");
    story.check(true, "active: queries are answered");

    setStatus(c123, NamespaceStatus.SUSPENDED, "Suspended");
    story.call("query(\"" + c123 + "\")");
    story.expectError(403, "namespace_suspended", "Namespace is suspended: query rejected (" + c123 + ")",
        () -> tour.query(c123, query));
    story.call("upsert(\"" + c123 + "\", \"doc4\", …)");
    story.expectError(403, "namespace_suspended", "Namespace is suspended: upsert rejected (" + c123 + ")",
        () -> tour.upsert(c123, doc4));
    story.check(tour.api.get(c123).status() == NamespaceStatus.SUSPENDED, "admin calls still work while suspended");

    setStatus(c123, NamespaceStatus.READ_ONLY, "ReadOnly");
    story.call("query(\"" + c123 + "\")");
    story.result(tour.query(c123, query).size() + " results");
    story.check(true, "read-only: queries are answered");
    story.call("upsert(\"" + c123 + "\", \"doc4\", …)");
    story.expectError(403, "namespace_read_only", "Namespace is read-only: upsert rejected (" + c123 + ")",
        () -> tour.upsert(c123, doc4));

    setStatus(c123, NamespaceStatus.PENDING_DELETION, "PendingDeletion");
    story.call("query(\"" + c123 + "\")");
    story.expectError(403, "namespace_pending_deletion",
        "Namespace is pending deletion: query rejected, only vector deletes are allowed (" + c123 + ")",
        () -> tour.query(c123, query));
    story.call("remove(\"" + c123 + "\", \"doc3\")   // a delete operation");
    tour.deleteVector(c123, "doc3");
    story.result("deleted doc3");
    story.check(true, "pending deletion: only delete operations are allowed");
    story.note("the guide deletes the namespace now; the story keeps it and deletes it under Best Practices 4");

    setStatus(c123, NamespaceStatus.ACTIVE, "Active");
  }

  private void setStatus(String id, NamespaceStatus status, String guideName) {
    story.call("manager.update_status(\"" + id + "\", NamespaceStatus::" + guideName + ")");
    Namespace ns = tour.api.updateStatus(id, status);
    story.result("status " + ns.status().wireName());
    story.check(ns.status() == status, "status is now " + status.wireName());
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
