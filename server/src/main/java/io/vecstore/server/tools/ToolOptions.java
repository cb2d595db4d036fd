package io.vecstore.server.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Flags shared by the command-line tools ({@code --url}, {@code --data}, {@code --id},
 * {@code --level}) and the positional arguments left over. Parsed once; immutable after.
 */
record ToolOptions(String url, Path data, String id, int level, List<String> positional) {

  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  static ToolOptions parse(Deque<String> args) {
    String url = DEFAULT_URL;
    Path data = Path.of("data");
    String id = null;
    int level = 3;
    List<String> positional = new ArrayList<>();
    while (!args.isEmpty()) {
      String a = args.pop();
      switch (a) {
        case "--url" -> url = value(a, args);
        case "--data" -> data = Path.of(value(a, args));
        case "--id" -> id = value(a, args);
        case "--level" -> {
          String v = value(a, args);
          if (!v.matches("[123]")) {
            throw new IllegalArgumentException("--level must be 1, 2 or 3, got: " + v);
          }
          level = Integer.parseInt(v);
        }
        default -> {
          if (a.startsWith("--")) {
            throw new IllegalArgumentException("Unknown option: " + a);
          }
          positional.add(a);
        }
      }
    }
    return new ToolOptions(url, data, id, level, List.copyOf(positional));
  }

  private static String value(String flag, Deque<String> args) {
    if (args.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.pop();
  }
}
