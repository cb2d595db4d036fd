package io.vecstore.core.auth;

import java.time.Instant;

/** A namespace key as listed: never the key. {@code lastUsedAt} is null until first used. */
public record ApiKeyInfo(String name, KeyRole role, Instant createdAt, Instant lastUsedAt) {}
