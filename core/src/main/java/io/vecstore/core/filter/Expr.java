package io.vecstore.core.filter;

import java.util.List;
import java.util.Objects;

/**
 * The filter AST, shared by the string form ({@link Parser}) and the JSON form ({@link
 * JsonFilterParser}) and compiled by {@link Compiler}. Negative operators are sugar: {@code x != v}
 * is {@code Not(Compare(x, EQ, v))}, {@code NOT IN} and {@code $nin} are {@code Not(In)}, {@code x =
 * null} is {@code Not(Exists(x))}. Values are immutable; lists are copied.
 */
sealed interface Expr {

  /** All of the children; an empty list matches every document. */
  record And(List<Expr> children) implements Expr {
    public And {
      children = List.copyOf(children);
    }
  }

  /** Any of the children; an empty list matches nothing. */
  record Or(List<Expr> children) implements Expr {
    public Or {
      children = List.copyOf(children);
    }
  }

  /** Every document the child does not match, documents without metadata included. */
  record Not(Expr child) implements Expr {
    public Not {
      Objects.requireNonNull(child, "child");
    }
  }

  /** The field has a value that is not JSON null (an empty array counts as a value). */
  record Exists(String field) implements Expr {
    public Exists {
      Objects.requireNonNull(field, "field");
    }
  }

  /**
   * A typed comparison: some value of the field (any element, for arrays) has the literal's type
   * and compares to it as {@code op} says. Never a null literal; ranges take numbers or strings.
   */
  record Compare(String field, Op op, Literal value) implements Expr {
    public Compare {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      if (value instanceof Literal.Null) {
        throw new IllegalArgumentException("compare needs a non-null literal, got: null");
      }
      if (op != Op.EQ && value instanceof Literal.Bool) {
        throw new IllegalArgumentException("range " + op + " needs a number or string, got: " + value);
      }
    }
  }

  /** The field equals one of the values (a null in the list matches missing and null fields). */
  record In(String field, List<Literal> values) implements Expr {
    public In {
      Objects.requireNonNull(field, "field");
      values = List.copyOf(values);
    }
  }

  /**
   * A string value of the field contains the string literal as a substring; for a number or boolean
   * literal, some value of the field equals it (an array contains an element).
   */
  record Contains(String field, Literal value) implements Expr {
    public Contains {
      Objects.requireNonNull(field, "field");
      if (value instanceof Literal.Null) {
        throw new IllegalArgumentException("contains needs a non-null literal, got: null");
      }
    }
  }

  /** A string value of the field starts with the prefix. */
  record StartsWith(String field, String prefix) implements Expr {
    public StartsWith {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** Comparison operators; {@code !=} is a negated {@link #EQ}. */
  enum Op {
    EQ("="),
    GT(">"),
    GTE(">="),
    LT("<"),
    LTE("<=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    String symbol() {
      return symbol;
    }

    @Override
    public String toString() {
      return symbol;
    }
  }

  /** A literal value of the filter language. */
  sealed interface Literal {

    /** A string, compared case-sensitively. */
    record Str(String value) implements Literal {
      public Str {
        Objects.requireNonNull(value, "value");
      }
    }

    /** A number; integers and decimals are both doubles, as in the index. */
    record Num(double value) implements Literal {
      public Num {
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException("number must be finite, got: " + value);
        }
        value = value + 0.0; // -0.0 is indexed as 0.0
      }
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value) implements Literal {}

    /** JSON null: only meaningful in {@code = null}, {@code != null} and IN lists. */
    record Null() implements Literal {}

    /** The type name used in error messages. */
    static String typeName(Literal literal) {
      return switch (literal) {
        case Str s -> "string";
        case Num n -> "number";
        case Bool b -> "boolean";
        case Null n -> "null";
      };
    }
  }
}
