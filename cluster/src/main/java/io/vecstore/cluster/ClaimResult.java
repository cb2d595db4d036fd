package io.vecstore.cluster;

/**
 * The outcome of {@link Placements#claim}: the namespace was placed now, or it already was.
 * Immutable and thread-safe.
 */
public sealed interface ClaimResult {

  /** Placed now, on {@code placement.owner()} at epoch 1; that node must now create it. */
  record Claimed(Placement placement) implements ClaimResult {}

  /** A placement already existed (the namespace exists, or is being created elsewhere). */
  record AlreadyPlaced(Placement existing) implements ClaimResult {}
}
