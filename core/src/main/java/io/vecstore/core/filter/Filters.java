package io.vecstore.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import org.apache.lucene.search.Query;

/**
 * Entry point of the filter language: filter text or JSON to a Lucene query. The language and its
 * semantics are described in {@code docs/FILTERS.md}. Stateless and thread-safe; the returned query
 * is immutable and may be shared.
 */
public final class Filters {

  private Filters() {}

  /**
   * Compiles a filter given as a JSON string (string form, e.g. {@code "category = 'tech' AND year
   * >= 2020"}) or a JSON object (JSON form, e.g. {@code {"genre": {"$in": ["drama"]}}}) to a Lucene
   * query over the fields of {@link io.vecstore.core.index.FieldNames}.
   *
   * @throws InvalidRequestException with code {@link InvalidRequestException#INVALID_FILTER} when
   *     the filter does not parse; its message ends with the position (string form, also in details
   *     as {@code position}) or the JSON path (JSON form, details {@code path})
   */
  public static Query compile(JsonNode filter) {
    return Compiler.compile(parse(filter));
  }

  /** The AST of a filter, for tests. */
  static Expr parse(JsonNode filter) {
    if (filter != null && filter.isTextual()) {
      return new Parser(filter.textValue()).parse();
    }
    if (filter != null && filter.isObject()) {
      return new JsonFilterParser().parse(filter);
    }
    String kind = filter == null ? "null" : JsonFilterParser.kind(filter);
    throw FilterErrors.atPath("Filter must be a string or a JSON object, got " + kind, "/");
  }
}
