package io.vecstore.core.quota;

import io.vecstore.core.vector.VectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bytes a batch will add on disk, estimated before writing: the raw floats, the id (stored and
 * indexed), the metadata JSON (stored, plus roughly as much again for its indexed fields), the
 * text (stored, plus as much again for its postings when it is full-text indexed) and a fixed allowance for the HNSW graph links of one node. Deliberately on the high side.
 */
public final class StorageEstimate {

  /** HNSW graph links and per-document overhead, in bytes. */
  static final int PER_VECTOR_OVERHEAD = 160;

  private StorageEstimate() {}

  /** @param metadataBytes the batch's metadata as JSON, measured by the caller's validation */
  public static long of(List<VectorRecord> batch, long metadataBytes) {
    long total = 2L * metadataBytes;
    for (VectorRecord r : batch) {
      total += 4L * r.values().length;
      total += 2L * r.id().getBytes(StandardCharsets.UTF_8).length;
      total += PER_VECTOR_OVERHEAD;
      if (r.text() != null) {
        total += 2L * r.text().getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return total;
  }
}
