package io.vecstore.cluster;

/**
 * A placement with the znode metadata that orders and guards it: the data version for
 * compare-and-set writes and the zxid of its last change, to drop stale observations.
 */
record StoredPlacement(Placement placement, int version, long modifiedZxid) {

  /** Whether this observation is at least as new as {@code other}. */
  boolean notOlderThan(StoredPlacement other) {
    return other == null || modifiedZxid >= other.modifiedZxid;
  }
}
