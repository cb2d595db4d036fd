package io.vecstore.http.dto;

import com.fasterxml.jackson.databind.JsonNode;

/** Short descriptions of JSON values for error messages. */
final class JsonTypes {

  private static final int MAX_SHOWN = 60;

  private JsonTypes() {}

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isObject()) {
      return "an object";
    }
    if (v.isArray()) {
      return "an array";
    }
    String text = v.toString();
    return text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text;
  }
}
