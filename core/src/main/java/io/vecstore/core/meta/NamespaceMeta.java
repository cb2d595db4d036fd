package io.vecstore.core.meta;

import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Tier;

import io.vecstore.core.index.Metric;
import io.vecstore.core.auth.StoredKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything namespace.json holds about a namespace, immutable. Changes make a new instance.
 *
 * @param plan the name of the plan the namespace is on (its ceilings and default quota policy)
 * @param quotaPolicy the namespace's own quota policy, or null when its plan's applies
 * @param dimension the fixed vector dimension, or null until set at create or by the first upsert
 * @param keys the namespace's API keys, as salted hashes
 * @param size the size at the last clean close, or null
 * @param pendingDeletionSince when the status became pending_deletion (the grace period's start), or null
 * @param options quantization and search defaults, fixed at create
 * @param eventSeq the number of the last event of its audit trail whose change this metadata holds (0: none)
 */
public record NamespaceMeta(
    String id,
    String name,
    String description,
    Map<String, String> metadata,
    Quotas quotas,
    String plan,
    QuotaPolicy quotaPolicy,
    NamespaceStatus status,
    Metric metric,
    Integer dimension,
    Instant createdAt,
    Instant updatedAt,
    Usage usage,
    List<StoredKey> keys,
    SizeSnapshot size,
    Instant pendingDeletionSince,
    IndexOptions options,
    long eventSeq) {

  public NamespaceMeta {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(quotas, "quotas");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(usage, "usage");
    keys = List.copyOf(keys);
    Objects.requireNonNull(options, "options");
    if (eventSeq < 0) {
      throw new IllegalArgumentException("eventSeq must not be negative, got: " + eventSeq);
    }
  }

  /** Stands in for a namespace whose namespace.json cannot be read: its id, nothing else known. */
  public static NamespaceMeta placeholder(String id, Instant now) {
    return new NamespaceMeta(id, id, null, Map.of(), Quotas.UNLIMITED, Tier.UNLIMITED.wireName(), null,
        NamespaceStatus.ACTIVE, Metric.COSINE, null, now, now, Usage.ZERO, List.of(), null, null, IndexOptions.DEFAULT, 0);
  }

  public NamespaceMeta withQuotas(Quotas q, Instant now) {
    return new NamespaceMeta(id, name, description, metadata, q, plan, quotaPolicy, status, metric, dimension, createdAt,
        now, usage, keys, size, pendingDeletionSince, options, eventSeq);
  }

  public NamespaceMeta withPlan(String p, Instant now) {
    return new NamespaceMeta(id, name, description, metadata, quotas, p, quotaPolicy, status, metric, dimension, createdAt,
        now, usage, keys, size, pendingDeletionSince, options, eventSeq);
  }

  /** The namespace's own quota policy; null: its plan's applies. */
  public NamespaceMeta withQuotaPolicy(QuotaPolicy p, Instant now) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, p, status, metric, dimension, createdAt,
        now, usage, keys, size, pendingDeletionSince, options, eventSeq);
  }

  /** A new status; entering pending_deletion starts its grace period, leaving it ends it. */
  public NamespaceMeta withStatus(NamespaceStatus s, Instant now) {
    Instant since = s != NamespaceStatus.PENDING_DELETION ? null
        : status == NamespaceStatus.PENDING_DELETION && pendingDeletionSince != null ? pendingDeletionSince : now;
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, s, metric, dimension, createdAt,
        now, usage, keys, size, since, options, eventSeq);
  }

  public NamespaceMeta withDimension(int d, Instant now) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, status, metric, d, createdAt,
        now, usage, keys, size, pendingDeletionSince, options, eventSeq);
  }

  public NamespaceMeta withKeys(List<StoredKey> k, Instant now) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, status, metric, dimension, createdAt,
        now, usage, k, size, pendingDeletionSince, options, eventSeq);
  }

  public NamespaceMeta withSize(SizeSnapshot snapshot) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, status, metric, dimension, createdAt,
        updatedAt, usage, keys, snapshot, pendingDeletionSince, options, eventSeq);
  }

  public NamespaceMeta withUsage(Usage u) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, status, metric, dimension, createdAt,
        updatedAt, u, keys, size, pendingDeletionSince, options, eventSeq);
  }

  /** With the audit trail's last recorded event number. */
  public NamespaceMeta withEventSeq(long seq) {
    return new NamespaceMeta(id, name, description, metadata, quotas, plan, quotaPolicy, status, metric, dimension, createdAt,
        updatedAt, usage, keys, size, pendingDeletionSince, options, seq);
  }
}
