package io.vecstore.http;

import io.javalin.http.Context;

/**
 * The namespace a request is for, in one place for authentication and cluster routing: the
 * {@code {ns}} of a data route, or the namespace a route whose namespace is not in its path (the
 * Pinecone-compatible routes: in the body or the query string) resolved before authentication.
 * Stateless; the context is confined to its request's thread.
 */
public final class RequestNamespace {

  private static final String ATTRIBUTE = "vecstore.namespace";

  private RequestNamespace() {}

  /** The data namespace of the request, or null when it names none. */
  public static String of(Context ctx) {
    String resolved = ctx.attribute(ATTRIBUTE);
    return resolved != null ? resolved : ctx.pathParamMap().get("ns");
  }

  /** Records the namespace of a route that does not carry it in its path. */
  public static void set(Context ctx, String namespaceId) {
    ctx.attribute(ATTRIBUTE, namespaceId);
  }
}
