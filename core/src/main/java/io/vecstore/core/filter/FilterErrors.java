package io.vecstore.core.filter;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Map;

/** Builds the {@code invalid_filter} errors, so every message ends with where the problem is. */
final class FilterErrors {

  private FilterErrors() {}

  /** An error in the string form, at a 0-based character offset of the filter text. */
  static InvalidRequestException at(String message, int position) {
    return new InvalidRequestException(
        InvalidRequestException.INVALID_FILTER, message + " at " + position, Map.of("position", position));
  }

  /** An error in the JSON form, at a JSON-pointer path such as {@code /$or/1/year/$gte}. */
  static InvalidRequestException atPath(String message, String path) {
    return new InvalidRequestException(
        InvalidRequestException.INVALID_FILTER, message + " at " + path, Map.of("path", path));
  }
}
