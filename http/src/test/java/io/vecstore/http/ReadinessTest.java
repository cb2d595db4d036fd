package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.javalin.Javalin;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.metrics.HttpMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ready waits for every listener the server was asked to open, and turns 503 when shutdown starts. */
class ReadinessTest {

  @TempDir Path dataDir;

  @Test
  void readyOnlyOnceEveryListenerIsUpAndNotAgainOnceStopping() throws Exception {
    ServerConfig config = ServerConfig.defaults(dataDir).withPort(0);
    Readiness readiness = new Readiness(2); // REST and one more (gRPC in Main)
    try (NamespaceManager manager = new NamespaceManager(config.managerConfig())) {
      Javalin app = App.create(config, manager, new HttpMetrics(manager::usage), readiness).start("127.0.0.1", 0);
      try {
        String ready = "http://127.0.0.1:" + app.port() + "/ready";
        assertEquals(503, status(ready), "REST listens, the other listener does not yet");
        readiness.listenerUp();
        assertEquals(200, status(ready));
        readiness.stopping();
        assertEquals(503, status(ready));
      } finally {
        app.stop();
      }
    }
  }

  private static int status(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
