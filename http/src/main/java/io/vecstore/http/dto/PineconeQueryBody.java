package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.vector.SearchRequest;
import java.io.IOException;
import java.util.Set;

/**
 * The body of a Pinecone query, {@code {"namespace"?,"topK","vector"|"id","filter"?,
 * "includeValues"?,"includeMetadata"?,"maxCandidates"?,"scanFactor"?}}. As {@link QueryBody}
 * does for our own query: a streaming reading for plain valid bodies (the vector straight into a
 * float array), and a tree reading, whose checks word every error, for anything else.
 * {@code scanFactor} (a Pinecone tuning knob for dedicated read nodes) is accepted and ignored.
 *
 * <p>Stateless and thread-safe.
 */
final class PineconeQueryBody {

  private static final Set<String> FIELDS = Set.of("namespace", "topK", "vector", "id", "filter", "includeValues",
      "includeMetadata", "maxCandidates", "scanFactor", "sparseVector", "queries");

  private PineconeQueryBody() {}

  static PineconeBodies.Query parse(byte[] body) {
    PineconeBodies.Query streamed = stream(body);
    return streamed != null ? streamed : fromTree(JsonCodec.parse(body));
  }

  /** The query, or null when the body is not a plain valid one. */
  static PineconeBodies.Query stream(byte[] body) {
    try (JsonParser p = JsonCodec.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String namespace = null;
      float[] vector = null;
      int topK = 0;
      Integer maxCandidates = null;
      JsonNode filter = null;
      boolean includeValues = false;
      boolean includeMetadata = false;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "namespace" -> {
            if (value != JsonToken.VALUE_STRING) {
              return null;
            }
            namespace = p.getText();
          }
          case "topK" -> {
            if (!JsonStreams.isInt(p, value)) {
              return null;
            }
            topK = p.getIntValue();
          }
          case "vector" -> {
            if (value != JsonToken.START_ARRAY || (vector = JsonStreams.floats(p, 16)) == null) {
              return null;
            }
          }
          case "filter" -> {
            if (value != JsonToken.START_OBJECT) {
              return null;
            }
            filter = JsonStreams.OBJECT.readTree(p);
          }
          case "includeValues", "includeMetadata" -> {
            if (!value.isBoolean()) {
              return null;
            }
            if (field.equals("includeValues")) {
              includeValues = value == JsonToken.VALUE_TRUE;
            } else {
              includeMetadata = value == JsonToken.VALUE_TRUE;
            }
          }
          case "maxCandidates" -> {
            if (!JsonStreams.isInt(p, value)) {
              return null;
            }
            maxCandidates = p.getIntValue();
          }
          default -> {
            return null; // an id query, a repeated or unusual field: the tree reading handles it
          }
        }
      }
      if (vector == null || p.nextToken() != null || !valid(topK, maxCandidates)) {
        return null;
      }
      return new PineconeBodies.Query(namespace, vector, null, topK, maxCandidates, filter, includeValues, includeMetadata);
    } catch (IOException | RuntimeException e) {
      return null; // malformed, out of range or invalid: the tree reading words the error
    }
  }

  private static boolean valid(int topK, Integer maxCandidates) {
    return topK >= 1 && topK <= SearchRequest.MAX_NUM_CANDIDATES
        && (maxCandidates == null || maxCandidates >= topK && maxCandidates <= SearchRequest.MAX_NUM_CANDIDATES);
  }

  /** The query from a parsed body, with every check and its message. */
  static PineconeBodies.Query fromTree(JsonNode json) {
    Body b = Body.of(json, "query request", FIELDS);
    PineconeBodies.refuseSparse(b, "sparseVector", "");
    if (b.optional("queries") != null) {
      throw new InvalidRequestException("queries (several queries in one request) is not supported: send one query per request");
    }
    Integer topK = b.optionalInt("topK");
    if (topK == null) {
      throw new InvalidRequestException("topK is required in query request");
    }
    if (topK < 1 || topK > SearchRequest.MAX_NUM_CANDIDATES) {
      throw new InvalidRequestException("topK must be between 1 and " + SearchRequest.MAX_NUM_CANDIDATES + ", got: " + topK);
    }
    Integer maxCandidates = b.optionalInt("maxCandidates");
    if (maxCandidates != null && (maxCandidates < topK || maxCandidates > SearchRequest.MAX_NUM_CANDIDATES)) {
      throw new InvalidRequestException("maxCandidates must be between topK (" + topK + ") and "
          + SearchRequest.MAX_NUM_CANDIDATES + ", got: " + maxCandidates);
    }
    Double scanFactor = b.optionalNumber("scanFactor");
    if (scanFactor != null && !(scanFactor >= 0.5 && scanFactor <= 4)) {
      throw new InvalidRequestException("scanFactor must be between 0.5 and 4, got: " + json.get("scanFactor"));
    }
    JsonNode vector = b.optional("vector");
    String id = b.optionalString("id");
    if ((vector == null) == (id == null)) {
      throw new InvalidRequestException("query request needs exactly one of 'vector' and 'id'");
    }
    return new PineconeBodies.Query(b.optionalString("namespace"), vector == null ? null : Body.floats("vector", vector),
        id, topK, maxCandidates, PineconeBodies.objectFilter(b.optional("filter")),
        b.optionalBoolean("includeValues", false), b.optionalBoolean("includeMetadata", false));
  }
}
