package io.vecstore.core.meta;

import io.vecstore.core.quota.Plan;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;

import io.vecstore.core.index.Metric;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.VectorCodec;
import io.vecstore.core.text.EmbeddingModel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a namespace. Optional parts are null.
 *
 * @param name display name; the id when null
 * @param plan the plan's name (a tier's name too): its quotas are the base, its ceilings the
 *     limit; see {@link #planName()} when null
 * @param quotas quota fields given explicitly, applied over the plan's
 * @param metric distance metric; cosine when null
 * @param dimension fixed dimension; when null the first upsert fixes it
 * @param options quantization, default search effort, text analyzer and embedding model;
 *     {@link IndexOptions#DEFAULT} when null
 * @param quotaPolicy the namespace's own quota policy, or null to follow its plan's
 * @param override whether quotas above the plan's ceilings are allowed (the admin's override,
 *     recorded in the audit trail)
 */
public record CreateNamespace(
    String id,
    String name,
    String description,
    Map<String, String> metadata,
    String plan,
    QuotaPatch quotas,
    Metric metric,
    Integer dimension,
    IndexOptions options,
    QuotaPolicy quotaPolicy,
    boolean override) {

  public CreateNamespace {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    options = options == null ? IndexOptions.DEFAULT : options;
  }

  /** A request on a built-in plan ({@code tier}; null: see {@link #planName()}), without policy or override. */
  public CreateNamespace(String id, String name, String description, Map<String, String> metadata, Tier tier,
      QuotaPatch quotas, Metric metric, Integer dimension, IndexOptions options) {
    this(id, name, description, metadata, tier == null ? null : tier.wireName(), quotas, metric, dimension, options, null,
        false);
  }

  /** A request with the default index options. */
  public CreateNamespace(String id, String name, String description, Map<String, String> metadata, Tier tier,
      QuotaPatch quotas, Metric metric, Integer dimension) {
    this(id, name, description, metadata, tier, quotas, metric, dimension, null);
  }

  /** Minimal request: an id and a name, everything else default. */
  public static CreateNamespace of(String id, String name) {
    return new CreateNamespace(id, name, null, Map.of(), (String) null, null, null, null, null, null, false);
  }

  /** This request with another metric and dimension (an import takes them from its source). */
  public CreateNamespace withShape(Metric m, Integer d) {
    return new CreateNamespace(id, name, description, metadata, plan, quotas, m, d, options, quotaPolicy, override);
  }

  /**
   * The plan asked for; else {@code unlimited} when quotas are given (the fields not given are
   * then unlimited, as in the guide's create example), else {@code pro}.
   */
  public String planName() {
    return plan != null ? plan : quotas != null ? Tier.UNLIMITED.wireName() : Tier.PRO.wireName();
  }

  /**
   * The new namespace's quotas on {@code plan}: the plan's, overridden field by field by
   * {@link #quotas()}; with neither plan nor quotas, pro's with at most 10 concurrent queries.
   */
  public Quotas resolveQuotas(Plan plan) {
    if (this.plan == null && quotas == null) {
      return Quotas.defaultsOf(plan.quotas());
    }
    return quotas == null ? plan.quotas() : plan.quotas().merge(quotas);
  }

  public Metric metricOrDefault() {
    return Objects.requireNonNullElse(metric, Metric.COSINE);
  }

  /**
   * The dimension asked for, or the embedding model's: a namespace that embeds texts has the
   * model's dimension and cosine, and asking for anything else is an error naming the field.
   */
  private Integer dimensionWithModel() {
    EmbeddingModel model = options.embedding();
    if (model == null) {
      return dimension;
    }
    if (dimension != null && dimension != model.dimension()) {
      throw new InvalidRequestException("dimension must be " + model.dimension() + " (or left out) with embedding model "
          + model.wireName() + ", got: " + dimension);
    }
    if (metric != null && metric != Metric.COSINE) {
      throw new InvalidRequestException("metric must be cosine (or left out) with embedding model "
          + model.wireName() + ", got: " + metric.wireName());
    }
    return model.dimension();
  }

  private static final int MAX_NAME_LENGTH = 256;
  private static final int MAX_DESCRIPTION_LENGTH = 4096;
  private static final int MAX_METADATA_ENTRIES = 64;

  /**
   * The new namespace's metadata on one of {@code plans}, created at {@code now}: active, no
   * vectors, no keys, no audit events yet. Checks everything but the id (checked first, by the
   * caller) against its limits, naming the field; an unknown plan is a 400, and so is a quota above
   * the plan's ceiling without {@link #override()} ({@code exceeds_plan}).
   */
  public NamespaceMeta toMeta(Instant now, Plans plans) {
    String shownName = name == null ? id : name;
    if (shownName.isBlank() || shownName.length() > MAX_NAME_LENGTH) {
      throw new InvalidRequestException("name must be 1 to " + MAX_NAME_LENGTH + " characters and not blank, got: "
          + shownName.length() + " characters");
    }
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidRequestException(
          "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters, got: " + description.length());
    }
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new InvalidRequestException(
          "metadata must have at most " + MAX_METADATA_ENTRIES + " entries, got: " + metadata.size());
    }
    Plan onPlan = plans.get(planName());
    Quotas resolved = resolveQuotas(onPlan);
    io.vecstore.core.quota.QuotaField over = onPlan.firstExceeding(Plan.all(resolved));
    if (over != null && !override) {
      throw onPlan.exceeded(over, over.of(resolved));
    }
    Integer dimension = dimensionWithModel();
    if (dimension != null) {
      int max = VectorCodec.MAX_DIMENSIONS;
      if (dimension < 1 || dimension > max) {
        throw new InvalidRequestException("dimension must be between 1 and " + max + ", got: " + dimension);
      }
      if (resolved.maxDimension() != null && dimension > resolved.maxDimension()) {
        throw new InvalidRequestException(InvalidRequestException.LIMIT_EXCEEDED,
            "Dimension exceeds maximum: " + dimension + " > " + resolved.maxDimension());
      }
    }
    return new NamespaceMeta(id, shownName, description, metadata, resolved, onPlan.name(), quotaPolicy,
        NamespaceStatus.ACTIVE, metricOrDefault(), dimension, now, now, Usage.ZERO, List.of(), null, null, options, 0);
  }
}
