package io.vecstore.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.filter.Expr.Literal;
import io.vecstore.core.filter.Expr.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses the JSON form (Pinecone's, itself a subset of MongoDB's) into the same AST as the string
 * form:
 *
 * <pre>
 * filter  := { ( field: condition | "$and": [filter…] | "$or": [filter…] | "$not": filter )* }
 * condition := scalar | null | { op: argument, … }      (several ops: all must hold)
 * op      := $eq $ne $gt $gte $lt $lte $in $nin $exists $not $contains $startswith
 * </pre>
 *
 * Several entries in one object are joined by AND; {@code {}} matches everything. Errors name the
 * place as a JSON-pointer path, e.g. {@code /$or/1/year/$gte}. Not thread-safe: one per filter.
 */
final class JsonFilterParser {

  private int clauses;

  Expr parse(JsonNode filter) {
    return filter(filter, "", 0);
  }

  private Expr filter(JsonNode node, String path, int depth) {
    if (!node.isObject()) {
      throw FilterErrors.atPath("Expected a filter object, got " + kind(node), display(path));
    }
    List<Expr> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      String at = path + "/" + escape(key);
      switch (key) {
        case "$and" -> all.add(new Expr.And(children(value, at, depth + 1)));
        case "$or" -> all.add(new Expr.Or(children(value, at, depth + 1)));
        case "$not" -> {
          enter(depth + 1, at);
          all.add(new Expr.Not(filter(value, at, depth + 1)));
        }
        default -> {
          if (key.startsWith("$")) {
            throw FilterErrors.atPath(
                isFieldOperator(key)
                    ? "Operator '" + key + "' must be inside a field, e.g. {\"year\": {\"" + key + "\": …}}"
                    : "Unknown operator '" + key + "'",
                at);
          }
          all.add(condition(key, value, at, depth));
        }
      }
    }
    return all.size() == 1 ? all.get(0) : new Expr.And(all);
  }

  private List<Expr> children(JsonNode value, String path, int depth) {
    enter(depth, path);
    if (!value.isArray() || value.isEmpty()) {
      throw FilterErrors.atPath("Expected a non-empty array of filters, got " + kind(value), path);
    }
    List<Expr> children = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      children.add(filter(value.get(i), path + "/" + i, depth));
    }
    return children;
  }

  /** The condition on one field: a bare value ($eq) or an object of operators. */
  private Expr condition(String field, JsonNode value, String path, int depth) {
    if (!value.isObject()) {
      countClause(path);
      return equal(field, literal(value, path));
    }
    if (value.isEmpty()) {
      throw FilterErrors.atPath("Expected at least one operator such as $eq", path);
    }
    List<Expr> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String op = entry.getKey();
      JsonNode arg = entry.getValue();
      String at = path + "/" + escape(op);
      if (op.equals("$not")) {
        enter(depth + 1, at);
        all.add(new Expr.Not(condition(field, requireObject(arg, at), at, depth + 1)));
        continue;
      }
      countClause(at);
      all.add(
          switch (op) {
            case "$eq" -> equal(field, literal(arg, at));
            case "$ne" -> new Expr.Not(equal(field, literal(arg, at)));
            case "$gt" -> range(field, Op.GT, op, arg, at);
            case "$gte" -> range(field, Op.GTE, op, arg, at);
            case "$lt" -> range(field, Op.LT, op, arg, at);
            case "$lte" -> range(field, Op.LTE, op, arg, at);
            case "$in" -> new Expr.In(field, list(arg, at));
            case "$nin" -> new Expr.Not(new Expr.In(field, list(arg, at)));
            case "$exists" -> {
              if (!arg.isBoolean()) {
                throw FilterErrors.atPath("$exists needs true or false, got " + kind(arg), at);
              }
              Expr exists = new Expr.Exists(field);
              yield arg.booleanValue() ? exists : new Expr.Not(exists);
            }
            case "$contains" -> {
              Literal literal = literal(arg, at);
              if (literal instanceof Literal.Null) {
                throw FilterErrors.atPath("$contains needs a string, number or boolean, got null", at);
              }
              yield new Expr.Contains(field, literal);
            }
            case "$startswith" -> {
              if (!arg.isTextual()) {
                throw FilterErrors.atPath("$startswith needs a string, got " + kind(arg), at);
              }
              yield new Expr.StartsWith(field, arg.textValue());
            }
            default ->
                throw FilterErrors.atPath(
                    op.startsWith("$") ? "Unknown operator '" + op + "'" : "Expected an operator such as $eq, got '" + op + "'",
                    at);
          });
    }
    return all.size() == 1 ? all.get(0) : new Expr.And(all);
  }

  private static Expr equal(String field, Literal value) {
    return value instanceof Literal.Null ? new Expr.Not(new Expr.Exists(field)) : new Expr.Compare(field, Op.EQ, value);
  }

  private static Expr range(String field, Op op, String name, JsonNode arg, String path) {
    Literal value = literal(arg, path);
    if (value instanceof Literal.Bool || value instanceof Literal.Null) {
      throw FilterErrors.atPath(name + " needs a number or string, got " + Literal.typeName(value), path);
    }
    return new Expr.Compare(field, op, value);
  }

  private static List<Literal> list(JsonNode arg, String path) {
    if (!arg.isArray()) {
      throw FilterErrors.atPath("Expected an array of values, got " + kind(arg), path);
    }
    if (arg.size() > FilterLimits.MAX_LIST) {
      throw FilterErrors.atPath("List too long: " + arg.size() + " > " + FilterLimits.MAX_LIST + " values", path);
    }
    List<Literal> values = new ArrayList<>(arg.size());
    for (int i = 0; i < arg.size(); i++) {
      values.add(literal(arg.get(i), path + "/" + i));
    }
    return values;
  }

  private static Literal literal(JsonNode node, String path) {
    if (node.isTextual()) {
      return new Literal.Str(node.textValue());
    }
    if (node.isNumber()) {
      double d = node.doubleValue();
      if (!Double.isFinite(d)) {
        throw FilterErrors.atPath("Number out of range: " + node.asText(), path);
      }
      return new Literal.Num(d);
    }
    if (node.isBoolean()) {
      return new Literal.Bool(node.booleanValue());
    }
    if (node.isNull()) {
      return new Literal.Null();
    }
    throw FilterErrors.atPath("Expected a string, number, boolean or null, got " + kind(node), path);
  }

  private static JsonNode requireObject(JsonNode node, String path) {
    if (!node.isObject()) {
      throw FilterErrors.atPath("Expected an object of operators, got " + kind(node), path);
    }
    return node;
  }

  private void countClause(String path) {
    if (++clauses > FilterLimits.MAX_CLAUSES) {
      throw FilterErrors.atPath("Too many clauses: " + clauses + " > " + FilterLimits.MAX_CLAUSES, path);
    }
  }

  private static void enter(int depth, String path) {
    if (depth > FilterLimits.MAX_DEPTH) {
      throw FilterErrors.atPath(
          "Filter nested too deeply: more than " + FilterLimits.MAX_DEPTH + " levels", path);
    }
  }

  private static boolean isFieldOperator(String key) {
    return switch (key) {
      case "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$contains", "$startswith" -> true;
      default -> false;
    };
  }

  /** JSON-pointer escaping of one path segment (RFC 6901). */
  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  private static String display(String path) {
    return path.isEmpty() ? "/" : path;
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case NULL, MISSING -> "null";
      case ARRAY -> "array";
      case OBJECT, POJO -> "object";
      case BINARY -> "binary";
    };
  }
}
