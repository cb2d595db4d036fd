package io.vecstore.cluster;

/**
 * One move the balancer asks for: namespace {@code namespaceId}, owned by {@code from} at
 * {@code epoch}, to go to {@code to}. Immutable and thread-safe.
 */
public record Move(String namespaceId, String from, String to, long epoch) {

  public Move {
    Ids.requireNamespaceId(namespaceId);
    Ids.requireNodeId("from", from);
    Ids.requireNodeId("to", to);
    if (from.equals(to)) {
      throw new IllegalArgumentException("to must differ from from, got: " + Ids.quote(to));
    }
  }
}
