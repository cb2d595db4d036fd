package io.vecstore.server.cluster;

import io.vecstore.cluster.LoadSource;
import io.vecstore.cluster.NamespaceLoad;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.usage.NamespaceUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The sizes of the namespaces this node owns, for the cluster's placement and balancing, from
 * {@link NamespaceManager#usage()} (no disk scan; a namespace not open since start-up reports
 * its size at its last clean close, or the last size seen here, or zero; an empty namespace
 * weighs nothing).
 *
 * <p>Thread-safe.
 */
final class NamespaceLoads implements LoadSource {

  private final NamespaceManager manager;
  private final Predicate<String> owned;
  private final Map<String, NamespaceLoad> lastKnown = new ConcurrentHashMap<>();

  NamespaceLoads(NamespaceManager manager, Predicate<String> owned) {
    this.manager = manager;
    this.owned = owned;
  }

  @Override
  public Map<String, NamespaceLoad> namespaceLoads() {
    Map<String, NamespaceLoad> out = new HashMap<>();
    for (NamespaceUsage u : manager.usage()) {
      if (!owned.test(u.id())) {
        continue;
      }
      NamespaceLoad before = lastKnown.getOrDefault(u.id(), NamespaceLoad.EMPTY);
      long vectors = u.vectorCount() >= 0 ? u.vectorCount() : before.vectors();
      long bytes = u.storageBytes() >= 0 ? u.storageBytes() : before.storageBytes();
      // An empty namespace weighs nothing: the few hundred bytes of an empty index (once opened,
      // or moved) would otherwise decide placements ahead of the namespace count.
      NamespaceLoad now = new NamespaceLoad(vectors, vectors == 0 ? 0 : bytes);
      out.put(u.id(), now);
    }
    lastKnown.keySet().retainAll(out.keySet());
    lastKnown.putAll(out);
    return out;
  }
}
