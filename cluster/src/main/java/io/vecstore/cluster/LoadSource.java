package io.vecstore.cluster;

import java.util.Map;

/**
 * Supplied by the server: the sizes of the namespaces this node serves. {@link ClusterNode}
 * calls it from its load-publishing thread every {@link ClusterConfig#loadPublishInterval()}
 * and publishes what changed; the balancer weighs namespaces by these sizes.
 *
 * <p>Implementations must be thread-safe and fast (no disk scans: report cached sizes); a
 * throwing call is logged and the previous load stays published.
 */
@FunctionalInterface
public interface LoadSource {

  /** Namespace id to size, for every namespace this node holds; never null. */
  Map<String, NamespaceLoad> namespaceLoads();
}
