package io.vecstore.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.openapi.ResponseContract;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/** The real server (manager + Javalin app) on an ephemeral loopback port, with a real HTTP client. */
/** Shared with the server module's tests (through this module's test jar). */
public final class TestServer implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();

  private final ServerConfig config;
  private NamespaceManager manager;
  private Javalin app;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(ServerConfig config) {
    this.config = config;
  }

  public static TestServer start(Path dataDir) throws IOException {
    return start(ServerConfig.defaults(dataDir).withPort(0));
  }

  public static TestServer start(ServerConfig config) throws IOException {
    TestServer s = new TestServer(config);
    s.open();
    return s;
  }

  /**
   * The real embedding models, as the server runs them: one embedder for every test server of
   * the JVM (models load on first use, once), never closed (its threads are daemons).
   */
  private static final io.vecstore.embed.OnnxEmbedder EMBEDDER = new io.vecstore.embed.OnnxEmbedder(2);

  private void open() throws IOException {
    manager = new NamespaceManager(config.managerConfig());
    manager.embedder(EMBEDDER);
    app = App.create(config, manager).start(config.host(), 0);
    routes = registeredRoutes(app);
  }

  /**
   * Whether every response is checked against openapi.yaml: the server module's tests share this
   * class (through the test jar) without the schema validator on their class path.
   */
  private static final boolean CHECK_RESPONSES = onClassPath("com.networknt.schema.SchemaRegistry");

  /** The routes the running app registers, as {@code "GET /admin/namespaces/{id}"}. */
  private volatile Set<String> routes = Set.of();

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, TestServer.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Every HTTP route {@code app} registers, as {@code "METHOD /template"} (Javalin's own router). */
  public static Set<String> registeredRoutes(Javalin app) {
    Set<String> out = new TreeSet<>();
    for (var entry : app.unsafe.internalRouter.allHttpHandlers()) {
      if (entry.endpoint.method.isHttpMethod()) {
        out.add(entry.endpoint.method.name() + " " + entry.endpoint.path);
      }
    }
    return out;
  }

  /** The running app (route enumeration in the OpenAPI tests). */
  public Javalin app() {
    return app;
  }

  /** Stops and starts again on the same data directory (a clean restart). */
  void restart() throws IOException {
    close();
    open();
  }

  public NamespaceManager manager() {
    return manager;
  }

  public String base() {
    return "http://127.0.0.1:" + app.port();
  }

  public record Response(int status, String body, HttpHeaders headers) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    public String code() {
      return json().path("code").asText(null);
    }

    public String error() {
      return json().path("error").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path) {
    return send("GET", path, (byte[]) null, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, (byte[]) null, null);
  }

  public Response post(String path, String json) {
    return send("POST", path, json, "application/json");
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, "application/json");
  }

  public Response send(String method, String path, String body, String contentType) {
    return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
  }

  /** The key sent as {@code Authorization: Bearer} with every request, or null for none. */
  private volatile String key;

  public void useKey(String k) {
    this.key = k;
  }

  public String key() {
    return key;
  }

  public Response send(String method, String path, byte[] body, String contentType) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (CHECK_RESPONSES) {
        // Fails the test whose request got an answer openapi.yaml does not describe.
        ResponseContract.check(method, path, routes, r.statusCode(),
            r.headers().firstValue("Content-Type").orElse(null), r.body());
      }
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (app != null) {
      app.stop();
      app = null;
    }
    if (manager != null) {
      manager.close();
      manager = null;
    }
  }
}
