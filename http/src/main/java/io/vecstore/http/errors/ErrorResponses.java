package io.vecstore.http.errors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.ForbiddenException;
import io.vecstore.core.error.UnauthenticatedException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.RejectedByStatusException;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.error.VecStoreException;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.dto.PineconeViews;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns errors into HTTP responses: the status of every core error, and the
 * JSON body {@code {"error": message, "code": code, …details}} of every error response.
 */
public final class ErrorResponses {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  private ErrorResponses() {}

  /** HTTP status of a core error. Exhaustive: a new error kind does not compile until mapped here. */
  public static int statusOf(VecStoreException e) {
    return switch (e) {
      case InvalidRequestException x -> 400;
      case RejectedByStatusException x -> 403;
      case QuotaExceededException x -> 403;
      case NotFoundException x -> 404;
      case AlreadyExistsException x -> 409;
      case TooManyRequestsException x -> 429;
      case UnavailableException x -> x.insufficientStorage() ? 507 : 503;
      case UnauthenticatedException x -> 401;
      case ForbiddenException x -> 403;
    };
  }

  /** Registers the exception and error handlers on the app's routes. */
  public static void install(RoutesConfig routes) {
    routes.exception(VecStoreException.class, ErrorResponses::handle);
    routes.exception(HttpError.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage(), Map.of()));
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("Unexpected error on {} {}", ctx.method(), ctx.path(), e);
      write(ctx, 500, "internal_error", "Internal server error: " + e.getClass().getSimpleName(), Map.of());
    });
    routes.error(404, ctx -> {
      if (ctx.endpoints().lastHttpEndpoint() == null) { // no route matched (before-handlers do not count)
        write(ctx, 404, "route_not_found", "No route for " + ctx.method() + " " + ctx.path(), Map.of());
      }
    });
    routes.error(405, ctx -> write(ctx, 405, "method_not_allowed",
        "Method " + ctx.method() + " is not allowed on " + ctx.path(), Map.of()));
  }

  /** Answers with a core error: its status, headers ({@code WWW-Authenticate}, {@code Retry-After}) and body. */
  public static void handle(VecStoreException e, Context ctx) {
    if (e instanceof UnauthenticatedException) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"vecstore\"");
    }
    if (e instanceof TooManyRequestsException t) {
      ctx.header("Retry-After", Long.toString(t.retryAfterSeconds()));
    }
    if (e instanceof UnavailableException u && u.retryAfterSeconds() > 0) {
      ctx.header("Retry-After", Integer.toString(u.retryAfterSeconds()));
    }
    if (e instanceof UnavailableException && e.getCause() != null) {
      LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
    }
    write(ctx, statusOf(e), e.code(), e.getMessage(), e.details());
  }

  /** Writes an error response: Pinecone's body shape under {@link #PINECONE_PREFIX}, ours elsewhere. */
  public static void write(Context ctx, int status, String code, String message, Map<String, Object> details) {
    ctx.status(status).contentType("application/json").result(body(ctx.path(), status, code, message, details));
  }

  /** The error body for a request to {@code path}: Pinecone's shape under {@link #PINECONE_PREFIX}, ours elsewhere. */
  static byte[] body(String path, int status, String code, String message, Map<String, Object> details) {
    return path != null && isPinecone(path)
        ? JsonCodec.toBytes(PineconeViews.error(code.equals(NOT_SUPPORTED) ? 12 : grpcCode(status), message, code, details))
        : body(code, message, details);
  }

  /** The code of a Pinecone feature VecStore does not have (gRPC UNIMPLEMENTED in Pinecone's body). */
  public static final String NOT_SUPPORTED = "not_supported";

  /** The path prefix of the Pinecone-compatible routes, whose errors have Pinecone's shape. */
  public static final String PINECONE_PREFIX = "/pinecone";

  static boolean isPinecone(String path) {
    return path.startsWith(PINECONE_PREFIX) && (path.length() == PINECONE_PREFIX.length()
        || path.charAt(PINECONE_PREFIX.length()) == '/');
  }

  /** The gRPC status number Pinecone's error bodies carry for an HTTP status. */
  static int grpcCode(int status) {
    return switch (status) {
      case 400, 413, 415 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 5; // NOT_FOUND
      case 409 -> 6; // ALREADY_EXISTS
      case 429, 507 -> 8; // RESOURCE_EXHAUSTED
      case 405, 501 -> 12; // UNIMPLEMENTED
      case 503 -> 14; // UNAVAILABLE
      default -> status >= 500 ? 13 : 2; // INTERNAL, UNKNOWN
    };
  }

  /** The error body: {@code {"error": message, "code": code, …details}}. */
  static byte[] body(String code, String message, Map<String, Object> details) {
    ObjectNode body = JsonCodec.MAPPER.createObjectNode();
    body.put("error", message);
    body.put("code", code);
    details.forEach((k, v) -> body.set(k, JsonCodec.MAPPER.valueToTree(v)));
    return JsonCodec.toBytes(body);
  }
}
