package io.vecstore.server.tools;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The command-line tools' REST client of a running server's admin routes: the admin key (if any)
 * as a bearer token, bodies as strings or files. Thread-safe (HttpClient is).
 */
final class AdminClient {

  /** A response: its status and body (text, or empty when streamed to a file). */
  record Reply(int status, String body) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  private final String base;
  private final String adminKey;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminClient(String baseUrl, String adminKey) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.adminKey = adminKey;
  }

  String base() {
    return base;
  }

  /** Whether a server answers {@code /health}; false when nothing listens. */
  boolean serverRunning() {
    try {
      return send(request("/health").GET(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  Reply get(String path) throws IOException {
    return text(request(path).GET());
  }

  Reply delete(String path) throws IOException {
    return text(request(path).DELETE());
  }

  Reply postJson(String path, String json) throws IOException {
    return text(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply postFile(String path, Path file, String contentType) throws IOException {
    return text(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofFile(file)));
  }

  /** GETs {@code path} into {@code file} when the answer is 2xx; otherwise returns the error body. */
  Reply download(String path, Path file) throws IOException {
    HttpResponse<InputStream> r = send(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() / 100 != 2) {
        return new Reply(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return new Reply(r.statusCode(), "");
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofHours(1));
    if (adminKey != null) {
      b.header("Authorization", "Bearer " + adminKey);
    }
    return b;
  }

  private Reply text(HttpRequest.Builder b) throws IOException {
    HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      return client.send(b.build(), handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
