package io.vecstore.core.auth;

/** Who a request authenticated as: the admin (or anyone, with authentication off), or a namespace key. */
public sealed interface Principal {

  /** The admin key, or any caller of a server without one. */
  record Admin() implements Principal {}

  /** A namespace key. */
  record NamespaceKey(KeyMatch key) implements Principal {}

  Principal ADMIN = new Admin();
}
