package io.vecstore.demo;

import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.demo.Namespaces.Namespace;
import io.vecstore.demo.Namespaces.NewNamespace;
import io.vecstore.demo.Namespaces.Query;
import io.vecstore.demo.Namespaces.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The guide's "Best Practices", "Advanced Topics" and "Troubleshooting", then the clean-up. */
final class PracticeChapters {

  private final Tour tour;
  private final Story story;

  PracticeChapters(Tour tour) {
    this.tour = tour;
    this.story = tour.story;
  }

  void bestPractices() {
    story.call("// 2. Set appropriate quotas: warn above 70%, suggest an upgrade above 90%");
    Set<String> ours = Set.copyOf(tour.created());
    List<String> upgrade = new ArrayList<>();
    for (Namespace ns : tour.api.list()) {
      if (!ours.contains(ns.id())) {
        continue;
      }
      if (ns.quotaUtilization() > 0.9) {
        story.result(ns.id() + " at " + Tour.percent(ns.quotaUtilization()) + ": suggest upgrade or send notification");
        upgrade.add(ns.id());
      } else if (ns.quotaUtilization() > 0.7) {
        story.result(ns.id() + " at " + Tour.percent(ns.quotaUtilization()) + ": warn customer they're approaching limits");
      }
    }
    story.check(upgrade.contains(tour.id("project-vector-quota")), "the full namespace is flagged for an upgrade");

    story.call("// 3. Handle quota errors gracefully: branch on the error");
    for (Map.Entry<String, ApiException> e : tour.errors.entrySet()) {
      ApiException error = e.getValue();
      if (error == null) {
        continue;
      }
      String reaction = switch (error.code()) {
        case "quota_exceeded" -> "show \"Storage limit reached. Please upgrade your plan.\"";
        case "rate_limited" -> "back off " + error.retryAfterSeconds() + " s (Retry-After) and retry";
        default -> "return the error";
      };
      story.result(e.getKey() + " (" + error.code() + "): " + reaction);
    }
    story.note("the guide matches message text (\"quota exceeded\"); the vector quota's message (\"Upsert would exceed "
        + "vector quota: …\") does not contain it. Clients branch on the stable code instead, as README says");
    story.check(tour.errors.values().stream().allMatch(e -> e != null && !e.code().isEmpty()),
        "every quota error carries a stable code to branch on");

    String c123 = tour.id("customer-123");
    story.call("// 4. Soft deletes: manager.update_status(\"" + c123 + "\", NamespaceStatus::PendingDeletion)");
    Namespace ns = tour.api.updateStatus(c123, NamespaceStatus.PENDING_DELETION);
    story.result("status " + ns.status().wireName());
    story.note("VecStore deletes a pending_deletion namespace by itself when the grace period ends (--deletion-grace-hours, "
        + "default 7 days); setting it active before then keeps it");
    story.call("manager.delete_namespace(\"" + c123 + "\")   // after the grace period");
    tour.api.delete(c123);
    tour.deleted(c123);
    story.result("deleted");
    story.check(tour.api.list().stream().noneMatch(n -> n.id().equals(c123)), "the namespace is gone");

    story.call("// 6. Monitor quota utilization: if namespace.is_near_quota() { send_notification(…) }");
    List<String> near = new ArrayList<>();
    for (Namespace n : tour.api.list()) {
      if (Set.copyOf(tour.created()).contains(n.id()) && n.nearQuota()) {
        story.result("send_notification(" + n.id() + ", \"Approaching quota limits\")");
        near.add(n.id());
      }
    }
    story.check(near.contains(tour.id("project-vector-quota")) && near.contains(tour.id("project-utilization")),
        "the namespaces above 80% are the ones notified");
    story.note("1. meaningful ids: the story's ids follow it; 5. backups: see README \"Snapshots\" "
        + "(POST /admin/namespaces/{id}/snapshots)");
  }

