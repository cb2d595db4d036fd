package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * Token-stream reading shared by the streaming body parsers ({@link UpsertBody},
 * {@link QueryBody}). Every method returns null instead of throwing when the input is not the
 * plain shape it expects, so the caller can fall back to the full parse and its precise errors.
 *
 * <p>Thread-safety: stateless.
 */
final class JsonStreams {

  /** Reads one JSON object mid-stream: the body goes on after it, so no trailing-token check. */
  static final ObjectReader OBJECT =
      JsonCodec.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonStreams() {}

  /** The numbers of an array, the parser on its START_ARRAY; null when one is not a finite number. */
  static float[] floats(JsonParser p, int sizeHint) throws IOException {
    float[] out = new float[Math.max(1, sizeHint)];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        return null;
      }
      double d = p.getDoubleValue();
      if (!Double.isFinite(d)) {
        return null;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      out[n++] = (float) d;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Whether the current value is a JSON integer that fits in an int. */
  static boolean isInt(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
  }
}
