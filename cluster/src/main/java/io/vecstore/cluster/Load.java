package io.vecstore.cluster;

/**
 * What one node carries: the vectors and storage bytes of the namespaces it serves, and how
 * many namespaces those are. Published in the node's znode; new namespaces go to the node with
 * the fewest vectors, then storage bytes, then namespaces (see {@link Placements#claim}).
 *
 * <p>Immutable and thread-safe.
 */
public record Load(long vectors, long storageBytes, int namespaces) {

  /** No namespaces at all. */
  public static final Load EMPTY = new Load(0, 0, 0);

  public Load {
    if (vectors < 0) {
      throw new IllegalArgumentException("vectors must be at least 0, got: " + vectors);
    }
    if (storageBytes < 0) {
      throw new IllegalArgumentException("storageBytes must be at least 0, got: " + storageBytes);
    }
    if (namespaces < 0) {
      throw new IllegalArgumentException("namespaces must be at least 0, got: " + namespaces);
    }
  }

  /** The sum of the given namespaces' loads. */
  public static Load of(java.util.Map<String, NamespaceLoad> namespaceLoads) {
    long vectors = 0;
    long bytes = 0;
    for (NamespaceLoad load : namespaceLoads.values()) {
      vectors += load.vectors();
      bytes += load.storageBytes();
    }
    return new Load(vectors, bytes, namespaceLoads.size());
  }
}
