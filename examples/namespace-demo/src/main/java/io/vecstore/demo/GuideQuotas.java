package io.vecstore.demo;

import io.vecstore.core.quota.QuotaField;
import io.vecstore.core.quota.Quotas;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The quota sets exactly as the guide writes them (its "100 MB" and "10 GB" are MiB and GiB, as its
 * own storage error {@code / 104857600 bytes} shows), so the story can compare the product's
 * tiers against the guide rather than against the product's own constants.
 */
final class GuideQuotas {

  private GuideQuotas() {}

  private static final long MIB = 1024L * 1024;

  /** "Free Tier": {@code NamespaceQuotas::free_tier()}. */
  static final Quotas FREE = new Quotas(10_000L, 100 * MIB, 10.0, 2, 1536, 100, 100);

  /** "Pro Tier": {@code NamespaceQuotas::pro_tier()}. */
  static final Quotas PRO = new Quotas(1_000_000L, 10 * 1024 * MIB, 100.0, 20, 4096, 1000, 1000);

  /** "Unlimited": every quota {@code None}. */
  static final Quotas UNLIMITED = Quotas.UNLIMITED;

  /** "Quick Start", the premium customer's custom quotas. */
  static final Quotas PREMIUM = new Quotas(50_000L, 500 * MIB, 50.0, 5, 1536, 500, 500);

  /** "Custom Quotas": no rate limit, smaller embeddings. */
  static final Quotas CUSTOM = new Quotas(100_000L, 1024 * MIB, null, 10, 768, 200, 200);

  /** {@code max_vectors=10000, max_storage_bytes=104857600, …}, unlimited ones as {@code unlimited}. */
  static String show(Quotas q) {
    List<String> parts = new ArrayList<>();
    for (QuotaField f : QuotaField.values()) {
      Number v = f.of(q);
      parts.add(f.wireName() + "=" + (v == null ? "unlimited" : plain(v)));
    }
    return String.join(", ", parts);
  }

  /** {@code 10} for 10.0: as the product's messages print numbers. */
  static String plain(Number v) {
    return v instanceof Double d ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : v.toString();
  }
}
