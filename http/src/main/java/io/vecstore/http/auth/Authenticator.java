package io.vecstore.http.auth;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.vecstore.core.auth.Authorizer;
import io.vecstore.core.auth.Grant;
import io.vecstore.core.auth.Principal;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.RequestNamespace;
import java.util.function.Consumer;

/**
 * Checks every matched route's {@link Access} against the request's key: the admin key opens
 * everything, a namespace key only its own namespace's data routes within its role. With no
 * admin key configured authentication is off (the server then listens on loopback only).
 *
 * <p>The decision itself is core's {@link Authorizer}, shared with the gRPC services: this class
 * only reads the key from the headers, the client address and the route's namespace. Errors never
 * reveal whether a namespace exists, and authorization is decided before any namespace is looked
 * up. Keys are never logged.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Authenticator {

  private final Authorizer authorizer;
  private final boolean metricsPublic;

  /**
   * @param adminKey the admin key, or null for no authentication
   * @param failureCounter told the reason of every failed authentication (for metrics)
   */
  public Authenticator(String adminKey, boolean metricsPublic, NamespaceManager manager, Consumer<String> failureCounter) {
    this.authorizer = new Authorizer(adminKey, manager.keys()::authenticate, failureCounter);
    this.metricsPublic = metricsPublic;
  }

  public boolean enabled() {
    return authorizer.enabled();
  }

  /** Runs before every matched route; throws to refuse it. */
  public void check(Context ctx) {
    Access access = accessOf(ctx);
    if (!authorizer.enabled() || access == Access.OPEN || (access == Access.METRICS && metricsPublic)) {
      return;
    }
    Principal principal = authorizer.authenticate(ctx.ip(), credentials(ctx));
    switch (access) {
      case OPEN -> { }
      case ADMIN, METRICS -> authorizer.authorize(principal, Grant.ADMIN, null);
      case DATA_READ -> authorizer.authorize(principal, Grant.DATA_READ, RequestNamespace.of(ctx));
      case DATA_WRITE -> authorizer.authorize(principal, Grant.DATA_WRITE, RequestNamespace.of(ctx));
      case ANY_KEY -> ctx.attribute(PRINCIPAL, principal);
    }
  }

  private static final String PRINCIPAL = "vecstore.principal";

  /**
   * Who an {@link Access#ANY_KEY} route's request authenticated as; the admin when
   * authentication is off.
   */
  public static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    return p != null ? p : Principal.ADMIN;
  }

  private static Access accessOf(Context ctx) {
    for (RouteRole role : ctx.routeRoles()) {
      if (role instanceof Access a) {
        return a;
      }
    }
    if (ctx.endpoints().lastHttpEndpoint() == null) {
      return Access.OPEN; // the admin UI's static files
    }
    throw new IllegalStateException("route " + ctx.endpoints().lastHttpEndpoint().path + " declares no Access");
  }

  /** The key of {@code Authorization: Bearer <key>} or {@code Api-Key: <key>}, or null. */
  public static String credentials(Context ctx) {
    return Authorizer.presentedKey(ctx.header("Authorization"), ctx.header("Api-Key"));
  }
}
