package io.vecstore.core.auth;

/** What an operation needs from the caller's key, whatever the transport (REST route, gRPC method). */
public enum Grant {
  /** namespace lifecycle, keys, metrics: the admin key */
  ADMIN,
  /** query and fetch: the admin key or a read or write key of the namespace */
  DATA_READ,
  /** upsert and delete: the admin key or a write key of the namespace */
  DATA_WRITE
}
