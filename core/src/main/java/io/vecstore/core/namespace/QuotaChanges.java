package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.audit.Actor;
import io.vecstore.core.audit.ChangeCause;
import io.vecstore.core.audit.EventType;
import io.vecstore.core.audit.NamespaceEvent;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.AutoGrow;
import io.vecstore.core.quota.Plan;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes of a namespace's quotas, plan, quota policy and status, each checked against its plan's
 * ceilings (the guide's {@code validate_for_tier}) and recorded in its audit trail; and the growth
 * of quotas by policy after writes (the guide's "Dynamic Quota Adjustment"). Counts quota changes
 * by cause, for {@code vecstore_namespace_quota_changes_total}.
 *
 * <p>Each check and change runs under the namespace's metadata lock on the metadata in force then
 * ({@link Namespace#change}), so concurrent changes and concurrent writers never act on stale
 * quotas: two writers that both cross a threshold grow the quota once, the second finding it
 * already grown (and the cooldown running).
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class QuotaChanges {

  private static final Logger LOG = LoggerFactory.getLogger(QuotaChanges.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Plans plans;
  private final Clock clock;
  private final Map<ChangeCause, LongAdder> counts = new EnumMap<>(ChangeCause.class);

  QuotaChanges(Plans plans, Clock clock) {
    this.plans = plans;
    this.clock = clock;
    for (ChangeCause c : ChangeCause.values()) {
      counts.put(c, new LongAdder());
    }
  }

  Plans plans() {
    return plans;
  }

  /** Quota changes since start-up, by cause. */
  Map<ChangeCause, Long> counts() {
    Map<ChangeCause, Long> out = new EnumMap<>(ChangeCause.class);
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The plan a namespace is on, or null when this server does not define it (a plan removed from the plans file). */
  Plan planOf(NamespaceMeta m) {
    return plans.find(m.plan());
  }

  /** The quota policy in force: the namespace's own, else its plan's. */
  QuotaPolicy policyOf(NamespaceMeta m) {
    if (m.quotaPolicy() != null) {
      return m.quotaPolicy();
    }
    Plan plan = planOf(m);
    return plan == null ? QuotaPolicy.NONE : plan.policy();
  }

  // --- create ------------------------------------------------------------------------------------

  /** A new namespace's metadata (checked against its plan) with the first event of its audit trail. */
  Created create(CreateNamespace spec, Actor actor) {
    NamespaceMeta meta = spec.toMeta(clock.instant(), plans);
    Plan plan = plans.get(meta.plan());
    boolean overridden = plan.firstExceeding(Plan.all(meta.quotas())) != null;
    ObjectNode state = NODES.objectNode();
    state.put(MetaCodec.PLAN, meta.plan());
    state.set("quotas", MetaCodec.quotas(meta.quotas()));
    state.set(MetaCodec.QUOTA_POLICY, meta.quotaPolicy() == null ? NODES.nullNode() : MetaCodec.quotaPolicy(meta.quotaPolicy()));
    state.put("status", meta.status().wireName());
    NamespaceEvent event = new NamespaceEvent.Draft(actor, EventType.CREATED, null, state, overridden, null,
        overridden ? ChangeCause.OVERRIDE : null).at(1, meta.createdAt());
    return new Created(meta.withEventSeq(1), event);
  }

  /** A namespace to create and the first event of its trail. */
  record Created(NamespaceMeta meta, NamespaceEvent event) {}

  /** Counts a create's quota change (an override) once the namespace exists. */
  void created(Created c) {
    if (c.event().override()) {
      counts.get(ChangeCause.OVERRIDE).increment();
    }
  }

  // --- admin changes -----------------------------------------------------------------------------

  /**
   * Sets the fields of {@code patch}; each set above the plan's ceiling needs {@code override}
   * (else 400 {@code exceeds_plan}, nothing changed). Records the fields that changed.
   */
  NamespaceMeta updateQuotas(Namespace ns, QuotaPatch patch, boolean override, Actor actor) {
    return apply(ns.change(m -> {
      Plan plan = planOf(m);
      QuotaField over = plan == null ? null : plan.firstExceeding(patch.values());
      if (over != null && !override) {
        throw plan.exceeded(over, patch.values().get(over));
      }
      Instant now = clock.instant();
      Quotas next = m.quotas().merge(patch);
      NamespaceMeta changed = m.withQuotas(next, now);
      return new Namespace.MetaChange(changed, quotaEvents(m.quotas(), next, actor, over != null, null,
          over != null ? ChangeCause.OVERRIDE : ChangeCause.ADMIN));
    }));
  }

  /**
   * Moves the namespace to {@code planName}. With {@code resetQuotas} its quotas become the plan's;
   * else they are kept and re-validated against the new plan's ceilings: any above one needs
   * {@code override} (else 400 {@code exceeds_plan}, nothing changed).
   */
  NamespaceMeta changePlan(Namespace ns, String planName, boolean resetQuotas, boolean override, Actor actor) {
    Plan target = plans.get(planName);
    return apply(ns.change(m -> {
      Quotas next = resetQuotas ? target.quotas() : m.quotas();
      QuotaField over = resetQuotas ? null : target.firstExceeding(Plan.all(next));
      if (over != null && !override) {
        throw target.exceeded(over, over.of(next));
      }
      Instant now = clock.instant();
      List<NamespaceEvent.Draft> events = new java.util.ArrayList<>();
      if (!m.plan().equals(target.name())) {
        events.add(new NamespaceEvent.Draft(actor, EventType.PLAN, NODES.textNode(m.plan()), NODES.textNode(target.name()),
            over != null, null, null));
      }
      events.addAll(quotaEvents(m.quotas(), next, actor, false, "the quotas of plan " + target.name(), ChangeCause.PLAN));
      return new Namespace.MetaChange(m.withPlan(target.name(), now).withQuotas(next, now), events);
    }));
  }

  /** Sets the namespace's own quota policy (null: it follows its plan's again). */
  NamespaceMeta updatePolicy(Namespace ns, QuotaPolicy policy, Actor actor) {
    return apply(ns.change(m -> {
      NamespaceMeta changed = m.withQuotaPolicy(policy, clock.instant());
      if (java.util.Objects.equals(m.quotaPolicy(), policy)) {
        return new Namespace.MetaChange(changed, List.of());
      }
      return new Namespace.MetaChange(changed, List.of(new NamespaceEvent.Draft(actor, EventType.QUOTA_POLICY,
          policyJson(m.quotaPolicy()), policyJson(policy), false, null, null)));
    }));
  }

  NamespaceMeta updateStatus(Namespace ns, NamespaceStatus status, Actor actor) {
    return apply(ns.change(m -> {
      NamespaceMeta changed = m.withStatus(status, clock.instant());
      if (m.status() == status) {
        return new Namespace.MetaChange(changed, List.of());
      }
      return new Namespace.MetaChange(changed, List.of(new NamespaceEvent.Draft(actor, EventType.STATUS,
          NODES.textNode(m.status().wireName()), NODES.textNode(status.wireName()), false, null, null)));
    }));
  }

  // --- policies ----------------------------------------------------------------------------------

  /**
   * After a write to {@code ns} committed: grows the quota of its auto-grow policy if the write left
   * it above the threshold, never above the plan's ceiling, at most once per cooldown. Never fails
   * the write: a growth that cannot be written is logged and tried again by the next write.
   *
   * @param vectors the live vectors now
   * @param bytes the bytes on disk now, writes not yet flushed included
   */
  void afterWrite(Namespace ns, LongSupplier vectors, LongSupplier bytes) {
    NamespaceMeta m = ns.meta();
    AutoGrow grow = policyOf(m).autoGrow();
    if (grow == null || !due(grow, m.quotas(), vectors, bytes)) {
      return; // the common case: no lock taken
    }
    try {
      apply(ns.change(current -> grow(ns, current, vectors, bytes)));
    } catch (RuntimeException e) {
      LOG.warn("Namespace {}: applying its quota policy failed: {}", ns.id, e.toString());
    }
  }

  /** Whether {@code grow}'s quota is set and its use is above the threshold. */
  private static boolean due(AutoGrow grow, Quotas q, LongSupplier vectors, LongSupplier bytes) {
    Number limit = grow.quota().of(q);
    return limit != null && grow.triggers(used(grow, vectors, bytes), limit.longValue());
  }

  private static long used(AutoGrow grow, LongSupplier vectors, LongSupplier bytes) {
    return grow.quota() == QuotaField.MAX_VECTORS ? vectors.getAsLong() : bytes.getAsLong();
  }

  /** Under the metadata lock, on the metadata in force: the growth, or no change. */
  private Namespace.MetaChange grow(Namespace ns, NamespaceMeta m, LongSupplier vectors, LongSupplier bytes) {
    AutoGrow grow = policyOf(m).autoGrow();
    if (grow == null || !due(grow, m.quotas(), vectors, bytes)) {
      return Namespace.MetaChange.NONE; // another writer grew it, or the policy changed
    }
    Instant now = clock.instant();
    NamespaceEvent last = ns.events().lastByPolicy(); // a policy makes only quota changes
    if (last != null && now.isBefore(last.at().plus(grow.cooldown()))) {
      return Namespace.MetaChange.NONE;
    }
    long limit = grow.quota().of(m.quotas()).longValue();
    Plan plan = planOf(m);
    Number ceiling = plan == null ? null : plan.ceiling(grow.quota());
    long target = grow.grown(limit, ceiling == null ? null : ceiling.longValue());
    if (target <= limit) {
      return Namespace.MetaChange.NONE; // at the ceiling (or above it, by an override)
    }
    Map<QuotaField, Number> value = new EnumMap<>(QuotaField.class);
    value.put(grow.quota(), target);
    Quotas next = m.quotas().merge(QuotaPatch.of(value));
    long used = used(grow, vectors, bytes);
    String reason = grow.quota().wireName() + " utilization " + ratio(used, limit) + " above "
        + Plan.format(grow.whenUtilizationAbove()) + " after a write (" + used + " / " + limit + ")";
    return new Namespace.MetaChange(m.withQuotas(next, now),
        quotaEvents(m.quotas(), next, Actor.POLICY, false, reason, ChangeCause.POLICY));
  }

  private static String ratio(long used, long limit) {
    return Plan.format(java.math.BigDecimal.valueOf(used).divide(java.math.BigDecimal.valueOf(limit), 4,
        java.math.RoundingMode.HALF_UP).doubleValue());
  }

  // --- events --------------------------------------------------------------------------------------

  /** One quotas event with the fields that differ between {@code before} and {@code after}, or none if none do. */
  private static List<NamespaceEvent.Draft> quotaEvents(Quotas before, Quotas after, Actor actor, boolean override,
      String reason, ChangeCause cause) {
    ObjectNode oldValues = MetaCodec.quotas(before);
    ObjectNode newValues = MetaCodec.quotas(after);
    ObjectNode o = NODES.objectNode();
    ObjectNode n = NODES.objectNode();
    for (QuotaField f : QuotaField.values()) {
      JsonNode a = oldValues.get(f.wireName());
      JsonNode b = newValues.get(f.wireName());
      if (!a.equals(b)) {
        o.set(f.wireName(), a);
        n.set(f.wireName(), b);
      }
    }
    return o.isEmpty() ? List.of() : List.of(new NamespaceEvent.Draft(actor, EventType.QUOTAS, o, n, override, reason, cause));
  }

  private static JsonNode policyJson(QuotaPolicy p) {
    return p == null ? NODES.nullNode() : MetaCodec.quotaPolicy(p);
  }

  /** Counts the quota changes a change made, by cause, once it is written; returns its metadata. */
  private NamespaceMeta apply(Namespace.Changed changed) {
    for (NamespaceEvent.Draft e : changed.events()) {
      if (e.cause() != null) {
        counts.get(e.cause()).increment();
      }
    }
    return changed.meta();
  }
}
