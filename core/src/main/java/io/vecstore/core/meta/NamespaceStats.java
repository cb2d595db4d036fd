package io.vecstore.core.meta;

/**
 * Usage statistics of one namespace (DESIGN.md §4, stats object).
 *
 * @param unavailableReason null when the namespace serves; else why not (the counts are then unknown)
 */
public record NamespaceStats(
    String namespaceId,
    long vectorCount,
    long activeCount,
    long deletedCount,
    Integer dimension,
    long storageBytes,
    double quotaUtilization,
    Usage usage,
    NamespaceStatus status,
    String unavailableReason) {}
