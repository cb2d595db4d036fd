package io.vecstore.core.meta;

import io.vecstore.core.quota.Quotas;

/**
 * A namespace as the admin API shows it: its stored metadata plus live usage figures.
 *
 * @param quotaUtilization max over the set vector and storage quotas of usage / limit; 0 when none
 * @param nearQuota utilization above 0.8
 * @param unavailableReason why the namespace cannot serve now (its counts are then unknown and
 *     zero here), or null when it is available
 */
public record NamespaceInfo(
    NamespaceMeta meta,
    long vectorCount,
    long storageBytes,
    double quotaUtilization,
    boolean nearQuota,
    String unavailableReason) {

  static final double NEAR_QUOTA = 0.8;

  public static NamespaceInfo of(NamespaceMeta meta, long vectorCount, long storageBytes) {
    double u = utilization(meta.quotas(), vectorCount, storageBytes);
    return new NamespaceInfo(meta, vectorCount, storageBytes, u, u > NEAR_QUOTA, null);
  }

  /** A namespace whose storage cannot be read now: counts unknown. */
  public static NamespaceInfo unavailable(NamespaceMeta meta, String reason) {
    return new NamespaceInfo(meta, 0, 0, 0, false, reason);
  }

  public boolean available() {
    return unavailableReason == null;
  }

  public static double utilization(Quotas q, long vectorCount, long storageBytes) {
    double u = 0;
    if (q.maxVectors() != null) {
      u = Math.max(u, ratio(vectorCount, q.maxVectors()));
    }
    if (q.maxStorageBytes() != null) {
      u = Math.max(u, ratio(storageBytes, q.maxStorageBytes()));
    }
    return u;
  }

  private static double ratio(long used, long limit) {
    if (limit == 0) {
      return used == 0 ? 1.0 : Double.POSITIVE_INFINITY;
    }
    return (double) used / limit;
  }
}
