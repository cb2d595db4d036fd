package io.vecstore.core.quota;

import io.vecstore.core.WireNames;

/**
 * The built-in plans (DESIGN.md §5): {@code free}, {@code pro} and {@code unlimited}, each with
 * its preset quotas as its ceilings and no quota policy. {@code "tier"} at create names one of
 * them; a plans file may redefine them (see {@link Plans}).
 */
public enum Tier {
  FREE(new Quotas(10_000L, 100L * 1024 * 1024, 10.0, 2, 1536, 100, 100),
      "Trial accounts and small projects; the preset quotas are also the ceilings."),
  PRO(new Quotas(1_000_000L, 10L * 1024 * 1024 * 1024, 100.0, 20, 4096, 1000, 1000),
      "Production workloads; the preset quotas are also the ceilings."),
  UNLIMITED(Quotas.UNLIMITED, "No quotas and no ceilings.");

  private final Quotas quotas;
  private final Plan plan;

  Tier(Quotas quotas, String description) {
    this.quotas = quotas;
    this.plan = new Plan(WireNames.of(this), description, quotas, quotas, QuotaPolicy.NONE);
  }

  public Quotas quotas() {
    return quotas;
  }

  /** This tier as a built-in plan: its quotas, the same values as ceilings, no policy. */
  public Plan plan() {
    return plan;
  }

  public String wireName() {
    return WireNames.of(this);
  }

  public static Tier parse(String value) {
    return WireNames.parse(Tier.class, "tier", value);
  }

  /**
   * The plan of a namespace recorded before plans existed (its namespace.json has quotas but no
   * plan): the tier whose presets its quotas are exactly ({@code pro} also with the default 10
   * concurrent queries, what a create without tier or quotas gave), else {@code unlimited}, whose
   * lack of ceilings leaves such a namespace exactly as it was.
   */
  public static Tier inferFrom(Quotas q) {
    if (q.equals(FREE.quotas)) {
      return FREE;
    }
    if (q.equals(PRO.quotas) || q.equals(Quotas.defaults())) {
      return PRO;
    }
    return UNLIMITED;
  }
}
