package io.vecstore.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A namespace key as namespace.json keeps it: never the key itself, only a random salt and
 * SHA-256(salt ‖ key). The key is 256 random bits, so a fast hash is as good as a slow one here.
 *
 * @param id the public part of the key, used to find it without scanning every namespace
 * @param lastUsedAt null until first used
 */
public record StoredKey(String id, String name, KeyRole role, byte[] salt, byte[] hash, Instant createdAt,
    Instant lastUsedAt) {

  public StoredKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    salt = salt.clone();
    hash = hash.clone();
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public StoredKey withLastUsedAt(Instant at) {
    return new StoredKey(id, name, role, salt, hash, createdAt, at);
  }

  /** The name, role and times: what may be shown to anyone holding the admin key. */
  public ApiKeyInfo info() {
    return new ApiKeyInfo(name, role, createdAt, lastUsedAt);
  }
}
