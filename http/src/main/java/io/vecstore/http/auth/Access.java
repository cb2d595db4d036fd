package io.vecstore.http.auth;

import io.javalin.security.RouteRole;

/** Who may call a route; every route declares one (see {@code Routes}). */
public enum Access implements RouteRole {
  /** health, readiness */
  OPEN,
  /** Prometheus metrics: the admin key, unless metrics are configured public */
  METRICS,
  /** every /admin route: the admin key */
  ADMIN,
  /** query and fetch: the admin key or a read or write key of the namespace */
  DATA_READ,
  /** upsert and delete: the admin key or a write key of the namespace */
  DATA_WRITE,
  /**
   * listings and statistics that show each caller what it may see: the admin key (everything) or
   * any namespace key (its own namespace); the handler reads the caller from {@code Authenticator.principal}
   */
  ANY_KEY
}
