package io.vecstore.core.vector;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One vector with its id and optional metadata, as upserted and as fetched. The values array is
 * owned by the record: callers must not change it after handing it over.
 *
 * @param metadata the metadata object, or null when the vector has none
 */
public record VectorRecord(String id, float[] values, ObjectNode metadata) {
  public VectorRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(values, "values");
  }
}
