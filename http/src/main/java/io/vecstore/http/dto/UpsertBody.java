package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.vector.VectorRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The upsert body, {@code {"vectors":[{"id","values"?:[…],"metadata"?:{…},"text"?:"…"}]}} (values
 * may be left out where the namespace embeds the text): its field names in
 * one place and its one parser. The parser streams the body, vector values straight into float
 * arrays (no tree node per number, which was most of the parse cost of a large batch), and only
 * ever accepts: anything unusual (an unknown or repeated field, a wrong type, a null, a
 * non-finite number, malformed JSON) makes it read the body again as a tree, whose checks word
 * the precise error. So both readings agree on what a valid batch is, by construction.
 *
 * <p>Stateless and thread-safe.
 */
public final class UpsertBody {

  static final String VECTORS = "vectors";
  static final String ID = "id";
  static final String VALUES = "values";
  static final String METADATA = "metadata";
  static final String TEXT = "text";
  private static final Set<String> BODY_FIELDS = Set.of(VECTORS);
  private static final Set<String> VECTOR_FIELDS = Set.of(ID, VALUES, METADATA, TEXT);

  private UpsertBody() {}

  /** The batch a body holds; a 400 naming the field and the value when it is not a valid upsert. */
  public static List<VectorRecord> parse(byte[] body) {
    List<VectorRecord> streamed = stream(body);
    return streamed != null ? streamed : fromTree(JsonCodec.parse(body));
  }

  /** The batch, or null when the body is not a plain valid upsert. */
  static List<VectorRecord> stream(byte[] body) {
    try (JsonParser p = JsonCodec.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT
          || p.nextToken() != JsonToken.FIELD_NAME || !VECTORS.equals(p.currentName())
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
        dimensionHint = r.values() == null ? dimensionHint : r.values().length;
        out.add(r);
      }
      if (p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null;
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return null; // malformed or out of range: the tree reading words the error
    }
  }

  /** One {@code {id, values?, metadata?, text?}} object, the parser on its START_OBJECT; null to give up. */
  private static VectorRecord vector(JsonParser p, int dimensionHint) throws IOException {
    String id = null;
    String text = null;
    float[] values = null;
    ObjectNode metadata = null;
    boolean sawMetadata = false;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case ID -> {
          if (id != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          id = p.getText();
        }
        case VALUES -> {
          if (values != null || value != JsonToken.START_ARRAY || (values = JsonStreams.floats(p, dimensionHint)) == null) {
            return null;
          }
        }
        case TEXT -> {
          if (text != null || value != JsonToken.VALUE_STRING) {
            return null;
          }
          text = p.getText();
        }
        case METADATA -> {
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
    return id == null || (values == null && text == null) ? null : new VectorRecord(id, values, metadata, text);
  }

  /** The batch from a parsed body, with every check and its message. */
  static List<VectorRecord> fromTree(JsonNode json) {
    Body b = Body.of(json, "upsert request", BODY_FIELDS);
    JsonNode vectors = b.optional(VECTORS);
    if (vectors == null || !vectors.isArray()) {
      throw new InvalidRequestException("vectors must be an array of {id, values, metadata, text}, got: "
          + JsonTypes.describe(vectors));
    }
    List<VectorRecord> out = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      String at = VECTORS + "[" + i + "]";
      Body v = Body.of(vectors.get(i), at, VECTOR_FIELDS);
      ObjectNode metadata = Body.object(at + "." + METADATA, v.optional(METADATA));
      String id = v.optionalString(ID);
      if (id == null) {
        throw new InvalidRequestException(at + "." + ID + " is required");
      }
      JsonNode textNode = v.optional(TEXT);
      if (textNode != null && !textNode.isTextual()) {
        throw new InvalidRequestException(at + "." + TEXT + " must be a string, got: " + JsonTypes.describe(textNode));
      }
      String text = textNode == null ? null : textNode.textValue();
      if (text == null || v.optional(VALUES) != null) {
        out.add(new VectorRecord(id, Body.floats(at + "." + VALUES, v.optional(VALUES)), metadata, text));
      } else {
        out.add(new VectorRecord(id, null, metadata, text)); // the namespace's model embeds it, or core says why not
      }
    }
    return out;
  }
}
