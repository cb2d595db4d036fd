package io.vecstore.http.dto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validating access to one JSON object of a request. Every failure is a 400 that names the
 * field, the rule and the value. Unknown fields are rejected (a typo such as {@code top_k} would
 * otherwise silently fall back to a default). Not thread-safe; one per request.
 */
final class Body {

  private final JsonNode node;
  private final String what;

  private Body(JsonNode node, String what) {
    this.node = node;
    this.what = what;
  }

  /** Wraps {@code node}, which must be an object with no fields outside {@code allowed}. */
  static Body of(JsonNode node, String what, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new InvalidRequestException(what + " must be a JSON object, got: " + JsonTypes.describe(node));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new InvalidRequestException(
            "Unknown field '" + field + "' in " + what + "; allowed: " + new TreeSet<>(allowed));
      }
    }
    return new Body(node, what);
  }

  /** The raw value, or null when absent or JSON null. */
  JsonNode optional(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** Present, even if its value is JSON null. */
  boolean present(String field) {
    return node.has(field);
  }

  String requiredString(String field) {
    String s = optionalString(field);
    if (s == null) {
      throw new InvalidRequestException(field + " is required in " + what);
    }
    return s;
  }

  String optionalString(String field) {
    JsonNode v = optional(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidRequestException(field + " must be a string, got: " + JsonTypes.describe(v));
    }
    return v.textValue();
  }

  boolean optionalBoolean(String field, boolean fallback) {
    JsonNode v = optional(field);
    if (v == null) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new InvalidRequestException(field + " must be true or false, got: " + JsonTypes.describe(v));
    }
    return v.booleanValue();
  }

  Integer optionalInt(String field) {
    Long v = optionalLong(field);
    if (v == null) {
      return null;
    }
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw new InvalidRequestException(field + " is out of range, got: " + v);
    }
    return v.intValue();
  }

  Long optionalLong(String field) {
    JsonNode v = optional(field);
    return v == null ? null : integer(field, v);
  }

  Double optionalNumber(String field) {
    JsonNode v = optional(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw new InvalidRequestException(field + " must be a number, got: " + JsonTypes.describe(v));
    }
    return v.doubleValue();
  }

  /** An integral JSON number that fits in a long ({@code 5} and {@code 5.0} are fine, {@code 5.5} is not). */
  static long integer(String field, JsonNode v) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber() && isFinite(v)) {
      try {
        return v.decimalValue().stripTrailingZeros().longValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // not integral or out of range: reported below
      }
    }
    throw new InvalidRequestException(field + " must be an integer, got: " + JsonTypes.describe(v));
  }

  /** False for the NaN and Infinity literals the parser reads (so that they get a message, not a parse error). */
  static boolean isFinite(JsonNode number) {
    return !number.isFloatingPointNumber() || !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
  }

  /** A JSON object value named {@code field} (a path such as {@code vectors[2].metadata}), or null when absent. */
  static ObjectNode object(String field, JsonNode v) {
    if (v != null && !v.isObject()) {
      throw new InvalidRequestException(field + " must be a JSON object, got: " + JsonTypes.describe(v));
    }
    return (ObjectNode) v;
  }

  /** A JSON array of numbers as 32-bit floats; non-finite values are left for core to reject by index. */
  static float[] floats(String field, JsonNode v) {
    if (v == null || !v.isArray()) {
      throw new InvalidRequestException(field + " must be an array of numbers, got: " + JsonTypes.describe(v));
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber()) {
        throw new InvalidRequestException(
            field + " must be an array of numbers, got: " + JsonTypes.describe(e) + " at index " + i);
      }
      out[i] = (float) e.doubleValue();
    }
    return out;
  }
}
