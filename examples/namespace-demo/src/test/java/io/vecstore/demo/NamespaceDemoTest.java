package io.vecstore.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.meta.NamespaceStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the demo as CI does, in both modes, and holds its output to the guide's story: exit status
 * 0, no mismatch, each quota error with the guide's code and message (over REST with README's HTTP
 * status too), and the same chapters and checks in both modes. Embedded mode runs core on a
 * temporary directory; REST mode runs the real server in a child JVM on a loopback port.
 */
@Timeout(180)
class NamespaceDemoTest {

  @TempDir
  static Path tmp;

  private static DemoServer server;
  private static String url;
  private static Run embedded;
  private static Run rest;
  private static Run lenient;

  /** What one run of the demo printed, and its exit status. */
  record Run(int status, String out, String err) {
    @Override
    public String toString() {
      return "exit " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /**
   * Every telling at once (the story mostly waits: on fsyncs, the server, a rate-limit window), to
   * keep CI short: embedded, over REST, and embedded on a lenient product.
   */
  @BeforeAll
  static void tellTheStoryInBothModes() throws Exception {
    long start = System.nanoTime();
    server = DemoServer.start(tmp.resolve("server-data"));
    var embeddedRun = new FutureTask<>(() -> run("embedded", "--data", tmp.resolve("embedded-data").toString()));
    var lenientRun = new FutureTask<>(() -> lenientRun(tmp.resolve("lenient-data")));
    Thread.ofPlatform().name("demo-embedded").start(embeddedRun);
    Thread.ofPlatform().name("demo-lenient").start(lenientRun);
    url = server.awaitUrl(Duration.ofSeconds(60));
    rest = run("rest", "--url", url);
    embedded = embeddedRun.get();
    lenient = lenientRun.get();
    System.out.printf("told three times in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      try {
        assertEquals(0, server.stop(Duration.ofSeconds(60)), "the server stops cleanly on SIGTERM");
      } finally {
        server.close();
      }
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = NamespaceDemo.run(args, null, o, e);
    }
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Each quota and status error of the guide's story: HTTP status, code, message. */
  private static final List<String[]> ERRORS = List.of(
      new String[] {"403", "namespace_suspended", "Namespace is suspended: query rejected (customer-123)"},
      new String[] {"403", "namespace_read_only", "Namespace is read-only: upsert rejected (customer-123)"},
      new String[] {"403", "namespace_pending_deletion",
          "Namespace is pending deletion: query rejected, only vector deletes are allowed (customer-123)"},
      new String[] {"403", "quota_exceeded", "Upsert would exceed vector quota: 10000 + 1 > 10000"},
      new String[] {"403", "quota_exceeded", "Storage quota exceeded: <bytes> / 1048576 bytes"},
      new String[] {"429", "rate_limited", "Rate limit exceeded: 10 requests/second"},
      new String[] {"429", "too_many_concurrent_queries", "Concurrent query limit exceeded: 5 / 5"},
      new String[] {"400", "limit_exceeded", "Query limit exceeds maximum: 5000 > 1000"},
      new String[] {"400", "limit_exceeded", "Batch size exceeds limit: 2000 > 1000"},
      new String[] {"400", "limit_exceeded", "Dimension exceeds maximum: 2048 > 1536"},
      new String[] {"404", "namespace_not_found", "Namespace not found: customer-123"});

  /** Lines of the guide's story that both modes print as they are. */
  private static final List<String> STORY_LINES = List.of(
      "  -> doc1: 0.0026   (score 0.9974, metadata {\"title\":\"Document 1\",\"category\":\"tech\"})",
      "  -> Total Requests: 7",
      "  -> Warning: Namespace is near quota limits (>80%)",
      "  -> send_notification(project-vector-quota, \"Approaching quota limits\")",
      "  -> max_vectors 15, utilization 60.0%, near quota: false");

  @Test
  void embeddedModeTellsTheGuidesStory() {
    assertMatchesTheGuide(embedded, false);
    assertTrue(embedded.out().contains("told with core embedded as a library"), embedded::toString);
    assertTrue(embedded.out().contains("  -> Loaded 11 namespaces"), embedded::toString);
  }

  @Test
  void restModeTellsTheGuidesStory() {
    assertMatchesTheGuide(rest, true);
    assertTrue(rest.out().contains("told with a running server over REST at " + url), rest::toString);
    assertTrue(rest.out().contains("  -> vecstore_namespace_requests_total{namespace=\"customer-123\"} 7.0"), rest::toString);
  }

  private static void assertMatchesTheGuide(Run run, boolean overRest) {
    assertEquals(0, run.status(), run::toString);
    assertFalse(run.out().contains("MISMATCH"), run::toString);
    assertTrue(run.out().strip().matches("(?s).*The story matches the guide: \\d+ checks, 0 mismatches\\.$"), run::toString);
    for (String[] e : ERRORS) {
      String shown = "  -> error " + (overRest ? e[0] + " " : "") + e[1] + ": " + e[2];
      Pattern line = Pattern.compile("^" + Pattern.quote(shown).replace("<bytes>", "\\E\\d+\\Q") + "$", Pattern.MULTILINE);
      assertTrue(line.matcher(run.out()).find(), () -> "missing \"" + shown + "\" in\n" + run);
    }
    for (String line : STORY_LINES) {
      assertTrue(run.out().lines().anyMatch(line::equals), () -> "missing \"" + line + "\" in\n" + run);
    }
  }

  @Test
  void bothModesTellTheSameStory() {
    Map<String, List<String>> e = checksByChapter(embedded.out());
    Map<String, List<String>> r = checksByChapter(rest.out());
    assertEquals(List.copyOf(e.keySet()), List.copyOf(r.keySet()), "the same chapters, in the same order");
    for (String chapter : e.keySet()) {
      if (chapter.equals(GuideStory.PERSISTENCE)) {
        assertEquals(List.of("every namespace is loaded again", "vectors, usage counters and status survive the restart"),
            e.get(chapter));
        assertEquals(List.of(), r.get(chapter), "the demo does not restart a server");
      } else if (chapter.equals(GuideStory.MONITORING)) {
        List<String> restOnly = new ArrayList<>(r.get(chapter));
        assertTrue(restOnly.remove("the guide's four per-namespace metrics are exported"), rest::toString);
        assertEquals(e.get(chapter), restOnly);
      } else {
        assertEquals(e.get(chapter), r.get(chapter), "the checks of chapter " + chapter);
      }
    }
  }

  /** The {@code [ok]} lines of each chapter, in order. */
  private static Map<String, List<String>> checksByChapter(String out) {
    Map<String, List<String>> chapters = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : out.lines().toList()) {
      if (line.startsWith("== ") && line.endsWith(" ==")) {
        current = new ArrayList<>();
        chapters.put(line.substring(3, line.length() - 3), current);
      } else if (line.startsWith(Story.OK) && current != null) {
        current.add(line.substring(Story.OK.length()));
      }
    }
    return chapters;
  }

