package io.vecstore.http.errors;

import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself, before any route runs (a malformed request line, an
 * ambiguous or illegal path such as {@code ..%2F}, oversized headers): the same JSON body as
 * every other error instead of Jetty's HTML page.
 */
public final class JettyErrorHandler extends ErrorHandler {

  /** A JSON body for every method: Jetty writes one only for GET, POST and HEAD by default. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
    response.write(true, ByteBuffer.wrap(ErrorResponses.body(path, code, codeOf(code), describe(code, message), Map.of())),
        callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    return ByteBuffer.wrap(ErrorResponses.body(codeOf(status), describe(status, reason), Map.of()));
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "route_not_found";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> "http_error";
    };
  }

  private static String describe(int status, String message) {
    String reason = message == null || message.isBlank() ? "" : ": " + message;
    return "Request rejected by the HTTP server (" + status + ")" + reason;
  }
}
