package io.vecstore.http.routes;

import io.javalin.http.Context;
import io.vecstore.core.error.InvalidRequestException;

/** Typed access to a request's query string: an empty value counts as absent. Stateless. */
public final class QueryParams {

  private QueryParams() {}

  /** The value, or null when absent or empty. */
  public static String string(Context ctx, String name) {
    String s = ctx.queryParam(name);
    return s == null || s.isEmpty() ? null : s;
  }

  /** An integer value, or {@code fallback} when absent; a 400 naming the parameter otherwise. */
  public static int integer(Context ctx, String name, int fallback) {
    String v = string(ctx, name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name + " must be an integer, got: " + v);
    }
  }
}
