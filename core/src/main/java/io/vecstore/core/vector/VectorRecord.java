package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One vector with its id, optional metadata and optional text, as upserted and as fetched. The
 * values array is owned by the record: callers must not change it after handing it over.
 *
 * @param values the vector; null only in an upsert whose text the server embeds
 * @param metadata the metadata object, or null when the vector has none
 * @param text the record's text (full-text indexed and/or embedded), or null
 */
public record VectorRecord(String id, float[] values, ObjectNode metadata, String text) {
  public VectorRecord {
    Objects.requireNonNull(id, "id");
    if (values == null && text == null) {
      throw new NullPointerException("values (a record without text needs values)");
    }
  }

  /** A record without text. */
  public VectorRecord(String id, float[] values, ObjectNode metadata) {
    this(id, Objects.requireNonNull(values, "values"), metadata, null);
  }

  /** This record with the vector the server embedded its text into. */
  public VectorRecord withValues(float[] embedded) {
    return new VectorRecord(id, embedded, metadata, text);
  }
}
