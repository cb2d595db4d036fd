package io.vecstore.http.errors;

/**
 * An error that only the HTTP layer can detect (unknown route, body too large, wrong content
 * type). Core errors are {@link io.vecstore.core.error.VecStoreException}s instead.
 */
public final class HttpError extends RuntimeException {

  private final int status;
  private final String code;

  public HttpError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static HttpError payloadTooLarge(long limit) {
    return new HttpError(413, "payload_too_large", "Request body exceeds the limit of " + limit + " bytes");
  }

  public static HttpError unsupportedMediaType(String contentType) {
    return new HttpError(415, "unsupported_media_type",
        "Content-Type must be application/json, got: " + contentType);
  }

  public static HttpError unreadableBody(java.io.IOException cause) {
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new HttpError(400, "malformed_body", "Request body could not be read: " + reason);
  }
}
