package io.vecstore.http;

import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * A request body kept on its context once read, so that it can be read again: by the handler after
 * a {@link ClusterHooks} hook looked into it (the id of a namespace to create), and by a hook
 * forwarding a request after its handler ran. Bodies are otherwise read once, as a stream.
 *
 * <p>Stateless; the context is confined to its request's thread.
 */
public final class CachedBody {

  private static final String ATTRIBUTE = "vecstore.cachedBody";

  private CachedBody() {}

  /** The body's bytes if something read and kept them, else null. */
  public static byte[] get(Context ctx) {
    return ctx.attribute(ATTRIBUTE);
  }

  public static void put(Context ctx, byte[] body) {
    ctx.attribute(ATTRIBUTE, body);
  }

  /** The kept body as a stream, else the request's own stream. */
  public static InputStream stream(Context ctx) {
    byte[] kept = get(ctx);
    return kept != null ? new ByteArrayInputStream(kept) : ctx.bodyInputStream();
  }
}
