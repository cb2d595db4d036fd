package io.vecstore.core.namespace;

import io.vecstore.core.config.Limits;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.vector.VectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Checks vectors, ids and metadata against the server's {@link Limits}. Stateless, thread-safe. */
final class RecordValidator {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The longest vector any metric can score: Lucene computes dot products and squared lengths in
   * 32-bit floats, and two vectors of at most this length keep every such sum (a·b, ‖a‖², ‖a − b‖²)
   * below Float.MAX_VALUE. A longer one makes scores infinite or NaN: its neighbours vanish from
   * search results and the graph can no longer be searched (CheckIndex fails).
   */
  static final double MAX_NORM = Math.sqrt(Float.MAX_VALUE) / 2;
  private static final String MAX_NORM_TEXT = String.format(java.util.Locale.ROOT, "%.3g", MAX_NORM);

  private final Limits limits;

  RecordValidator(Limits limits) {
    this.limits = limits;
  }

  /** A valid batch's common dimension and the size of its metadata as JSON (measured once, here). */
  record Shape(int dimension, long metadataBytes) {}

  /** Validates a batch. */
  Shape validateBatch(List<VectorRecord> batch, Metric metric) {
    if (batch.isEmpty()) {
      throw new InvalidRequestException("vectors must contain at least one vector");
    }
    int dimension = batch.getFirst().values().length;
    long metadataBytes = 0;
    for (VectorRecord r : batch) {
      validateId(r.id());
      String what = "vector '" + r.id() + "'";
      validateValues(what, r.values(), metric);
      if (r.values().length != dimension) {
        throw new InvalidRequestException(
            InvalidRequestException.DIMENSION_MISMATCH,
            "Vector dimension mismatch: expected " + dimension + ", got " + r.values().length
                + " (vectors of one batch must have the same dimension; " + what + ")");
      }
      if (r.metadata() != null) {
        metadataBytes += validateMetadata(what, r.metadata());
      }
    }
    return new Shape(dimension, metadataBytes);
  }

  /**
   * Checks the texts of a batch against the namespace: text only where the namespace takes it
   * (text search or an embedding model), values only left out where it embeds, no blank or
   * oversize text.
   */
  void validateTexts(List<VectorRecord> batch, String namespaceId, IndexOptions options) {
    for (VectorRecord r : batch) {
      String what = "vector '" + r.id() + "'";
      if (r.text() != null) {
        if (!options.takesText()) {
          throw new InvalidRequestException("text of " + what + " cannot be stored: namespace '" + namespaceId
              + "' has neither text search nor an embedding model (set text or embedding when creating it)");
        }
        validateText("text of " + what, r.text());
      }
      if (r.values() == null && options.embedding() == null) {
        throw new InvalidRequestException("values of " + what + " are required: namespace '" + namespaceId
            + "' has no embedding model to embed its text");
      }
    }
  }

  /** Checks one text: not blank, within the byte limit. {@code what} names it in the message. */
  void validateText(String what, String text) {
    if (text.isBlank()) {
      throw new InvalidRequestException(what + " must not be blank");
    }
    // UTF-8 is at most 3 bytes per UTF-16 unit: most texts pass without being measured.
    if ((long) text.length() * 3 > limits.maxTextBytes()) {
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > limits.maxTextBytes()) {
        throw new InvalidRequestException(InvalidRequestException.LIMIT_EXCEEDED,
            what + " is " + bytes + " bytes of UTF-8, over the limit of " + limits.maxTextBytes());
      }
    }
  }

  void validateId(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidRequestException("vector id must not be empty");
    }
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxIdBytes()) {
      throw new InvalidRequestException(
          "vector id must be at most " + limits.maxIdBytes() + " bytes of UTF-8, got: " + bytes + " bytes");
    }
  }

  void validateValues(String what, float[] values, Metric metric) {
    if (values.length == 0) {
      throw new InvalidRequestException("values of " + what + " must not be empty");
    }
    boolean zero = true;
    double squares = 0;
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!Float.isFinite(v)) {
        throw new InvalidRequestException(
            "values of " + what + " must be finite 32-bit floats, got: " + v + " at index " + i);
      }
      zero &= v == 0f;
      squares += (double) v * v;
    }
    double norm = Math.sqrt(squares);
    if (norm > MAX_NORM) {
      throw new InvalidRequestException(
          "values of " + what + " are too large: the vector's length (L2 norm) must be at most " + MAX_NORM_TEXT
              + ", got: " + String.format(java.util.Locale.ROOT, "%.3g", norm));
    }
    if (zero && metric == Metric.COSINE) {
      throw new InvalidRequestException(
          what + " is all zeros; cosine distance is undefined for a zero vector");
    }
  }

  /** Returns the metadata's size as JSON. */
  private int validateMetadata(String what, JsonNode metadata) {
    int depth = depth(what, metadata, 1);
    if (depth > limits.maxMetadataDepth()) {
      throw new InvalidRequestException(
          "metadata of " + what + " nests " + depth + " levels deep, over the limit of " + limits.maxMetadataDepth());
    }
    int bytes;
    try {
      bytes = JSON.writeValueAsBytes(metadata).length;
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("metadata of " + what + " cannot be serialized: " + e.getOriginalMessage());
    }
    if (bytes > limits.maxMetadataBytes()) {
      throw new InvalidRequestException(
          "metadata of " + what + " is " + bytes + " bytes, over the limit of " + limits.maxMetadataBytes());
    }
    return bytes;
  }

  /**
   * How deep the containers nest; also refuses NaN and ±Infinity (which the JSON reader accepts so
   * that they get this message): metadata holds JSON values, and those are not JSON numbers.
   */
  private int depth(String what, JsonNode node, int level) {
    if (level > limits.maxMetadataDepth()) {
      return level; // deep enough to reject; stop walking
    }
    int max = level;
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (child.isContainerNode()) {
          max = Math.max(max, depth(what, child, level + 1));
        } else if (child.isNumber() && (child.isDouble() || child.isFloat()) && !Double.isFinite(child.doubleValue())) {
          throw new InvalidRequestException(
              "metadata of " + what + " must hold finite numbers, got: " + child.asText());
        }
      }
    }
    return max;
  }
}
