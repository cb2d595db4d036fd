package io.vecstore.core.namespace;

/** Server-wide totals over all namespaces. */
public record AggregateStats(
    long totalNamespaces,
    long activeNamespaces,
    long totalVectors,
    long totalRequests,
    long totalStorageBytes) {}
