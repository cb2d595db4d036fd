package io.vecstore.core.filter;

import io.vecstore.core.filter.Token.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits filter text into tokens. Keywords are case-insensitive; strings take {@code '…'} or
 * {@code "…"} with backslash escapes; field names are identifiers {@code [A-Za-z_][A-Za-z0-9_.-]*}
 * or any text in backticks. Not thread-safe: one scanner per filter.
 */
final class Scanner {

  private static final Map<String, Type> KEYWORDS =
      Map.of(
          "and", Type.AND,
          "or", Type.OR,
          "not", Type.NOT,
          "in", Type.IN,
          "contains", Type.CONTAINS,
          "startswith", Type.STARTSWITH,
          "true", Type.TRUE,
          "false", Type.FALSE,
          "null", Type.NULL);

  private final String source;
  private final List<Token> tokens = new ArrayList<>();
  private int start;
  private int current;

  Scanner(String source) {
    this.source = source;
  }

  List<Token> scanTokens() {
    if (source.length() > FilterLimits.MAX_CHARS) {
      throw FilterErrors.at(
          "Filter too long: " + source.length() + " > " + FilterLimits.MAX_CHARS + " characters",
          FilterLimits.MAX_CHARS);
    }
    while (!isAtEnd()) {
      start = current;
      scanToken();
    }
    tokens.add(new Token(Type.EOF, "", null, source.length()));
    return tokens;
  }

  private void scanToken() {
    char c = advance();
    switch (c) {
      case ' ', '\t', '\r', '\n' -> {}
      case '(' -> add(Type.LEFT_PAREN);
      case ')' -> add(Type.RIGHT_PAREN);
      case '[' -> add(Type.LEFT_BRACKET);
      case ']' -> add(Type.RIGHT_BRACKET);
      case ',' -> add(Type.COMMA);
      case '=' -> {
        if (peek() == '=' || peek() == '<' || peek() == '>') {
          current++;
          throw unknownOperator();
        }
        add(Type.EQUAL);
      }
      case '!' -> {
        if (!match('=')) {
          throw unknownOperator();
        }
        add(Type.BANG_EQUAL);
      }
      case '>' -> add(match('=') ? Type.GREATER_EQUAL : Type.GREATER);
      case '<' -> {
        if (peek() == '>') {
          current++;
          throw unknownOperator();
        }
        add(match('=') ? Type.LESS_EQUAL : Type.LESS);
      }
      case '&', '|' -> {
        match(c);
        throw unknownOperator();
      }
      case '\'', '"' -> string(c);
      case '`' -> quotedField();
      default -> {
        if (c == '-' || isDigit(c)) {
          number();
        } else if (isIdentifierStart(c)) {
          identifier();
        } else {
          throw FilterErrors.at("Unexpected character '" + Character.toString(source.codePointAt(start)) + "'", start);
        }
      }
    }
  }

  private RuntimeException unknownOperator() {
    return FilterErrors.at("Unknown operator '" + source.substring(start, current) + "'", start);
  }

  private void string(char quote) {
    StringBuilder value = new StringBuilder();
    while (true) {
      if (isAtEnd()) {
        throw FilterErrors.at("Unterminated string", start);
      }
      char c = advance();
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        value.append(escape());
      } else {
        value.append(c);
      }
    }
    String decoded = value.toString();
    requireWellFormed(decoded, "string");
    tokens.add(new Token(Type.STRING, source.substring(start, current), decoded, start));
  }

  /** Decodes the escape after a backslash (already consumed). */
  private char escape() {
    int backslash = current - 1;
    if (isAtEnd()) {
      throw FilterErrors.at("Unterminated string", start);
    }
    char c = advance();
    return switch (c) {
      case '\'', '"', '\\', '`' -> c;
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'u' -> {
        if (current + 4 > source.length()) {
          throw FilterErrors.at("Expected 4 hex digits after \\u", backslash);
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(source.charAt(current + i), 16);
          if (digit < 0) {
            throw FilterErrors.at("Expected 4 hex digits after \\u", backslash);
          }
          code = code * 16 + digit;
        }
        current += 4;
        yield (char) code;
      }
      default -> throw FilterErrors.at("Invalid escape '\\" + c + "' in string", backslash);
    };
  }

  /** Lone surrogates (from {@code \\uD800}) have no UTF-8 form, so the index could never hold them. */
  private void requireWellFormed(String decoded, String what) {
    for (int i = 0; i < decoded.length(); i++) {
      char c = decoded.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < decoded.length() && Character.isLowSurrogate(decoded.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw FilterErrors.at("Unpaired surrogate in " + what, start);
      }
    }
  }

  private void quotedField() {
    StringBuilder value = new StringBuilder();
    while (true) {
      if (isAtEnd()) {
        throw FilterErrors.at("Unterminated field name", start);
      }
      char c = advance();
      if (c == '`') {
        break;
      }
      value.append(c == '\\' ? escape() : c);
    }
    if (value.isEmpty()) {
      throw FilterErrors.at("Empty field name", start);
    }
    String decoded = value.toString();
    requireWellFormed(decoded, "field name");
    tokens.add(new Token(Type.IDENTIFIER, source.substring(start, current), decoded, start));
  }

  private void number() {
    if (source.charAt(start) == '-' && !isDigit(peek())) {
      throw FilterErrors.at("Expected digit after '-'", current);
    }
    while (isDigit(peek())) {
      current++;
    }
    if (peek() == '.') {
      current++;
      if (!isDigit(peek())) {
        throw FilterErrors.at("Expected digit after '.'", current);
      }
      while (isDigit(peek())) {
        current++;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      current++;
      if (peek() == '+' || peek() == '-') {
        current++;
      }
      if (!isDigit(peek())) {
        throw FilterErrors.at("Expected digit in exponent", current);
      }
      while (isDigit(peek())) {
        current++;
      }
    }
    String text = source.substring(start, current);
    double value = Double.parseDouble(text);
    if (!Double.isFinite(value)) {
      throw FilterErrors.at("Number out of range: " + text, start);
    }
    tokens.add(new Token(Type.NUMBER, text, value, start));
  }

  private void identifier() {
    while (isIdentifierPart(peek())) {
      current++;
    }
    String text = source.substring(start, current);
    Type keyword = KEYWORDS.get(text.toLowerCase(Locale.ROOT));
    tokens.add(new Token(keyword == null ? Type.IDENTIFIER : keyword, text, text, start));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c) || c == '.' || c == '-';
  }

  private boolean match(char expected) {
    if (peek() != expected) {
      return false;
    }
    current++;
    return true;
  }

  private char peek() {
    return isAtEnd() ? '\0' : source.charAt(current);
  }

  private char advance() {
    return source.charAt(current++);
  }

  private boolean isAtEnd() {
    return current >= source.length();
  }

  private void add(Type type) {
    tokens.add(new Token(type, source.substring(start, current), null, start));
  }
}
