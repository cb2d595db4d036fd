package io.vecstore.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vecstore.core.error.UnavailableException;

/**
 * Where a server in cluster mode plugs into the REST app (see {@code App.create}): it may answer a
 * matched request itself, by forwarding it to the namespace's owner node or by gathering a
 * cluster-wide answer, before or after authentication; it decides which local namespaces the
 * listings show, how a forwarded request's client address is known, and it adds its own routes.
 * {@link #NONE} (a single server) changes nothing.
 *
 * <p>A hook that answers a request sets its status, headers and body on the context and returns
 * true; the route's remaining handlers then do not run. Implementations must be thread-safe: every
 * method is called on request threads.
 */
public interface ClusterHooks {

  /** A single server: every request is served here. */
  ClusterHooks NONE = new ClusterHooks() {};

  /**
   * Runs first on every matched route, before authentication (so that a namespace's own keys are
   * checked by the node that holds it). Returns whether it answered the request.
   */
  default boolean beforeAuth(Context ctx) {
    return false;
  }

  /** Runs after authentication, before the route's handler. Returns whether it answered the request. */
  default boolean afterAuth(Context ctx) {
    return false;
  }

  /**
   * Runs after the handler of a request this node served (not after one a hook answered), also
   * when the handler failed: the response's status is final by then.
   */
  default void after(Context ctx) {}

  /**
   * The handler was refused with {@code not_owner} (the namespace moved away while the request
   * waited): answer it elsewhere if possible. Returns whether it answered; if not, the error is
   * the answer.
   */
  default boolean retryElsewhere(Context ctx, UnavailableException refusal) {
    return false;
  }

  /** Whether this server's listings and aggregate figures include this local namespace. */
  default boolean presents(String namespaceId) {
    return true;
  }

  /** The client address of a request (rate limits of failed keys), or null for the connection's. */
  default String clientIp(Context ctx) {
    return null;
  }

  /**
   * The most copies a new namespace may ask for ({@code replication_factor}): 1 on a single
   * server; in cluster mode the live nodes (the cluster places and checks it).
   */
  default int maxReplicationFactor() {
    return 1;
  }

  /**
   * The namespace of a namespace key that this server does not know (cluster mode: it belongs to
   * a namespace on another node), by the key's public id; null when no node knows it.
   */
  default String namespaceNamedBy(String presentedKey) {
    return null;
  }

  /**
   * The namespace object ({@code GET /admin/namespaces/{id}}) of a namespace another node owns,
   * or null when none does (or on a single server).
   */
  default com.fasterxml.jackson.databind.JsonNode remoteNamespace(String namespaceId) {
    return null;
  }

  /** Adds the cluster's own routes (each must declare its {@code Access}). */
  default void addRoutes(RoutesConfig routes) {}
}
