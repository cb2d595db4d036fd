package io.vecstore.cluster;

/**
 * The outcome of a compare-and-set on a placement znode (a versioned ZooKeeper write).
 * Immutable and thread-safe.
 */
public sealed interface CasResult {

  /** The write happened; {@code placement} is what the znode now holds (or held, for a delete). */
  record Done(Placement placement) implements CasResult {}

  /**
   * The znode was not as expected (wrong epoch, owner or state, or changed concurrently);
   * nothing was written. {@code current} is what it holds now, or null when it does not exist.
   */
  record Conflict(Placement current) implements CasResult {}
}
