package io.vecstore.core.namespace;

import io.vecstore.core.auth.ApiKeyInfo;
import io.vecstore.core.auth.KeyedNamespace;
import io.vecstore.core.auth.StoredKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A namespace as the key registry sees it: its keys, changed durably through the namespace's own
 * write path, and when each was last used.
 *
 * <p>Thread-safety: safe for concurrent use; key changes are serialized by the namespace.
 */
final class NamespaceKeys implements KeyedNamespace {

  private final Namespace ns;
  private final Clock clock;

  NamespaceKeys(Namespace ns, Clock clock) {
    this.ns = ns;
    this.clock = clock;
  }

  @Override
  public String id() {
    return ns.id;
  }

  @Override
  public List<StoredKey> keys() {
    return ns.meta().keys();
  }

  @Override
  public void changeKeys(UnaryOperator<List<StoredKey>> change) {
    ns.write(() -> ns.updateMeta(m -> m.withKeys(change.apply(m.keys()), clock.instant())));
  }

  @Override
  public void keyUsed(String keyId, Instant at) {
    ns.keyUse().used(keyId, at);
  }

  @Override
  public List<ApiKeyInfo> keyInfos() {
    return ns.keyUse().infos(ns.meta().keys());
  }
}
