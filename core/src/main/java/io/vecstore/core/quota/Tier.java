package io.vecstore.core.quota;

import io.vecstore.core.WireNames;

/** Predefined quota sets (DESIGN.md §5). */
public enum Tier {
  FREE(new Quotas(10_000L, 100L * 1024 * 1024, 10.0, 2, 1536, 100, 100)),
  PRO(new Quotas(1_000_000L, 10L * 1024 * 1024 * 1024, 100.0, 20, 4096, 1000, 1000)),
  UNLIMITED(Quotas.UNLIMITED);

  private final Quotas quotas;

  Tier(Quotas quotas) {
    this.quotas = quotas;
  }

  public Quotas quotas() {
    return quotas;
  }

  public static Tier parse(String value) {
    return WireNames.parse(Tier.class, "tier", value);
  }
}
