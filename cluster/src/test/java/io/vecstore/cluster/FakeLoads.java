package io.vecstore.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A LoadSource whose namespace sizes the test sets. */
final class FakeLoads implements LoadSource {

  final Map<String, NamespaceLoad> sizes = new ConcurrentHashMap<>();

  @Override
  public Map<String, NamespaceLoad> namespaceLoads() {
    return Map.copyOf(sizes);
  }
}
