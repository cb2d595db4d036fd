package io.vecstore.demo;

import io.vecstore.core.NoCallHome;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * The namespaces guide as a program: {@code embedded [--data DIR]} tells it with core as a library
 * on a temporary (or given) directory, {@code rest [--url URL]} against a running server. Exit
 * status 0 when every outcome is the guide's, 1 when one is not, 2 on bad usage or when the
 * server cannot be used. The only place that reads the environment ({@code VECSTORE_ADMIN_KEY}).
 */
public final class NamespaceDemo {

  static final String USAGE = """
      usage: namespace-demo embedded [--data DIR] [--prefix P]
             namespace-demo rest [--url URL] [--prefix P]

        embedded   core as a library, on DIR (default: a new temporary directory, deleted afterwards)
        rest       a running server (bin/vecstore serve) over HTTP; --url defaults to http://127.0.0.1:8080
                   and VECSTORE_ADMIN_KEY, when set, is sent as the bearer key
        --prefix   put P before every namespace id (the story creates and deletes its own namespaces,
                   e.g. customer-123, and stops if one of them exists already)
      """;

  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private NamespaceDemo() {}

  public static void main(String[] args) {
    NoCallHome.apply();
    // Core logs each create and delete at INFO: the story's output is the point here.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int status = run(args, System.getenv("VECSTORE_ADMIN_KEY"), System.out, System.err);
    System.exit(status);
  }

  /** Runs the demo; returns its exit status. */
  static int run(String[] args, String adminKey, PrintStream out, PrintStream err) {
    Deque<String> rest = new ArrayDeque<>(List.of(args));
    String mode = rest.poll();
    String data = null, url = null, prefix = "";
    while (!rest.isEmpty()) {
      String flag = rest.pop();
      if (rest.isEmpty()) {
        err.println("missing value after " + flag);
        err.print(USAGE);
        return 2;
      }
      switch (flag) {
        case "--data" -> data = rest.pop();
        case "--url" -> url = rest.pop();
        case "--prefix" -> prefix = rest.pop();
        default -> {
          err.println("unknown flag: " + flag);
          err.print(USAGE);
          return 2;
        }
      }
    }
    if ("embedded".equals(mode) && url == null) {
      return embedded(data, prefix, out, err);
    }
    if ("rest".equals(mode) && data == null) {
      return rest(url == null ? DEFAULT_URL : url, adminKey, prefix, out, err);
    }
    err.print(USAGE);
    return 2;
  }

  private static int embedded(String data, String prefix, PrintStream out, PrintStream err) {
    try {
      Path dir = data != null ? Path.of(data) : Files.createTempDirectory("vecstore-namespace-demo-");
      try (EmbeddedNamespaces api = new EmbeddedNamespaces(dir)) {
        return tell(api, prefix, out);
      } finally {
        if (data == null) {
          deleteTree(dir);
        }
      }
    } catch (IOException e) {
      err.println("cannot open the data directory: " + e);
      return 2;
    }
  }

  private static int rest(String url, String adminKey, String prefix, PrintStream out, PrintStream err) {
    try (RestNamespaces api = new RestNamespaces(url, adminKey)) {
      if (!api.reachable()) {
        err.println("no VecStore server answers at " + url + " (GET /health); start one with: bin/vecstore serve");
        return 2;
      }
      for (String name : Tour.names()) {
        if (api.exists(prefix + name)) {
          err.println("namespace " + prefix + name + " already exists on " + url + "; the demo creates and deletes its "
              + "own namespaces and leaves others alone: pass --prefix to use other ids");
          return 2;
        }
      }
      return tell(api, prefix, out);
    } catch (ApiException e) {
      err.println("the server refused the demo's first request: " + e.shown()
          + (e.code().equals("unauthenticated") ? " (set VECSTORE_ADMIN_KEY to the server's admin key)" : ""));
      return 2;
    }
  }

  private static int tell(Namespaces api, String prefix, PrintStream out) {
    out.println("VecStore namespaces guide, told with " + api.describe());
    out.println("(random vectors: java.util.Random seed " + Tour.SEED + ")");
    return new GuideStory(api, new Story(out), prefix).tell();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
