package io.vecstore.core.auth;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.quota.Operation;
import java.util.Locale;

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
    return name().toLowerCase(Locale.ROOT);
  }

  public static KeyRole parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("role must be one of [read, write], got: " + value);
    }
  }
}
