package io.vecstore.core.error;

import java.util.Map;

/** Rate limit or concurrent-query limit hit; the caller may retry after {@link #retryAfterSeconds()}. */
public final class TooManyRequestsException extends VecStoreException {

  private final long retryAfterSeconds;

  public TooManyRequestsException(String code, String message, long retryAfterSeconds) {
    super(code, message, Map.of("retry_after_seconds", retryAfterSeconds), null);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
