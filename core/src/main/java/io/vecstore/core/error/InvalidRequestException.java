package io.vecstore.core.error;

import java.util.Map;

/**
 * The request itself is wrong: a bad field, a value out of range, a dimension mismatch, a bad
 * filter, a quota above its plan's ceiling.
 */
public final class InvalidRequestException extends VecStoreException {

  /** Generic bad input. */
  public static final String INVALID_ARGUMENT = "invalid_argument";
  /** A vector or query has another dimension than the namespace. */
  public static final String DIMENSION_MISMATCH = "dimension_mismatch";
  /** A filter that does not parse or compile; details carry {@code position}. */
  public static final String INVALID_FILTER = "invalid_filter";
  /** k, batch size or dimension over the namespace's request quotas. */
  public static final String LIMIT_EXCEEDED = "limit_exceeded";
  /**
   * A quota above its plan's ceiling without the admin's override; details carry {@code quota},
   * {@code value}, {@code ceiling} and {@code plan}.
   */
  public static final String EXCEEDS_PLAN = "exceeds_plan";

  public InvalidRequestException(String message) {
    this(INVALID_ARGUMENT, message, Map.of());
  }

  public InvalidRequestException(String code, String message) {
    this(code, message, Map.of());
  }

  public InvalidRequestException(String code, String message, Map<String, Object> details) {
    super(code, message, details, null);
  }
}
