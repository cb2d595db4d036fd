package io.vecstore.core.filter;

import io.vecstore.core.filter.Expr.Literal;
import io.vecstore.core.index.FieldNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * Compiles the AST to an exact Lucene query over the fields of {@link FieldNames}: the query matches
 * exactly the documents the filter's semantics (docs/FILTERS.md) select, because it is used as the
 * kNN pre-filter. Negation is {@code MatchAllDocs FILTER + x MUST_NOT} (a Lucene query of only
 * negative clauses matches nothing), folded into a sibling conjunction when there is one. Stateless
 * and thread-safe.
 */
final class Compiler {

  private Compiler() {}

  static Query compile(Expr expr) {
    return switch (expr) {
      case Expr.And and -> conjunction(and.children());
      case Expr.Or or -> disjunction(or.children());
      case Expr.Not not -> negation(not.child());
      case Expr.Exists exists -> new TermQuery(new Term(FieldNames.KEYS, exists.field()));
      case Expr.Compare compare -> comparison(compare);
      case Expr.In in -> membership(in.field(), in.values());
      case Expr.Contains contains -> containment(contains.field(), contains.value());
      case Expr.StartsWith startsWith ->
          new PrefixQuery(new Term(FieldNames.string(startsWith.field()), startsWith.prefix()));
    };
  }

  private static Query conjunction(List<Expr> children) {
    if (children.size() == 1) {
      return compile(children.get(0));
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    boolean positive = false;
    for (Expr child : children) {
      if (child instanceof Expr.Not not && !(not.child() instanceof Expr.Not)) {
        b.add(compile(not.child()), Occur.MUST_NOT);
      } else {
        b.add(compile(child), Occur.FILTER);
        positive = true;
      }
    }
    if (!positive) {
      b.add(MatchAllDocsQuery.INSTANCE, Occur.FILTER); // an empty And, or only negations
    }
    return b.build();
  }

  private static Query disjunction(List<Expr> children) {
    if (children.isEmpty()) {
      return new MatchNoDocsQuery("empty OR");
    }
    if (children.size() == 1) {
      return compile(children.get(0));
    }
    // NOT a OR NOT b = NOT (a AND b): the negated children share one MatchAllDocs clause, which
    // keeps long OR-chains of != under Lucene's clause limit.
    List<Expr> negated = new ArrayList<>();
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Expr child : children) {
      if (child instanceof Expr.Not not && !(not.child() instanceof Expr.Not)) {
        negated.add(not.child());
      } else {
        b.add(compile(child), Occur.SHOULD);
      }
    }
    if (negated.size() == 1) {
      b.add(negation(negated.get(0)), Occur.SHOULD);
    } else if (negated.size() > 1) {
      b.add(negation(new Expr.And(negated)), Occur.SHOULD);
    }
    return b.build();
  }

  private static Query negation(Expr child) {
    if (child instanceof Expr.Not inner) {
      return compile(inner.child()); // NOT NOT x = x, and saves a MatchAllDocs clause
    }
    return new BooleanQuery.Builder()
        .add(MatchAllDocsQuery.INSTANCE, Occur.FILTER)
        .add(compile(child), Occur.MUST_NOT)
        .build();
  }

  private static Query comparison(Expr.Compare c) {
    return switch (c.value()) {
      case Literal.Str s ->
          switch (c.op()) {
            case EQ -> new TermQuery(new Term(FieldNames.string(c.field()), s.value()));
            // Lexicographic by UTF-8 bytes, which is the terms dictionary's order.
            case GT -> TermRangeQuery.newStringRange(FieldNames.string(c.field()), s.value(), null, false, false);
            case GTE -> TermRangeQuery.newStringRange(FieldNames.string(c.field()), s.value(), null, true, false);
            case LT -> TermRangeQuery.newStringRange(FieldNames.string(c.field()), null, s.value(), false, false);
            case LTE -> TermRangeQuery.newStringRange(FieldNames.string(c.field()), null, s.value(), false, true);
          };
      case Literal.Num n ->
          switch (c.op()) {
            case EQ -> DoublePoint.newExactQuery(FieldNames.number(c.field()), n.value());
            case GT -> numberRange(c.field(), Math.nextUp(n.value()), Double.POSITIVE_INFINITY);
            case GTE -> numberRange(c.field(), n.value(), Double.POSITIVE_INFINITY);
            case LT -> numberRange(c.field(), Double.NEGATIVE_INFINITY, Math.nextDown(n.value()));
            case LTE -> numberRange(c.field(), Double.NEGATIVE_INFINITY, n.value());
          };
      // The AST allows booleans with EQ only, and never a null literal in a comparison.
      case Literal.Bool b -> new TermQuery(new Term(FieldNames.bool(c.field()), Boolean.toString(b.value())));
      case Literal.Null n -> throw new IllegalStateException("null literal in comparison of " + c.field());
    };
  }

  /** Inclusive range; points for a selective range, doc values when another clause leads. */
  private static Query numberRange(String key, double lower, double upper) {
    String field = FieldNames.number(key);
    return new IndexOrDocValuesQuery(
        DoublePoint.newRangeQuery(field, lower, upper),
        SortedNumericDocValuesField.newSlowRangeQuery(
            field, NumericUtils.doubleToSortableLong(lower), NumericUtils.doubleToSortableLong(upper)));
  }

  private static Query membership(String field, List<Literal> values) {
    List<BytesRef> strings = new ArrayList<>();
    List<BytesRef> booleans = new ArrayList<>();
    List<Double> numbers = new ArrayList<>();
    boolean includesNull = false;
    for (Literal value : values) {
      switch (value) {
        case Literal.Str s -> strings.add(new BytesRef(s.value()));
        case Literal.Num n -> numbers.add(n.value());
        case Literal.Bool b -> booleans.add(new BytesRef(Boolean.toString(b.value())));
        case Literal.Null n -> includesNull = true;
      }
    }
    List<Query> parts = new ArrayList<>(4);
    if (!strings.isEmpty()) {
      parts.add(new TermInSetQuery(FieldNames.string(field), strings));
    }
    if (!numbers.isEmpty()) {
      parts.add(DoublePoint.newSetQuery(FieldNames.number(field), numbers.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    if (!booleans.isEmpty()) {
      parts.add(new TermInSetQuery(FieldNames.bool(field), booleans));
    }
    if (includesNull) {
      parts.add(negation(new Expr.Exists(field)));
    }
    return anyOf(parts, "empty IN list");
  }

  private static Query containment(String field, Literal value) {
    return switch (value) {
      case Literal.Str s when s.value().isEmpty() ->
          // Every string contains "": any string value at all, the empty string included.
          new PrefixQuery(new Term(FieldNames.string(field), ""));
      case Literal.Str s ->
          anyOf(
              List.of(
                  new PrefixQuery(new Term(FieldNames.suffixes(field), s.value())),
                  new SubstringTermsQuery(FieldNames.longStrings(field), s.value())),
              "");
      case Literal.Num n -> comparison(new Expr.Compare(field, Expr.Op.EQ, n));
      case Literal.Bool b -> comparison(new Expr.Compare(field, Expr.Op.EQ, b));
      case Literal.Null n -> throw new IllegalStateException("null literal in CONTAINS on " + field);
    };
  }

  private static Query anyOf(List<Query> parts, String emptyReason) {
    if (parts.isEmpty()) {
      return new MatchNoDocsQuery(emptyReason);
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Query q : parts) {
      b.add(q, Occur.SHOULD);
    }
    return b.build();
  }
}
