package io.vecstore.core.usage;

import java.time.LocalDate;

/**
 * One namespace's usage on one UTC day, for billing.
 *
 * @param vectorCountPeak the most live vectors seen that day (sampled)
 * @param storageBytesPeak the most bytes on disk seen that day (sampled; snapshots not counted)
 * @param requests admitted requests of every kind that day; queries, upserts and deletes are
 *     the admitted requests of each kind
 */
public record DailyUsage(
    String namespaceId,
    LocalDate date,
    long vectorCountPeak,
    long storageBytesPeak,
    long requests,
    long queries,
    long upserts,
    long deletes) {}
