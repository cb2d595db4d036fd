package io.vecstore.core.namespace;

import io.vecstore.core.auth.ApiKeyInfo;
import io.vecstore.core.auth.StoredKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each of a namespace's keys was last used, since namespace.json was last saved: noted on the
 * request path without a write, folded into the stored keys with the next save.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class KeyUse {

  private final ConcurrentHashMap<String, Instant> lastUse = new ConcurrentHashMap<>();

  void used(String keyId, Instant at) {
    lastUse.put(keyId, at);
  }

  boolean pending() {
    return !lastUse.isEmpty();
  }

  /** The keys with the noted use times folded in, which are then no longer pending. */
  List<StoredKey> foldInto(List<StoredKey> keys) {
    if (lastUse.isEmpty()) {
      return keys;
    }
    List<StoredKey> out = new ArrayList<>(keys.size());
    for (StoredKey k : keys) {
      Instant used = lastUse.remove(k.id());
      out.add(used == null ? k : k.withLastUsedAt(used));
    }
    return out;
  }

  /** The keys as listed: stored ones with use times not yet saved. */
  List<ApiKeyInfo> infos(List<StoredKey> keys) {
    List<ApiKeyInfo> out = new ArrayList<>(keys.size());
    for (StoredKey k : keys) {
      Instant used = lastUse.get(k.id());
      out.add((used == null ? k : k.withLastUsedAt(used)).info());
    }
    return out;
  }
}
