package io.vecstore.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import org.apache.lucene.search.Query;

/** Entry point of the filter language: filter text or JSON to a Lucene query. */
public final class Filters {

  private Filters() {}

  /**
   * Compiles a filter given as a JSON string (string form) or a JSON object (JSON form) to a Lucene
   * query over the fields of {@link io.vecstore.core.index.FieldNames}.
   */
  public static Query compile(JsonNode filter) {
    throw new InvalidRequestException(
        InvalidRequestException.INVALID_FILTER, "metadata filters are not supported by this build yet");
  }
}
