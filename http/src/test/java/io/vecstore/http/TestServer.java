package io.vecstore.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The real server (manager + Javalin app) on an ephemeral loopback port, with a real HTTP client. */
final class TestServer implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final ServerConfig config;
  private NamespaceManager manager;
  private Javalin app;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(ServerConfig config) {
    this.config = config;
  }

  static TestServer start(Path dataDir) throws IOException {
    return start(ServerConfig.defaults(dataDir).withPort(0));
  }

  static TestServer start(ServerConfig config) throws IOException {
    TestServer s = new TestServer(config);
    s.open();
    return s;
  }

  private void open() throws IOException {
    manager = new NamespaceManager(config.managerConfig());
    app = App.create(config, manager).start(config.host(), 0);
  }

  /** Stops and starts again on the same data directory (a clean restart). */
  void restart() throws IOException {
    close();
    open();
  }

  NamespaceManager manager() {
    return manager;
  }

  String base() {
    return "http://127.0.0.1:" + app.port();
  }

  record Response(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    String code() {
      return json().path("code").asText(null);
    }

    String error() {
      return json().path("error").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Response get(String path) {
    return send("GET", path, (byte[]) null, null);
  }

  Response delete(String path) {
    return send("DELETE", path, (byte[]) null, null);
  }

  Response post(String path, String json) {
    return send("POST", path, json, "application/json");
  }

  Response put(String path, String json) {
    return send("PUT", path, json, "application/json");
  }

  Response send(String method, String path, String body, String contentType) {
    return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
  }

  /** The key sent as {@code Authorization: Bearer} with every request, or null for none. */
  private volatile String key;

  void useKey(String k) {
    this.key = k;
  }

  String key() {
    return key;
  }

  Response send(String method, String path, byte[] body, String contentType) {
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
