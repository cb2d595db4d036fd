package io.vecstore.demo;

/**
 * An error as the demo's caller sees it, in either mode: the stable {@code code} clients branch
 * on, the message in the guide's wording, and (over REST) the HTTP status and {@code Retry-After}.
 * Embedded mode has no HTTP status: {@link #status()} is 0 there.
 */
final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  ApiException(int status, String code, String message, long retryAfterSeconds) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The HTTP status over REST; 0 in embedded mode. */
  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** Seconds to wait before retrying (429s), or 0 for no advice. */
  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** {@code 403 quota_exceeded: Upsert would exceed …} over REST, {@code quota_exceeded: …} embedded. */
  String shown() {
    return (status == 0 ? "" : status + " ") + code + ": " + getMessage();
  }
}
