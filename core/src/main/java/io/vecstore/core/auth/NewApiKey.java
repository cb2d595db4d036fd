package io.vecstore.core.auth;

/** A key just created: the only time its secret {@code key} exists outside the client. */
public record NewApiKey(ApiKeyInfo info, String key) {}
