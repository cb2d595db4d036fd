package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.vector.Fusion;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.SearchRequest;
import java.io.IOException;
import java.util.Set;

/**
 * The query body, {@code {"vector"?:[…],"text"?,"mode"?,"fusion"?,"k"?,"num_candidates"?,"filter"?,
 * "include_metadata"?,"include_values"?,"include_text"?}} (vector or text, or both): its field names and defaults in one table ({@link Field}), and its one
 * parser. The parser streams the body (the vector straight into a float array, no tree node per
 * number: on a 384-d query the tree parse cost as much as the rest of the HTTP layer). It only
 * ever accepts: anything unusual (an unknown or repeated field, a value of another type, a null,
 * a non-finite number, malformed JSON) makes it read the body again as a tree, whose checks word
 * the precise error. So both readings agree on what a valid query is, by construction.
 *
 * <p>Stateless and thread-safe.
 */
public final class QueryBody {

  /** The fields of a query body. */
  enum Field {
    VECTOR("vector"),
    K("k"),
    NUM_CANDIDATES("num_candidates"),
    FILTER("filter"),
    INCLUDE_METADATA("include_metadata"),
    INCLUDE_VALUES("include_values"),
    TEXT("text"),
    MODE("mode"),
    FUSION("fusion"),
    INCLUDE_TEXT("include_text");

    final String wireName;

    Field(String wireName) {
      this.wireName = wireName;
    }

    static Field of(String name) {
      for (Field f : values()) {
        if (f.wireName.equals(name)) {
          return f;
        }
      }
      return null;
    }

    static final Set<String> NAMES = Set.of(java.util.Arrays.stream(values()).map(f -> f.wireName).toArray(String[]::new));
  }

  private QueryBody() {}

  /** The request a body asks for; a 400 naming the field and the value when it is not a valid query. */
  public static SearchRequest parse(byte[] body) {
    SearchRequest streamed = stream(body);
    return streamed != null ? streamed : fromTree(JsonCodec.parse(body));
  }

