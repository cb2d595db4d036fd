package io.vecstore.core.filter;

/**
 * One token of the string form.
 *
 * @param text the token as written in the filter
 * @param value the decoded value: a {@code String} for strings and field names, a {@code Double}
 *     for numbers, null otherwise
 * @param position 0-based character offset of the token's first character
 */
record Token(Type type, String text, Object value, int position) {

  enum Type {
    LEFT_PAREN,
    RIGHT_PAREN,
    LEFT_BRACKET,
    RIGHT_BRACKET,
    COMMA,
    EQUAL,
    BANG_EQUAL,
    GREATER,
    GREATER_EQUAL,
    LESS,
    LESS_EQUAL,
    IDENTIFIER,
    STRING,
    NUMBER,
    TRUE,
    FALSE,
    NULL,
    AND,
    OR,
    NOT,
    IN,
    CONTAINS,
    STARTSWITH,
    EOF
  }

  /** How the token reads in an error message. */
  String describe() {
    return type == Type.EOF ? "end of filter" : "'" + text + "'";
  }
}