  /** The story told to a product whose vector quota never fires: it must say so and exit 1. */
  @Test
  void aQuotaErrorThatDoesNotHappenIsAMismatch() {
    assertEquals(1, lenient.status(), lenient::toString);
    assertTrue(lenient.out().contains("  -> no error\n" + Story.MISMATCH
        + "fails with 403 quota_exceeded: Upsert would exceed vector quota: 10000 + 1 > 10000"), lenient::toString);
    assertTrue(lenient.out().contains("The story does NOT match the guide: "), lenient::toString);
  }

  /** Embedded, but an upsert over the vector quota "succeeds" without writing anything. */
  private static Run lenientRun(Path dir) throws Exception {
    try (EmbeddedNamespaces real = new EmbeddedNamespaces(dir)) {
      Namespaces lenient = (Namespaces) Proxy.newProxyInstance(Namespaces.class.getClassLoader(),
          new Class<?>[] {Namespaces.class}, (proxy, method, args) -> {
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              if (method.getName().equals("upsert") && e.getCause() instanceof ApiException a
                  && a.getMessage().startsWith("Upsert would exceed vector quota")) {
                return 0L;
              }
              throw e.getCause();
            }
          });
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = new GuideStory(lenient, new Story(new PrintStream(out, true, StandardCharsets.UTF_8)), "").tell();
      return new Run(status, out.toString(StandardCharsets.UTF_8), "");
    }
  }

  @Test
  void refusesToTouchANamespaceItDidNotCreate() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(url + "/admin/namespaces"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"customer-123\",\"name\":\"Somebody's\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    try {
      Run refused = run("rest", "--url", url);
      assertEquals(2, refused.status(), refused::toString);
      assertTrue(refused.err().contains("namespace customer-123 already exists on " + url), refused::toString);
      HttpResponse<String> still = client.send(HttpRequest.newBuilder(URI.create(url + "/admin/namespaces/customer-123"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, still.statusCode(), "left alone: " + still.body());
      assertTrue(still.body().contains("\"status\":\"" + NamespaceStatus.ACTIVE.wireName() + "\""), still.body());
    } finally {
      client.send(HttpRequest.newBuilder(URI.create(url + "/admin/namespaces/customer-123")).DELETE().build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void explainsBadUsageAndAMissingServer() {
    Run usage = run("sideways");
    assertEquals(2, usage.status(), usage::toString);
    assertTrue(usage.err().contains("usage: namespace-demo embedded"), usage::toString);

    Run nobody = run("rest", "--url", "http://127.0.0.1:9");
    assertEquals(2, nobody.status(), nobody::toString);
    assertTrue(nobody.err().contains("no VecStore server answers at http://127.0.0.1:9"), nobody::toString);
  }
}
