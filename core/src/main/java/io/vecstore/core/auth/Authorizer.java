package io.vecstore.core.auth;

import io.vecstore.core.error.ForbiddenException;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.UnauthenticatedException;
import io.vecstore.core.quota.Operation;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The access decision of every transport (REST and gRPC): which key a request presents, whether it
 * is the admin key or a namespace key, and whether that key grants the operation on the namespace
 * asked for. The transports only extract the presented key, the client address and the namespace,
 * and turn the exceptions into their own errors.
 *
 * <p>Errors never reveal whether a namespace exists: a key for namespace B on namespace A gets
 * the same {@link ForbiddenException} whether A exists or not, and the decision is made without
 * looking A up. A client address that presents more than {@link #MAX_INVALID_PER_MINUTE} invalid
 * keys a minute is refused ({@code too_many_auth_failures}) for the rest of that minute. Keys are
 * never logged or put in messages.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class Authorizer {

  /** Invalid keys one client address may present per minute before it is refused for a while. */
  public static final int MAX_INVALID_PER_MINUTE = 100;

  private final String adminKey;
  private final Function<String, Optional<KeyMatch>> namespaceKeys;
  private final Consumer<String> failureCounter;
  private final FailureLimiter limiter = new FailureLimiter(MAX_INVALID_PER_MINUTE, TimeUnit.MINUTES.toNanos(1), 10_000);

  /**
   * @param adminKey the admin key, or null for no authentication
   * @param namespaceKeys finds the namespace key a presented key is (NamespaceManager::authenticate)
   * @param failureCounter told the reason of every failed attempt (missing, invalid, forbidden,
   *     blocked), for metrics
   */
  public Authorizer(String adminKey, Function<String, Optional<KeyMatch>> namespaceKeys, Consumer<String> failureCounter) {
    this.adminKey = adminKey;
    this.namespaceKeys = namespaceKeys;
    this.failureCounter = failureCounter;
  }

  /** Whether keys are checked at all (an admin key is configured). */
  public boolean enabled() {
    return adminKey != null;
  }

  /**
   * Who presents {@code presented} (null: no key) from {@code client}; throws
   * {@link UnauthenticatedException} for a missing or invalid key and
   * {@link TooManyRequestsException} for a client that guessed too often. With authentication off
   * everyone is the admin.
   */
  public Principal authenticate(String client, String presented) {
    if (adminKey == null) {
      return Principal.ADMIN;
    }
    long wait = limiter.blockedFor(client, System.nanoTime());
    if (wait > 0) {
      failureCounter.accept("blocked");
      throw new TooManyRequestsException("too_many_auth_failures",
          "Too many invalid API keys from this address; try again later", Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait) + 1));
    }
    if (presented == null) {
      failureCounter.accept("missing");
      throw new UnauthenticatedException("Missing API key: send 'Authorization: Bearer <key>' or 'Api-Key: <key>'");
    }
    if (ApiKeys.secretEquals(adminKey, presented)) {
      return Principal.ADMIN;
    }
    Optional<KeyMatch> match = namespaceKeys.apply(presented);
    if (match.isEmpty()) {
      limiter.recordFailure(client, System.nanoTime());
      failureCounter.accept("invalid");
      throw new UnauthenticatedException("Invalid API key");
    }
    return new Principal.NamespaceKey(match.get());
  }

  /**
   * Throws {@link ForbiddenException} unless {@code principal} may do what {@code grant} names on
   * {@code namespace} (null for admin operations).
   */
  public void authorize(Principal principal, Grant grant, String namespace) {
    switch (principal) {
      case Principal.Admin a -> { }
      case Principal.NamespaceKey(KeyMatch key) -> {
        switch (grant) {
          case ADMIN -> forbid("A namespace key cannot use this route; it needs the admin key");
          case DATA_READ, DATA_WRITE -> {
            if (!key.namespace().equals(namespace)) {
              forbid("This key does not grant access to this namespace"); // names nothing: no probing
            }
            Operation op = grant == Grant.DATA_READ ? Operation.QUERY : Operation.UPSERT;
            if (!key.role().allows(op)) {
              forbid("Key '" + key.name() + "' has role " + key.role().wireName()
                  + ", which allows only queries and fetches");
            }
          }
        }
      }
    }
  }

  private void forbid(String message) {
    failureCounter.accept("forbidden");
    throw new ForbiddenException(message);
  }

  /**
   * The key of an {@code Authorization: Bearer <key>} or {@code Api-Key: <key>} header value
   * (either may be null), or null when neither carries one. Authorization wins when both are sent.
   */
  public static String presentedKey(String authorization, String apiKey) {
    if (authorization != null) {
      String[] parts = authorization.trim().split("\\s+", 2);
      return parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") && !parts[1].isBlank() ? parts[1].trim() : null;
    }
    return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
  }
}
