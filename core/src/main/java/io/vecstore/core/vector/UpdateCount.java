package io.vecstore.core.vector;

/**
 * What an update by filter did.
 *
 * @param matched the vectors the filter matched
 * @param updated the vectors rewritten (0 for a dry run; fewer than matched when some were
 *     deleted while the update ran)
 */
public record UpdateCount(long matched, long updated) {}
