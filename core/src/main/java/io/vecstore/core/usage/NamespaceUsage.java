package io.vecstore.core.usage;

import io.vecstore.core.meta.Usage;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.Rejection;
import java.util.Map;

/**
 * A namespace's figures for monitoring.
 *
 * @param vectorCount live vectors, or -1 when the namespace is not open (not known without opening it)
 * @param storageBytes bytes on disk, or -1 when the namespace is not open
 * @param rejections rejected requests by reason since the server started
 */
public record NamespaceUsage(
    String id,
    NamespaceStatus status,
    long vectorCount,
    long storageBytes,
    double quotaUtilization,
    Usage usage,
    Map<Rejection, Long> rejections) {

  public NamespaceUsage {
    rejections = Map.copyOf(rejections);
  }
}
