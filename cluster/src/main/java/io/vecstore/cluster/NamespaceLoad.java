package io.vecstore.cluster;

/**
 * The size of one namespace as its owner reports it: live vectors and bytes on disk.
 *
 * <p>Immutable and thread-safe.
 */
public record NamespaceLoad(long vectors, long storageBytes) {

  /** An empty namespace. */
  public static final NamespaceLoad EMPTY = new NamespaceLoad(0, 0);

  public NamespaceLoad {
    if (vectors < 0) {
      throw new IllegalArgumentException("vectors must be at least 0, got: " + vectors);
    }
    if (storageBytes < 0) {
      throw new IllegalArgumentException("storageBytes must be at least 0, got: " + storageBytes);
    }
  }
}
