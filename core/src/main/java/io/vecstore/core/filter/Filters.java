package io.vecstore.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import java.util.function.Supplier;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

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
   *     the filter does not parse or is too complex; its message ends with the position (string form,
   *     also in details as {@code position}) or the JSON path (JSON form, details {@code path})
   */
  public static Query compile(JsonNode filter) {
    Query query = Compiler.compile(parse(filter));
    int leaves = countLeaves(query);
    // Lucene refuses, at search time, a query with more leaves than this; the kNN query adds one
    // leaf of its own (the vector field's exists query), so fail here, with a clear message, instead.
    int max = IndexSearcher.getMaxClauseCount() - 1;
    if (leaves > max) {
      String message = "Filter too complex: " + leaves + " Lucene clauses > " + max;
      throw filter.isTextual() ? FilterErrors.at(message, 0) : FilterErrors.atPath(message, "/");
    }
    return query;
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

  /** Counts leaves the way {@link IndexSearcher}'s clause limit does. */
  static int countLeaves(Query query) {
    int[] count = {0};
    query.visit(
        new QueryVisitor() {
          @Override
          public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return this; // MUST_NOT clauses count too
          }

          @Override
          public void visitLeaf(Query q) {
            count[0]++;
          }

          @Override
          public void consumeTerms(Query q, Term... terms) {
            count[0]++;
          }

          @Override
          public void consumeTermsMatching(Query q, String field, Supplier<ByteRunAutomaton> automaton) {
            count[0]++;
          }
        });
    return count[0];
  }
}
