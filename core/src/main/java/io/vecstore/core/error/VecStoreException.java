package io.vecstore.core.error;

import java.util.Map;

/**
 * The one family of errors that core throws to its callers. Each carries a stable {@link #code()}
 * that clients branch on, a human message in the guide's wording, and optional details that are
 * rendered next to the message (for example {@code limit} and {@code value} of a quota).
 *
 * <p>The family is sealed so the HTTP layer's mapping to status codes is an exhaustive switch: a new
 * kind of error is a compile error there until it gets a status.
 */
public abstract sealed class VecStoreException extends RuntimeException
    permits InvalidRequestException,
        NotFoundException,
        AlreadyExistsException,
        QuotaExceededException,
        RejectedByStatusException,
        TooManyRequestsException,
        UnavailableException,
        UnauthenticatedException,
        ForbiddenException {

  private final String code;
  private final Map<String, Object> details;

  VecStoreException(String code, String message, Map<String, Object> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    // Not Map.copyOf: a detail may be null (an unlimited quota's value).
    this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
  }

  /** The stable, machine-readable error code, e.g. {@code namespace_not_found}. */
  public final String code() {
    return code;
  }

  /** Extra fields for the error body, in their order; never null, possibly empty; values may be null. */
  public final Map<String, Object> details() {
    return details;
  }
}
