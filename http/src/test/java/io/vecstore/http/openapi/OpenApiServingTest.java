package io.vecstore.http.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.http.ServerConfig;
import io.vecstore.http.TestServer;
import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document and Swagger UI are served to anyone, even with an admin key configured. */
class OpenApiServingTest {

  @TempDir Path dataDir;
  TestServer server;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start(ServerConfig.defaults(dataDir).withPort(0).withAdminKey("admin-key-0123456789-abcdef"));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void yamlAndJsonAreTheSameDocumentAndNeedNoKey() throws IOException {
    Response yaml = server.get("/openapi.yaml");
    assertEquals(200, yaml.status());
    assertEquals("application/yaml", yaml.headers().firstValue("Content-Type").orElse(""));
    assertEquals(OpenApiDocument.DOCUMENT.yaml(), yaml.body());
    Response json = server.get("/openapi.json");
    assertEquals(200, json.status());
    assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals(OpenApiDocument.DOCUMENT.root(), new ObjectMapper().readTree(json.body()));
    assertEquals(401, server.get("/admin/namespaces").status(), "the key is still needed elsewhere");
    Response root = server.get("/");
    assertEquals(302, root.status());
    assertEquals("/ui/", root.headers().firstValue("Location").orElse(""));
  }

  @Test
  void swaggerUiLoadsOurDocumentFromThisServerOnly() {
    Response page = server.get("/docs/");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("swagger-ui-bundle.js"), page.body());
    assertFalse(page.body().contains("//"), "no absolute URL in the page: " + page.body());
    Response init = server.get("/docs/init.js");
    assertEquals(200, init.status());
    assertTrue(init.body().contains("url: '/openapi.json'"), init.body());
    assertTrue(init.body().contains("validatorUrl: null"), init.body());
    assertEquals(200, server.get("/docs/swagger-ui-bundle.js").status());
    assertEquals(200, server.get("/docs/swagger-ui.css").status());
    assertEquals(404, server.get("/docs/swagger-initializer.js").status(), "the webjar's demo initializer is hidden");
    assertEquals(page.body(), server.get("/docs/index.html").body(), "our page, not the webjar's");
  }
}
