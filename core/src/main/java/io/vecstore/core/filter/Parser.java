package io.vecstore.core.filter;

import io.vecstore.core.filter.Expr.Literal;
import io.vecstore.core.filter.Expr.Op;
import io.vecstore.core.filter.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of the string form. Precedence, loosest first: {@code OR}, {@code AND},
 * {@code NOT}, then parentheses and comparisons:
 *
 * <pre>
 * filter     → or EOF
 * or         → and ( "OR" and )*
 * and        → unary ( "AND" unary )*
 * unary      → "NOT" unary | primary
 * primary    → "(" or ")" | comparison
 * comparison → field ( ( "=" | "!=" | "&gt;" | "&gt;=" | "&lt;" | "&lt;=" ) literal
 *                    | "NOT"? "IN" "[" ( literal ( "," literal )* )? "]"
 *                    | "CONTAINS" literal | "STARTSWITH" string )
 * </pre>
 *
 * Not thread-safe: one parser per filter.
 */
final class Parser {

  private final String source;
  private final List<Token> tokens;
  private int current;
  private int depth;
  private int clauses;

  Parser(String source) {
    this.source = source;
    this.tokens = new Scanner(source).scanTokens();
  }

  Expr parse() {
    if (peek().type() == Type.EOF) {
      throw FilterErrors.at("Empty filter", source.isBlank() ? 0 : peek().position());
    }
    Expr expr = or();
    if (peek().type() != Type.EOF) {
      throw FilterErrors.at("Expected end of filter", peek().position());
    }
    return expr;
  }

  private Expr or() {
    List<Expr> children = new ArrayList<>();
    children.add(and());
    while (match(Type.OR)) {
      children.add(and());
    }
    return children.size() == 1 ? children.get(0) : new Expr.Or(children);
  }

  private Expr and() {
    List<Expr> children = new ArrayList<>();
    children.add(unary());
    while (match(Type.AND)) {
      children.add(unary());
    }
    return children.size() == 1 ? children.get(0) : new Expr.And(children);
  }

  private Expr unary() {
    if (peek().type() == Type.NOT) {
      Token not = advance();
      enter(not);
      Expr child = unary();
      depth--;
      return new Expr.Not(child);
    }
    return primary();
  }

  private Expr primary() {
    if (peek().type() == Type.LEFT_PAREN) {
      Token paren = advance();
      enter(paren);
      Expr inner = or();
      expect(Type.RIGHT_PAREN, "Expected ')' after expression");
      depth--;
      return inner;
    }
    return comparison();
  }

  private Expr comparison() {
    Token field = peek();
    if (field.type() != Type.IDENTIFIER) {
      throw FilterErrors.at("Expected field name", field.position());
    }
    advance();
    if (++clauses > FilterLimits.MAX_CLAUSES) {
      throw FilterErrors.at(
          "Too many clauses: " + clauses + " > " + FilterLimits.MAX_CLAUSES, field.position());
    }
    String name = (String) field.value();
    Token operator = advance();
    return switch (operator.type()) {
      case EQUAL -> {
        Literal value = literal(operator);
        yield value instanceof Literal.Null ? new Expr.Not(new Expr.Exists(name)) : new Expr.Compare(name, Op.EQ, value);
      }
      case BANG_EQUAL -> {
        Literal value = literal(operator);
        yield value instanceof Literal.Null ? new Expr.Exists(name) : new Expr.Not(new Expr.Compare(name, Op.EQ, value));
      }
      case GREATER -> range(name, Op.GT, operator);
      case GREATER_EQUAL -> range(name, Op.GTE, operator);
      case LESS -> range(name, Op.LT, operator);
      case LESS_EQUAL -> range(name, Op.LTE, operator);
      case IN -> new Expr.In(name, list());
      case NOT -> {
        expect(Type.IN, "Expected IN after NOT");
        yield new Expr.Not(new Expr.In(name, list()));
      }
      case CONTAINS -> {
        Token valueToken = peek();
        Literal value = literal(operator);
        if (value instanceof Literal.Null) {
          throw FilterErrors.at("CONTAINS needs a string, number or boolean, got null", valueToken.position());
        }
        yield new Expr.Contains(name, value);
      }
      case STARTSWITH -> {
        Token valueToken = peek();
        Literal value = literal(operator);
        if (!(value instanceof Literal.Str prefix)) {
          throw FilterErrors.at(
              "STARTSWITH needs a string, got " + Literal.typeName(value), valueToken.position());
        }
        yield new Expr.StartsWith(name, prefix.value());
      }
      case IDENTIFIER, TRUE, FALSE, NULL, AND, OR, STRING, NUMBER ->
          throw FilterErrors.at("Unknown operator " + operator.describe(), operator.position());
      default ->
          throw FilterErrors.at("Expected operator after field '" + name + "'", operator.position());
    };
  }

  private Expr range(String field, Op op, Token operator) {
    Token valueToken = peek();
    Literal value = literal(operator);
    if (value instanceof Literal.Bool || value instanceof Literal.Null) {
      throw FilterErrors.at(
          "Operator '" + op.symbol() + "' needs a number or string, got " + Literal.typeName(value),
          valueToken.position());
    }
    return new Expr.Compare(field, op, value);
  }

  private List<Literal> list() {
    expect(Type.LEFT_BRACKET, "Expected '[' after IN");
    List<Literal> values = new ArrayList<>();
    if (match(Type.RIGHT_BRACKET)) {
      return values;
    }
    do {
      Token valueToken = peek();
      if (values.size() == FilterLimits.MAX_LIST) {
        throw FilterErrors.at(
            "List too long: more than " + FilterLimits.MAX_LIST + " values", valueToken.position());
      }
      values.add(literal(null));
    } while (match(Type.COMMA));
    expect(Type.RIGHT_BRACKET, "Expected ']' after list");
    return values;
  }

  /** A literal value; {@code after} names the operator in the message, or null inside a list. */
  private Literal literal(Token after) {
    Token token = peek();
    Literal value =
        switch (token.type()) {
          case STRING -> new Literal.Str((String) token.value());
          case NUMBER -> new Literal.Num((Double) token.value());
          case TRUE -> new Literal.Bool(true);
          case FALSE -> new Literal.Bool(false);
          case NULL -> new Literal.Null();
          default -> null;
        };
    if (value == null) {
      String where = after == null ? "in list" : "after '" + after.text() + "'";
      throw FilterErrors.at("Expected value " + where, token.position());
    }
    advance();
    return value;
  }

  private void enter(Token opener) {
    if (++depth > FilterLimits.MAX_DEPTH) {
      throw FilterErrors.at(
          "Filter nested too deeply: more than " + FilterLimits.MAX_DEPTH + " levels", opener.position());
    }
  }

  private Token expect(Type type, String message) {
    if (peek().type() != type) {
      throw FilterErrors.at(message, peek().position());
    }
    return advance();
  }

  private boolean match(Type type) {
    if (peek().type() != type) {
      return false;
    }
    current++;
    return true;
  }

  private Token peek() {
    return tokens.get(current);
  }

  private Token advance() {
    Token t = tokens.get(current);
    if (t.type() != Type.EOF) {
      current++;
    }
    return t;
  }
}
