package io.vecstore.core.namespace;

import java.time.Instant;

/**
 * The last compaction of a namespace, as stats show it.
 *
 * @param state running, done or failed
 * @param bytesAfter null while running
 * @param error why it failed, or null
 */
public record Compaction(
    String state, Instant startedAt, Instant finishedAt, long bytesBefore, Long bytesAfter, long deletedBefore,
    String error) {

  static Compaction running(Instant at, long bytes, long deleted) {
    return new Compaction("running", at, null, bytes, null, deleted, null);
  }

  Compaction done(Instant at, long bytes) {
    return new Compaction("done", startedAt, at, bytesBefore, bytes, deletedBefore, null);
  }

  Compaction failed(Instant at, String why) {
    return new Compaction("failed", startedAt, at, bytesBefore, null, deletedBefore, why);
  }

  boolean isRunning() {
    return state.equals("running");
  }
}
