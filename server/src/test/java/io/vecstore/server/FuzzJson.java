package io.vecstore.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small mutable JSON tree for the grammar fuzzer, able to hold what a Jackson tree cannot:
 * duplicate keys, number tokens written exactly as given ({@code 1e400}, {@code -0}, {@code NaN},
 * a 5,000-digit integer) and strings with lone surrogates. {@link #write} turns it into JSON text.
 * Not thread-safe; one tree per generated request.
 */
final class FuzzJson {

  private FuzzJson() {}

  /** A JSON value. */
  sealed interface J permits Obj, Arr, Str, Raw {}

  /** An object; keys may repeat. */
  static final class Obj implements J {
    final List<String> keys = new ArrayList<>();
    final List<J> values = new ArrayList<>();

    Obj put(String key, J value) {
      keys.add(key);
      values.add(value);
      return this;
    }

    int indexOf(String key) {
      return keys.indexOf(key);
    }

    J get(String key) {
      int i = keys.indexOf(key);
      return i < 0 ? null : values.get(i);
    }
  }

  /** An array. */
  static final class Arr implements J {
    final List<J> items = new ArrayList<>();

    Arr add(J value) {
      items.add(value);
      return this;
    }
  }

  /** A string, escaped as JSON requires when written. */
  record Str(String value) implements J {}

  /** A token written verbatim: numbers, true, false, null, NaN, or deliberately broken text. */
  record Raw(String token) implements J {}

  static final Raw NULL = new Raw("null");
  static final Raw TRUE = new Raw("true");
  static final Raw FALSE = new Raw("false");

  static Str str(String s) {
    return new Str(s);
  }

  static Raw num(long v) {
    return new Raw(Long.toString(v));
  }

  static Raw num(double v) {
    return new Raw(Double.toString(v));
  }

  static Raw bool(boolean b) {
    return b ? TRUE : FALSE;
  }

  static Obj obj() {
    return new Obj();
  }

  static Arr arr() {
    return new Arr();
  }

  /**
   * Number tokens JSON (and our parser, which also reads NaN/Infinity) accepts but that are unusual:
   * huge, tiny, negative zero, exponent forms of integers, fractions, beyond long, long digit strings.
   */
  static final String[] ODD_NUMBERS = {
      "1e400", "-1e400", "-0", "-0.0", "0.0", "0", "1E+2", "1e2", "1.0", "10.0", "4.0", "4.000000000000000000001",
      "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "2147483647", "2147483648", "-2147483648", "-2147483649", "1e-400", "-1e-400", "1e999999999",
      "-1e999999999", "1e-999999999", "1E2147483647", "1e2147483648", "1e-2147483649", "NaN", "Infinity",
      "-Infinity", "+Infinity", "0.5", "2.5", "-1", "-5", "1e19", "1e20", "1.5e300", "4.9e-324", "3.4028235e38",
      "3.5e38", "1.7976931348623157e308", "1.8e308", "123456789012345678901234567890", "0.1e1", "100e-2", "7E0",
      "1.0E1", "-1.0", "1e-7", "99999999999999999999.0", "9".repeat(999), "1" + "0".repeat(1000), "9".repeat(5000),
      "0." + "0".repeat(998) + "1", "1" + "0".repeat(300) + ".0e-300",
  };

  /** Number-like tokens that are not JSON: the parser must reject them (400 malformed_json). */
  static final String[] INVALID_NUMBERS = {
      "01", "+1", ".5", "5.", "0x10", "1e", "--1", "1_000", "\u0661", "1e+", "-", "Inf", "nan", "INF", "1.2.3", "١٢",
  };

  static Raw oddNumber(Random r) {
    return new Raw(ODD_NUMBERS[r.nextInt(ODD_NUMBERS.length)]);
  }

  /** Writes the tree as JSON text (strings escaped; lone surrogates stay as they are in the Java string). */
  static String write(J j) {
    StringBuilder out = new StringBuilder();
    write(j, out);
    return out.toString();
  }

  private static void write(J j, StringBuilder out) {
    switch (j) {
      case Obj o -> {
        out.append('{');
        for (int i = 0; i < o.keys.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          quote(o.keys.get(i), out);
          out.append(':');
          write(o.values.get(i), out);
        }
        out.append('}');
      }
      case Arr a -> {
        out.append('[');
        for (int i = 0; i < a.items.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(a.items.get(i), out);
        }
        out.append(']');
      }
      case Str s -> quote(s.value(), out);
      case Raw r -> out.append(r.token());
    }
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c) && !isPaired(s, i)) {
            out.append(String.format("\\u%04x", (int) c)); // a lone surrogate: only expressible escaped
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isPaired(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** Every value slot in the tree (object fields and array elements), for mutations to pick from. */
  static List<Slot> slots(J root) {
    List<Slot> out = new ArrayList<>();
    collect(root, out, 0);
    return out;
  }

  /** One place a value sits: an object's field or an array's element. */
  record Slot(J parent, int index, int depth) {
    J get() {
      return parent instanceof Obj o ? o.values.get(index) : ((Arr) parent).items.get(index);
    }

    void set(J value) {
      if (parent instanceof Obj o) {
        o.values.set(index, value);
      } else {
        ((Arr) parent).items.set(index, value);
      }
    }

    void remove() {
      if (parent instanceof Obj o) {
        o.keys.remove(index);
        o.values.remove(index);
      } else {
        ((Arr) parent).items.remove(index);
      }
    }

    String name() {
      return parent instanceof Obj o ? o.keys.get(index) : "[" + index + "]";
    }
  }

  private static void collect(J j, List<Slot> out, int depth) {
    if (depth > 40) {
      return;
    }
    if (j instanceof Obj o) {
      for (int i = 0; i < o.values.size(); i++) {
        out.add(new Slot(o, i, depth));
        collect(o.values.get(i), out, depth + 1);
      }
    } else if (j instanceof Arr a) {
      int n = Math.min(a.items.size(), 64); // long vectors: the first elements are enough
      for (int i = 0; i < n; i++) {
        out.add(new Slot(a, i, depth));
        collect(a.items.get(i), out, depth + 1);
      }
    }
  }
}
