package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.index.VectorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a well-formed upsert body straight from the token stream: vector values go into float
 * arrays without a tree node (an exact decimal object) per number, which is most of the parse
 * cost of a large batch.
 *
 * <p>It only ever accepts: anything unusual (an unknown or repeated field, a wrong type, a null,
 * a non-finite number, malformed JSON) makes it give up and return null, and the caller parses the
 * body the ordinary way, which then reports the precise error. So the two paths cannot disagree
 * on what a valid request means or on the wording of an error.
 *
 * <p>Thread-safety: stateless.
 */
final class UpsertFastPath {

  private UpsertFastPath() {}

  /** The batch, or null when the body is not a plain valid upsert (the caller then parses it fully). */
  static List<VectorRecord> tryParse(byte[] body) {
    try (JsonParser p = JsonCodec.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT
          || p.nextToken() != JsonToken.FIELD_NAME || !"vectors".equals(p.currentName())
          || p.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      List<VectorRecord> out = new ArrayList<>();
      int dimensionHint = 16;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        VectorRecord r = t == JsonToken.START_OBJECT ? vector(p, dimensionHint) : null;
        if (r == null) {
          return null;
        }
        dimensionHint = r.values().length;
        out.add(r);
      }
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null; // malformed or out of range: the full parse words the error
    }
  }

  /** One {@code {id, values, metadata?}} object, the parser on its START_OBJECT; null to give up. */
  private static VectorRecord vector(JsonParser p, int dimensionHint) throws IOException {
    String id = null;
    float[] values = null;
    ObjectNode metadata = null;
    boolean sawMetadata = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> {
          if (id != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          id = p.getText();
        }
        case "values" -> {
          if (values != null || value != JsonToken.START_ARRAY || (values = JsonStreams.floats(p, dimensionHint)) == null) {
            return null;
          }
        }
        case "metadata" -> {
          if (sawMetadata || (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL)) {
            return null;
          }
          sawMetadata = true;
          if (value == JsonToken.START_OBJECT) {
            metadata = (ObjectNode) JsonStreams.OBJECT.readTree(p);
          }
        }
        default -> {
          return null;
        }
      }
    }
    return id == null || values == null ? null : new VectorRecord(id, values, metadata);
  }
}
