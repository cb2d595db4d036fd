package io.vecstore.cluster;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link ClusterNode#handOff} did: the namespaces moved away (id to new owner) and those
 * that could not be (id to reason). Immutable and thread-safe.
 */
public record HandOffReport(Map<String, String> moved, Map<String, String> failed) {

  public HandOffReport {
    moved = java.util.Collections.unmodifiableMap(new TreeMap<>(moved));
    failed = java.util.Collections.unmodifiableMap(new TreeMap<>(failed));
  }

  /** Whether every namespace left this node. */
  public boolean complete() {
    return failed.isEmpty();
  }

  /** The failed ids, sorted. */
  public List<String> failedIds() {
    return List.copyOf(failed.keySet());
  }
}
