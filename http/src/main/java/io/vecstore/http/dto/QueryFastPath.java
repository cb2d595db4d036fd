package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.namespace.SearchRequest;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a well-formed query body straight from the token stream. The query vector is most of a
 * query body, and the tree parse holds each of its numbers as an exact decimal object before
 * turning it into a float: on a 384-d query that parse cost about as much as the rest of the HTTP
 * layer together.
 *
 * <p>Like {@link UpsertFastPath} it only ever accepts: an unknown or repeated field, a value of an
 * unexpected type (including null), a non-finite number or malformed JSON make it return null, and
 * the caller parses the body the ordinary way, which reports the precise error.
 *
 * <p>Thread-safety: stateless.
 */
final class QueryFastPath {

  private QueryFastPath() {}

  /** The request, or null when the body is not a plain valid query (the caller then parses it fully). */
  static SearchRequest tryParse(byte[] body) {
    try (JsonParser p = JsonCodec.MAPPER.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      float[] vector = null;
      int k = SearchRequest.DEFAULT_K;
      Integer numCandidates = null;
      JsonNode filter = null;
      boolean includeMetadata = true;
      boolean includeValues = false;
      Set<String> seen = new HashSet<>(8);
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!seen.add(field)) {
          return null;
        }
        switch (field) {
          case "vector" -> {
            if (value != JsonToken.START_ARRAY || (vector = JsonStreams.floats(p, 16)) == null) {
              return null;
            }
          }
          case "k" -> {
            if (!isInt(p, value)) {
              return null;
            }
            k = p.getIntValue();
          }
          case "num_candidates" -> {
            if (!isInt(p, value)) {
              return null;
            }
            numCandidates = p.getIntValue();
          }
          case "filter" -> {
            if (value == JsonToken.VALUE_STRING) {
              filter = JsonCodec.MAPPER.getNodeFactory().textNode(p.getText());
            } else if (value == JsonToken.START_OBJECT) {
              filter = JsonStreams.OBJECT.readTree(p);
            } else {
              return null;
            }
          }
          case "include_metadata" -> {
            if (!value.isBoolean()) {
              return null;
            }
            includeMetadata = value == JsonToken.VALUE_TRUE;
          }
          case "include_values" -> {
            if (!value.isBoolean()) {
              return null;
            }
            includeValues = value == JsonToken.VALUE_TRUE;
          }
          default -> {
            return null;
          }
        }
      }
      if (vector == null || p.nextToken() != null) {
        return null;
      }
      return new SearchRequest(vector, k, numCandidates, filter, includeMetadata, includeValues);
    } catch (IOException | RuntimeException e) {
      return null; // malformed or out of range: the full parse words the error
    }
  }

  private static boolean isInt(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
  }
}