  void advanced() {
    story.call("// Custom Quota Validation: validate_for_tier(\"free\")");
    story.note("user code in the guide; server-side plans with ceilings are another part of issue 25, not shown here");

    String id = tour.id("project-utilization");
    story.call("// Dynamic Quota Adjustment: if stats.quota_utilization > 0.85 { max_vectors *= 1.5 }");
    Stats s = tour.api.stats(id);
    Namespace ns = tour.api.get(id);
    story.result("quota_utilization " + s.quotaUtilization());
    if (s.quotaUtilization() > 0.85) {
      long grown = (long) (ns.quotas().maxVectors() * 1.5);
      story.call("manager.update_quotas(\"" + id + "\", max_vectors: " + grown + ")");
      ns = tour.api.updateQuotas(id, Namespaces.quotas("max_vectors", grown));
      story.result("max_vectors " + ns.quotas().maxVectors() + ", utilization " + Tour.percent(ns.quotaUtilization())
          + ", near quota: " + ns.nearQuota());
    }
    story.check(ns.quotas().maxVectors() == 15 && ns.quotas().maxStorageBytes() == 10 * QuotaChapters.MIB
        && ns.quotaUtilization() == 0.6 && !ns.nearQuota(),
        "max_vectors grew by half to 15, the storage quota was kept, utilization fell to 0.6");

    String acme = tour.id("org-acme-corp");
    Map<String, String> metadata = Map.of("customer_tier", "enterprise", "region", "us-west-2",
        "created_by", "admin@example.com");
    story.call("// Namespace Metadata: create_namespace(\"" + acme + "\") with metadata " + new java.util.TreeMap<>(metadata));
    tour.create(new NewNamespace(acme, "Acme Corp", null, null, metadata));
    ns = tour.api.get(acme);
    story.result("metadata " + new java.util.TreeMap<>(ns.metadata()));
    story.check(ns.metadata().equals(metadata), "the namespace keeps its metadata");
    story.note("VecStore takes a namespace's metadata at create only; the guide assigns namespace.metadata later, "
        + "which has no REST or core counterpart");
  }

  void troubleshooting() {
    String c123 = tour.id("customer-123");
    story.call("manager.get_namespace(\"" + c123 + "\")   // deleted under Best Practices 4");
    story.expectError(404, "namespace_not_found", "Namespace not found: " + c123, () -> tour.api.get(c123));

    String vq = tour.id("project-vector-quota");
    story.note("the guide's troubleshooting text shows \"Vector quota exceeded: 10000 / 10000 vectors\"; the error "
        + "is the one its Quota Enforcement section shows: \"Upsert would exceed vector quota: 10000 + 1 > 10000\"");
    story.call("// Quota exceeded, solution: increase quotas: manager.update_quotas(\"" + vq + "\", max_vectors: 20000)");
    tour.api.updateQuotas(vq, Namespaces.quotas("max_vectors", 20_000));
    tour.upsert(vq, tour.randomVectors("v", 10_000, 1, 3));
    long count = tour.api.get(vq).vectorCount();
    story.result("the upsert refused before is accepted: " + count + " vectors");
    story.check(count == 10_001, "after the increase the vector is written");

    String free = tour.id("org-free-trial");
    story.call("// Rate limit, solution: increase max_requests_per_second: manager.update_quotas(\"" + free + "\", 100)");
    // 100/s is past the free plan's ceiling of 10: an admin raises it with an override (recorded).
    tour.api.overrideQuotas(free, Namespaces.quotas("max_requests_per_second", 100.0));
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      tour.query(free, new Query(new float[] {0.1f, 0.2f, 0.3f}, 5, null));
      admitted++;
    }
    story.result(admitted + " queries in a row, all admitted");
    story.check(true, "20 requests in a row pass a limit of 100 requests/second");
  }

  void cleanUp() {
    List<String> left = tour.created();
    story.call("// clean up: manager.delete_namespace(…) for the " + left.size() + " namespaces the story created");
    for (String id : left) {
      tour.api.delete(id);
      tour.deleted(id);
    }
    Set<String> remaining = new java.util.HashSet<>();
    tour.api.list().forEach(n -> remaining.add(n.id()));
    story.check(left.stream().noneMatch(remaining::contains), "every namespace of the story is deleted");
  }
}
