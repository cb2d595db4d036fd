package io.vecstore.core;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Arrays;
import java.util.Locale;

/**
 * How enum values are written in JSON, namespace.json and flags: the constant's name in lower case
 * ({@code READ_ONLY} is {@code read_only}). One rule for every enum, and one error when a value is
 * not one of them. Stateless and thread-safe.
 */
public final class WireNames {

  private WireNames() {}

  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant whose wire name is {@code value}, case-insensitive; else a 400 naming the field,
   * the allowed values and the value: {@code metric must be one of [cosine, …], got: x}.
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
    for (E e : type.getEnumConstants()) {
      if (of(e).equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new InvalidRequestException(field + " must be one of " + allowed(type) + ", got: " + value);
  }

  /** {@code [a, b, c]}: the wire names of every constant, for messages. */
  public static String allowed(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(WireNames::of).toList().toString();
  }
}
