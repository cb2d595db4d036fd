package io.vecstore.cluster;

import java.net.URI;

/**
 * Where a request for a namespace goes, from {@link Router#route}. Immutable and thread-safe.
 */
public sealed interface Route {

  /** Serve it here; this node owns the namespace at {@code epoch} (pass it to the fence). */
  record Local(long epoch) implements Route {}

  /** Forward it to the live owner (REST to {@code advertiseUrl}, gRPC to {@code grpcAddress}, may be null). */
  record Remote(String nodeId, URI advertiseUrl, String grpcAddress) implements Route {}

  /** No placement: the namespace does not exist (404, or create it through a claim). */
  record Unplaced() implements Route {}

  /** Its owner is not live: answer 503 (Retry-After) until it returns; nobody else has the data. */
  record OwnerDown(String nodeId) implements Route {}
}
