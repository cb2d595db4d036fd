package io.vecstore.core.namespace;

import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;

import io.vecstore.core.index.Metric;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a namespace. Optional parts are null.
 *
 * @param name display name; the id when null
 * @param tier base quotas; see {@link #resolveQuotas()}
 * @param quotas quota fields given explicitly, applied over the tier
 * @param metric distance metric; cosine when null
 * @param dimension fixed dimension; when null the first upsert fixes it
 * @param options quantization and default search effort; {@link IndexOptions#DEFAULT} when null
 */
public record CreateNamespace(
    String id,
    String name,
    String description,
    Map<String, String> metadata,
    Tier tier,
    QuotaPatch quotas,
    Metric metric,
    Integer dimension,
    IndexOptions options) {

  public CreateNamespace {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    options = options == null ? IndexOptions.DEFAULT : options;
  }

  /** A request with the default index options. */
  public CreateNamespace(String id, String name, String description, Map<String, String> metadata, Tier tier,
      QuotaPatch quotas, Metric metric, Integer dimension) {
    this(id, name, description, metadata, tier, quotas, metric, dimension, null);
  }

  /** Minimal request: an id and a name, everything else default. */
  public static CreateNamespace of(String id, String name) {
    return new CreateNamespace(id, name, null, Map.of(), null, null, null, null, null);
  }

  /**
   * Neither tier nor quotas: the default quotas. Quotas without tier: the fields not given are
   * unlimited (as in the guide's create example). Tier and quotas: the tier, overridden field by
   * field.
   */
  public Quotas resolveQuotas() {
    if (tier == null && quotas == null) {
      return Quotas.defaults();
    }
    Quotas base = tier == null ? Quotas.UNLIMITED : tier.quotas();
    return quotas == null ? base : base.merge(quotas);
  }

  public Metric metricOrDefault() {
    return Objects.requireNonNullElse(metric, Metric.COSINE);
  }
}
