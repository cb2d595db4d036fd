package io.vecstore.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The OpenAPI document as the tests read it: its operations, path-template matching, and JSON
 * Schema validation of any value against any schema in it (by JSON pointer, so that the
 * document's {@code $ref}s resolve within it). Loaded once; schemas are compiled on first use.
 *
 * <p>Thread-safe.
 */
public final class OpenApiDocument {

  /** The document's identity for the schema registry; never fetched (it is registered in memory). */
  private static final String BASE = "https://vecstore.invalid/openapi.json";
  private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete", "head", "options");

  /** The document of the http module's classpath. */
  public static final OpenApiDocument DOCUMENT = load();

  private final String yaml;
  private final JsonNode root;
  private final List<Operation> operations;
  private final SchemaRegistry registry;
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  /**
   * One operation: a method (upper case) on a path template, and where it sits in the document.
   */
  public record Operation(String method, String template, JsonNode node, String pointer) {

    /** The route's identity as the server registers it, e.g. {@code GET /admin/namespaces/{id}}. */
    public String key() {
      return method + " " + template;
    }

    public String operationId() {
      return node.path("operationId").asText();
    }

    public boolean clusterOnly() {
      return node.path("x-vecstore-cluster-only").asBoolean(false);
    }

    /** The statuses this operation documents, as written ({@code "200"}, …). */
    public List<String> statuses() {
      List<String> out = new ArrayList<>();
      node.path("responses").fieldNames().forEachRemaining(out::add);
      return out;
    }

    boolean matches(String method, String[] segments) {
      if (!this.method.equals(method)) {
        return false;
      }
      String[] parts = template.split("/", -1);
      if (parts.length != segments.length) {
        return false;
      }
      for (int i = 0; i < parts.length; i++) {
        boolean param = parts[i].startsWith("{");
        if (param ? segments[i].isEmpty() : !parts[i].equals(segments[i])) {
          return false;
        }
      }
      return true;
    }

    /** Literal segments: where templates overlap, the most literal one is the route (as in the server). */
    int literalSegments() {
      int n = 0;
      for (String part : template.split("/")) {
        n += part.startsWith("{") ? 0 : 1;
      }
      return n;
    }
  }

  private OpenApiDocument(String yaml) {
    this.yaml = yaml;
    try {
      this.root = new YAMLMapper().readTree(yaml);
      String json = new ObjectMapper().writeValueAsString(root);
      this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(BASE, json)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document", e);
    }
    this.operations = readOperations(root);
  }

  private static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      return new OpenApiDocument(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Operation> readOperations(JsonNode root) {
    List<Operation> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (METHODS.contains(op.getKey())) {
          out.add(new Operation(op.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), op.getValue(),
              "/paths/" + escape(path.getKey()) + "/" + op.getKey()));
        }
      }
    }
    return List.copyOf(out);
  }

  /** JSON-pointer escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  public String yaml() {
    return yaml;
  }

  public JsonNode root() {
    return root;
  }

  public List<Operation> operations() {
    return operations;
  }

  /** The node at a JSON pointer of the document. */
  public JsonNode at(String pointer) {
    return root.at(pointer);
  }

  /** Follows a {@code $ref} (within the document) until a node that is not one; returns its pointer. */
  public String resolve(String pointer) {
    for (int hops = 0; hops < 20; hops++) {
      JsonNode node = root.at(pointer);
      if (!node.has("$ref")) {
        return pointer;
      }
      String ref = node.get("$ref").asText();
      if (!ref.startsWith("#")) {
        throw new IllegalStateException("only local $refs are expected, got: " + ref);
      }
      pointer = ref.substring(1);
    }
    throw new IllegalStateException("$ref loop at " + pointer);
  }

  /**
   * The operation that answers {@code method} on {@code rawPath} (percent-encoded, no query),
   * among those {@code among} accepts, or null.
   */
  public Operation find(String method, String rawPath, Predicate<Operation> among) {
    String[] segments = rawPath.split("/", -1);
    Operation best = null;
    for (Operation op : operations) {
      if (among.test(op) && op.matches(method, segments) && (best == null || op.literalSegments() > best.literalSegments())) {
        best = op;
      }
    }
    return best;
  }

  /** The problems of {@code value} against the schema at {@code pointer}; empty when it is valid. */
  public List<String> validate(String pointer, JsonNode value) {
    Schema schema = compiled.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
    List<String> out = new ArrayList<>();
    schema.validate(value).forEach(e -> out.add(e.toString()));
    return out;
  }
}