  /** The request, or null when the body is not a plain valid query. */
  static SearchRequest stream(byte[] body) {
    try (JsonParser p = JsonCodec.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Values v = new Values();
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        Field field = Field.of(p.currentName());
        JsonToken value = p.nextToken();
        if (field == null || (seen & (1 << field.ordinal())) != 0 || !v.read(field, p, value)) {
          return null;
        }
        seen |= 1 << field.ordinal();
      }
      if ((v.vector == null && v.text == null) || p.nextToken() != null) {
        return null;
      }
      return v.request();
    } catch (IOException | RuntimeException e) {
      return null; // malformed, out of range or invalid: the tree reading words the error
    }
  }

  /** The request from a parsed body, with every check and its message. */
  static SearchRequest fromTree(JsonNode json) {
    Body b = Body.of(json, "query request", Field.NAMES);
    Values v = new Values();
    JsonNode vector = b.optional(Field.VECTOR.wireName);
    v.text = b.optionalString(Field.TEXT.wireName);
    v.vector = vector == null ? null : Body.floats(Field.VECTOR.wireName, vector); // neither: SearchRequest says so
    String mode = b.optionalString(Field.MODE.wireName);
    v.mode = mode == null ? null : SearchMode.parse(mode);
    v.fusion = fusion(b.optional(Field.FUSION.wireName));
    v.includeText = b.optionalBoolean(Field.INCLUDE_TEXT.wireName, v.includeText);
    Integer k = b.optionalInt(Field.K.wireName);
    v.k = k == null ? v.k : k;
    v.numCandidates = b.optionalInt(Field.NUM_CANDIDATES.wireName);
    v.filter = Requests.filter(b.optional(Field.FILTER.wireName));
    v.includeMetadata = b.optionalBoolean(Field.INCLUDE_METADATA.wireName, v.includeMetadata);
    v.includeValues = b.optionalBoolean(Field.INCLUDE_VALUES.wireName, v.includeValues);
    return v.request();
  }

  private static final Set<String> FUSION_FIELDS = Set.of("method", "rank_constant", "window", "weights");
  private static final Set<String> WEIGHT_FIELDS = Set.of("vector", "keyword");

  /**
   * {@code {"method"?: "rrf" | "linear", "rank_constant"?, "window"?, "weights"?: {"vector"?, "keyword"?}}},
   * every field defaulted as {@link Fusion#DEFAULT}; null when absent.
   */
  static Fusion fusion(JsonNode json) {
    if (json == null) {
      return null;
    }
    Body b = Body.of(json, "fusion", FUSION_FIELDS);
    String method = b.optionalString("method");
    Integer rankConstant = b.optionalInt("rank_constant");
    JsonNode weights = b.optional("weights");
    Double vectorWeight = null;
    Double keywordWeight = null;
    if (weights != null) {
      Body w = Body.of(weights, "fusion.weights", WEIGHT_FIELDS);
      vectorWeight = w.optionalNumber("vector");
      keywordWeight = w.optionalNumber("keyword");
    }
    Fusion d = Fusion.DEFAULT;
    return new Fusion(method == null ? d.method() : Fusion.Method.parse(method),
        rankConstant == null ? d.rankConstant() : rankConstant, b.optionalInt("window"),
        vectorWeight == null ? d.vectorWeight() : vectorWeight, keywordWeight == null ? d.keywordWeight() : keywordWeight);
  }

  /** The values read so far, starting at the defaults. */
  private static final class Values {
    float[] vector;
    int k = SearchRequest.DEFAULT_K;
    Integer numCandidates;
    JsonNode filter;
    boolean includeMetadata = SearchRequest.DEFAULT_INCLUDE_METADATA;
    boolean includeValues = SearchRequest.DEFAULT_INCLUDE_VALUES;
    String text;
    SearchMode mode;
    Fusion fusion;
    boolean includeText = SearchRequest.DEFAULT_INCLUDE_TEXT;

    /** Reads one field's plain value; false for anything unusual. */
    boolean read(Field field, JsonParser p, JsonToken value) throws IOException {
      switch (field) {
        case VECTOR -> {
          return value == JsonToken.START_ARRAY && (vector = JsonStreams.floats(p, 16)) != null;
        }
        case K -> {
          if (!JsonStreams.isInt(p, value)) {
            return false;
          }
          k = p.getIntValue();
        }
        case NUM_CANDIDATES -> {
          if (!JsonStreams.isInt(p, value)) {
            return false;
          }
          numCandidates = p.getIntValue();
        }
        case FILTER -> {
          if (value == JsonToken.VALUE_STRING) {
            filter = JsonCodec.MAPPER.getNodeFactory().textNode(p.getText());
          } else if (value == JsonToken.START_OBJECT) {
            filter = JsonStreams.OBJECT.readTree(p);
          } else {
            return false;
          }
        }
        case INCLUDE_METADATA -> {
          if (!value.isBoolean()) {
            return false;
          }
          includeMetadata = value == JsonToken.VALUE_TRUE;
        }
        case INCLUDE_VALUES -> {
          if (!value.isBoolean()) {
            return false;
          }
          includeValues = value == JsonToken.VALUE_TRUE;
        }
        case INCLUDE_TEXT -> {
          if (!value.isBoolean()) {
            return false;
          }
          includeText = value == JsonToken.VALUE_TRUE;
        }
        case TEXT -> {
          if (value != JsonToken.VALUE_STRING) {
            return false;
          }
          text = p.getText();
        }
        case MODE -> {
          if (value != JsonToken.VALUE_STRING) {
            return false;
          }
          mode = SearchMode.parse(p.getText()); // an unknown mode throws: the tree reading words it
        }
        case FUSION -> {
          if (value != JsonToken.START_OBJECT) {
            return false;
          }
          fusion = fusion(JsonStreams.OBJECT.readTree(p));
        }
      }
      return true;
    }

    SearchRequest request() {
      return new SearchRequest(vector, k, numCandidates, filter, includeMetadata, includeValues, text, mode, fusion,
          includeText);
    }
  }
}
