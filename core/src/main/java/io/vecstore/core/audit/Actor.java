package io.vecstore.core.audit;

import io.vecstore.core.auth.Principal;
import io.vecstore.core.error.InvalidRequestException;

/**
 * Who made a change to a namespace, as its audit trail names them: {@code admin} (the admin key,
 * or anyone on a server without one), {@code key:<name>} (one of the namespace's keys) or
 * {@code policy} (the server, applying a quota policy).
 */
public sealed interface Actor {

  record Admin() implements Actor {}

  record Key(String name) implements Actor {
    public Key {
      java.util.Objects.requireNonNull(name, "name");
    }
  }

  record Policy() implements Actor {}

  Actor ADMIN = new Admin();
  Actor POLICY = new Policy();

  String KEY_PREFIX = "key:";

  /** {@code admin}, {@code key:<name>} or {@code policy}. */
  default String wireName() {
    return switch (this) {
      case Admin a -> "admin";
      case Key k -> KEY_PREFIX + k.name();
      case Policy p -> "policy";
    };
  }

  /** The actor of a request authenticated as {@code principal}. */
  static Actor of(Principal principal) {
    return switch (principal) {
      case Principal.Admin a -> ADMIN;
      case Principal.NamespaceKey k -> new Key(k.key().name());
    };
  }

  /** The actor {@link #wireName()} wrote. */
  static Actor parse(String value) {
    if (value.equals("admin")) {
      return ADMIN;
    }
    if (value.equals("policy")) {
      return POLICY;
    }
    if (value.startsWith(KEY_PREFIX) && value.length() > KEY_PREFIX.length()) {
      return new Key(value.substring(KEY_PREFIX.length()));
    }
    throw new InvalidRequestException("actor must be admin, key:<name> or policy, got: " + value);
  }
}
