package io.vecstore.core.auth;

import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the key registry needs of a namespace: its keys, a way to change them durably, and a place
 * to note when one was used. Implemented by the namespace itself, so keys live and die with it.
 */
public interface KeyedNamespace {

  String id();

  /** The stored keys, as of now. */
  List<StoredKey> keys();

  /** Replaces the keys with {@code change}'s result, persisted before this returns; {@code change} may throw to refuse. */
  void changeKeys(UnaryOperator<List<StoredKey>> change);

  /** Notes a key's use; saved in the background, not on the request path. */
  void keyUsed(String keyId, Instant at);

  /** The keys as listed: stored ones with use times not yet saved. */
  List<ApiKeyInfo> keyInfos();
}
