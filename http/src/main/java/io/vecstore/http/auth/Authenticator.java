package io.vecstore.http.auth;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.vecstore.core.auth.ApiKeys;
import io.vecstore.core.auth.KeyMatch;
import io.vecstore.core.error.ForbiddenException;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.UnauthenticatedException;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.quota.Operation;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks every matched route's {@link Access} against the request's key: the admin key opens
 * everything, a namespace key only its own namespace's data routes within its role. With no
 * admin key configured authentication is off (the server then listens on loopback only).
 *
 * <p>Errors never reveal whether a namespace exists: a key for namespace B on namespace A's routes
 * gets the same 403 whether A exists or not, and authorization is decided before any namespace
 * is looked up. Keys are never logged.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Authenticator {

  /** Invalid keys one client address may present per minute before it is refused for a while. */
  static final int MAX_INVALID_PER_MINUTE = 100;

  private final String adminKey;
  private final boolean metricsPublic;
  private final NamespaceManager manager;
  private final Consumer<String> failureCounter;
  private final FailureLimiter limiter = new FailureLimiter(MAX_INVALID_PER_MINUTE, TimeUnit.MINUTES.toNanos(1), 10_000);

  /**
   * @param adminKey the admin key, or null for no authentication
   * @param failureCounter told the reason of every failed authentication (for metrics)
   */
  public Authenticator(String adminKey, boolean metricsPublic, NamespaceManager manager, Consumer<String> failureCounter) {
    this.adminKey = adminKey;
    this.metricsPublic = metricsPublic;
    this.manager = manager;
    this.failureCounter = failureCounter;
  }

  public boolean enabled() {
    return adminKey != null;
  }

  /** Runs before every matched route; throws to refuse it. */
  public void check(Context ctx) {
    Access access = accessOf(ctx);
    if (adminKey == null || access == Access.OPEN || (access == Access.METRICS && metricsPublic)) {
      return;
    }
    String client = ctx.ip();
    long wait = limiter.blockedFor(client, System.nanoTime());
    if (wait > 0) {
      failureCounter.accept("blocked");
      throw new TooManyRequestsException("too_many_auth_failures",
          "Too many invalid API keys from this address; try again later", Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait) + 1));
    }
    String presented = credentials(ctx);
    if (presented == null) {
      failureCounter.accept("missing");
      throw new UnauthenticatedException("Missing API key: send 'Authorization: Bearer <key>' or 'Api-Key: <key>'");
    }
    if (ApiKeys.secretEquals(adminKey, presented)) {
      return;
    }
    Optional<KeyMatch> match = manager.authenticate(presented);
    if (match.isEmpty()) {
      limiter.recordFailure(client, System.nanoTime());
      failureCounter.accept("invalid");
      throw new UnauthenticatedException("Invalid API key");
    }
    authorize(ctx, access, match.get());
  }

  private void authorize(Context ctx, Access access, KeyMatch key) {
    switch (access) {
      case OPEN -> { }
      case ADMIN, METRICS -> forbid("A namespace key cannot use this route; it needs the admin key");
      case DATA_READ, DATA_WRITE -> {
        String ns = ctx.pathParam("ns");
        if (!key.namespace().equals(ns)) {
          forbid("This key does not grant access to this namespace"); // names nothing: no probing
        }
        Operation op = access == Access.DATA_READ ? Operation.QUERY : Operation.UPSERT;
        if (!key.role().allows(op)) {
          forbid("Key '" + key.name() + "' has role " + key.role().wireName()
              + ", which allows only queries and fetches");
        }
      }
    }
  }

  private void forbid(String message) {
    failureCounter.accept("forbidden");
    throw new ForbiddenException(message);
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
  static String credentials(Context ctx) {
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      String[] parts = authorization.trim().split("\\s+", 2);
      return parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") && !parts[1].isBlank() ? parts[1].trim() : null;
    }
    String apiKey = ctx.header("Api-Key");
    return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
  }
}
