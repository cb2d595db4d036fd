package io.vecstore.core.meta;

/**
 * A namespace's size as of its last clean close, kept in namespace.json so that listing and
 * stats of a closed namespace need not open it. Trusted only while the index's last commit is
 * still {@code commitGeneration} and the write-ahead log is empty.
 */
public record SizeSnapshot(long vectorCount, long deletedCount, long storageBytes, long commitGeneration) {}
