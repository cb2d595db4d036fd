package io.vecstore.core.meta;

import java.time.Instant;
import java.util.Objects;

/**
 * A namespace snapshot as listed: what {@code snapshots/<name>/snapshot.json} holds.
 *
 * @param vectorCount live vectors in the snapshot's commit
 * @param bytes size of the snapshot's index files (hard links: shared with the live index until
 *     it merges them away, so this is not extra disk use at first)
 * @param commitGeneration the Lucene commit generation the snapshot copied
 * @param walSeq the write-ahead log position the commit holds
 */
public record SnapshotInfo(
    String name, String namespaceId, Instant createdAt, long vectorCount, long bytes, long commitGeneration, long walSeq) {

  public SnapshotInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespaceId, "namespaceId");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
