package io.vecstore.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.vecstore.http.auth.Access;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/**
 * Serves the hand-written OpenAPI document ({@code openapi.yaml} on the classpath) as
 * {@code GET /openapi.yaml} and {@code GET /openapi.json}, and Swagger UI at {@code /docs/},
 * all open to everyone (a client needs the document before it has a key).
 *
 * <p>The document is read and converted to JSON once, when the routes are registered: both
 * answers are fixed bytes. Swagger UI's files come from the {@code org.webjars:swagger-ui} jar;
 * its sample page and initializer (which point at a public demo document) are hidden behind our
 * own page, which loads {@code /openapi.json} and nothing from other hosts.
 *
 * <p>Thread-safe: immutable after registration.
 */
public final class OpenApiRoutes {

  /** Where the document lives on the classpath. */
  public static final String RESOURCE = "/openapi.yaml";
  private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.35.0";
  /** Files of the webjar that would load someone else's document; our own page replaces them. */
  private static final Set<String> HIDDEN = Set.of("", "index.html", "swagger-initializer.js");

  private final byte[] yaml;
  private final byte[] json;

  private OpenApiRoutes(byte[] yaml) {
    this.yaml = yaml;
    this.json = toJson(yaml);
  }

  /** Registers the two document routes and the {@code /docs/} static files on {@code config}. */
  public static void register(JavalinConfig config) {
    OpenApiRoutes docs = new OpenApiRoutes(read());
    config.routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(docs.yaml), Access.OPEN);
    config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(docs.json), Access.OPEN);
    config.staticFiles.add(s -> {
      s.hostedPath = "/docs";
      s.directory = "/vecstore-docs";
      s.location = Location.CLASSPATH;
      s.headers = Map.of("Cache-Control", "no-cache");
    });
    config.staticFiles.add(s -> {
      s.hostedPath = "/docs";
      s.directory = SWAGGER_UI;
      s.location = Location.CLASSPATH;
      s.skipFileFunction = request -> HIDDEN.contains(fileName(request.getRequestURI()));
    });
  }

  private static String fileName(String uri) {
    return uri.substring(uri.lastIndexOf('/') + 1);
  }

  private static byte[] read() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static byte[] toJson(byte[] yaml) {
    try {
      JsonNode tree = new YAMLMapper().readTree(yaml);
      return new ObjectMapper().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot convert " + RESOURCE + " to JSON", e);
    }
  }
}
