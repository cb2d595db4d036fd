package io.vecstore.core.auth;

import io.vecstore.core.WireNames;
import io.vecstore.core.quota.Operation;

/** What a namespace key may do on its namespace's data routes. */
public enum KeyRole {
  /** query and fetch */
  READ,
  /** query, fetch, upsert and delete */
  WRITE;

  public boolean allows(Operation op) {
    return switch (this) {
      case READ -> op == Operation.QUERY || op == Operation.FETCH;
      case WRITE -> true;
    };
  }

  public String wireName() {
    return WireNames.of(this);
  }

  public static KeyRole parse(String value) {
    return WireNames.parse(KeyRole.class, "role", value);
  }
}
