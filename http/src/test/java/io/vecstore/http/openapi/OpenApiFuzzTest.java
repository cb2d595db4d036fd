package io.vecstore.http.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.http.TestServer;
import io.vecstore.http.TestServer.Response;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec-driven fuzzing: for every operation with a JSON request body that the server registers,
 * its examples, then mutants derived from its schema (each required field missing, each field of
 * a wrong type, an unknown field, arrays past their bounds, numbers past their limits, nested
 * objects alike), then seeded random combinations of two mutations. Every answer must be one
 * the document lists for the operation, with a valid body (checked by {@link ResponseContract}
 * inside {@link TestServer#send}), never a 5xx; where a schema closes its object
 * ({@code additionalProperties: false}) an unknown field must be refused with 400.
 */
@ExtendWith(Seeded.class)
class OpenApiFuzzTest {

  private static final OpenApiDocument DOC = OpenApiDocument.DOCUMENT;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String UNKNOWN = "zz_unknown_field";
  private static final int COMBINATIONS_PER_OPERATION = 20;
  /** The namespace the document's examples name; prepared before each operation's requests. */
  private static final String NS = "customer-123";

  @TempDir Path dataDir;

  /** One change to a body: set or remove a field of the object at a JSON pointer. */
  record Edit(String objectPointer, String field, JsonNode value, String label, boolean unknownField) {
    /** The body with this edit, or null when the object is not there (an earlier edit removed it). */
    JsonNode apply(JsonNode body) {
      JsonNode copy = body.deepCopy();
      JsonNode target = objectPointer.isEmpty() ? copy : copy.at(objectPointer);
      if (!(target instanceof ObjectNode object)) {
        return null;
      }
      if (value == null) {
        object.remove(field);
      } else {
        object.set(field, value);
      }
      return copy;
    }
  }

  @Test
  void examplesAndSchemaMutantsAlwaysGetDocumentedAnswers(Random random) throws IOException {
    List<String> failures = new ArrayList<>();
    Set<String> notRegistered = new TreeSet<>();
    int sent = 0;
    try (TestServer server = TestServer.start(dataDir)) {
      Set<String> registered = TestServer.registeredRoutes(server.app());
      List<OpenApiDocument.Operation> targets = new ArrayList<>();
      for (OpenApiDocument.Operation op : DOC.operations()) {
        if (DOC.at(op.pointer() + "/requestBody/content/application~1json").isMissingNode()) {
          continue;
        }
        if (!registered.contains(op.key())) {
          notRegistered.add(op.key() + (op.clusterOnly() ? " (cluster mode only)" : ""));
          continue;
        }
        targets.add(op);
      }
      Collections.shuffle(targets, random);
      for (OpenApiDocument.Operation op : targets) {
        prepare(server);
        String path = pathOf(op);
        String schema = DOC.resolve(op.pointer() + "/requestBody/content/application~1json/schema");
        List<JsonNode> examples = examples(op);
        List<Edit> edits = new ArrayList<>();
        mutations(examples.get(0), "", schema, edits);
        for (JsonNode example : examples) {
          sent += send(server, op, path, example, "example", false, failures);
        }
        for (Edit edit : edits) {
          JsonNode body = edit.apply(examples.get(0));
          sent += send(server, op, path, body, edit.label(), edit.unknownField(), failures);
        }
        for (int i = 0; i < COMBINATIONS_PER_OPERATION && edits.size() > 1; i++) {
          Edit first = edits.get(random.nextInt(edits.size()));
          Edit second = edits.get(random.nextInt(edits.size()));
          JsonNode body = first.apply(examples.get(random.nextInt(examples.size())));
          body = body == null ? null : second.apply(body);
          if (body != null) {
            sent += send(server, op, path, body, first.label() + " + " + second.label(), false, failures);
          }
        }
      }
      System.out.println("OpenApiFuzzTest: " + sent + " requests over " + targets.size()
          + " operations; documented but not registered here, so not fuzzed: " + notRegistered);
    }
    assertEquals(List.of(), failures.stream().limit(15).toList(), failures.size() + " failures in " + sent + " requests");
    assertTrue(sent >= 200, "only " + sent + " requests sent");
  }


  /**
   * Every registered operation with parameters: first with the document's example values, then
   * with each query parameter of the wrong type, past its bounds, outside its enum or empty, and
   * each path parameter hostile (not an id, too long, an encoded NUL or dot-dot).
   */
  @Test
  void parameterMutantsAlwaysGetDocumentedAnswers(Random random) throws IOException {
    List<String> failures = new ArrayList<>();
    int sent = 0;
    try (TestServer server = TestServer.start(dataDir)) {
      Set<String> registered = TestServer.registeredRoutes(server.app());
      List<OpenApiDocument.Operation> targets = new ArrayList<>();
      for (OpenApiDocument.Operation op : DOC.operations()) {
        if (registered.contains(op.key()) && !parameters(op).isEmpty()) {
          targets.add(op);
        }
      }
      Collections.shuffle(targets, random);
      for (OpenApiDocument.Operation op : targets) {
        prepare(server);
        List<JsonNode> examples = DOC.at(op.pointer() + "/requestBody/content/application~1json").isMissingNode()
            ? List.of() : examples(op);
        String body = examples.isEmpty() ? null : examples.get(0).toString();
        List<String> targetsOfOp = new ArrayList<>();
        targetsOfOp.add(pathOf(op) + query(op, null, null));
        for (JsonNode p : parameters(op)) {
          String name = p.get("name").asText();
          JsonNode schema = DOC.at(DOC.resolve(p.has("schema") ? pointerOf(p) + "/schema" : pointerOf(p)));
          List<String> bad = new ArrayList<>();
          if (p.path("in").asText().equals("path")) {
            bad.addAll(List.of("-x", "x".repeat(600), "a%00b", "%2e%2e", "%F0%9F%92%A9"));
          } else {
            bad.addAll(List.of("", "abc", "1.5", "-1", "%FF"));
            if (schema.has("maximum")) {
              bad.add(Long.toString(schema.get("maximum").asLong() + 1));
            }
            if (schema.has("minimum")) {
              bad.add(Long.toString(schema.get("minimum").asLong() - 1));
            }
          }
          for (String value : bad) {
            targetsOfOp.add(p.path("in").asText().equals("path")
                ? pathOf(op).replace(exampleOf(p), value) + query(op, null, null)
                : pathOf(op) + query(op, name, value));
          }
        }
        for (String target : targetsOfOp) {
          String request = op.operationId() + " " + op.method() + " " + target;
          for (int attempt = 1; ; attempt++) {
            try {
              Response r = server.send(op.method(), target, body, body == null ? null : "application/json");
              if (r.status() >= 500) {
                failures.add(request + " -> " + r);
              }
              break;
            } catch (AssertionError e) {
              // Jetty closes the connection after refusing a malformed path (400 bad_request) and
              // the client may have pooled it: one retry on a fresh connection, as clients do.
              if (attempt == 1 && e.getMessage().contains("failed: java.io.IOException")) {
                continue;
              }
              failures.add(request + " -> " + e.getMessage());
              break;
            }
          }
          sent++;
        }
      }
    }
    assertEquals(List.of(), failures.stream().limit(15).toList(), failures.size() + " failures in " + sent + " requests");
    assertTrue(sent >= 100, "only " + sent + " requests sent");
  }

  /** The query string of the example values of {@code op}'s query parameters, with {@code name} set to {@code value}. */
  private static String query(OpenApiDocument.Operation op, String name, String value) {
    StringBuilder q = new StringBuilder();
    for (JsonNode p : parameters(op)) {
      String n = p.get("name").asText();
      String v = n.equals(name) ? value : p.has("example") ? exampleOf(p) : null;
      if (!p.path("in").asText().equals("query") || v == null) {
        continue;
      }
      q.append(q.isEmpty() ? "?" : "&").append(n).append('=').append(v);
    }
    return q.toString();
  }

  private static String exampleOf(JsonNode parameter) {
    JsonNode example = parameter.get("example");
    return java.net.URLEncoder.encode(example.isArray() ? example.get(0).asText() : example.asText(),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Where a parameter object sits in the document (to validate against its schema); parameters are resolved nodes. */
  private static String pointerOf(JsonNode parameter) {
    return parameter.path("x-pointer").asText();
  }

  /** The operation's parameters (path-level and its own), resolved, each tagged with its pointer. */
  private static List<JsonNode> parameters(OpenApiDocument.Operation op) {
    List<JsonNode> out = new ArrayList<>();
    String pathLevel = "/paths/" + OpenApiDocument.escape(op.template()) + "/parameters";
    for (String list : List.of(pathLevel, op.pointer() + "/parameters")) {
      for (int i = 0; i < DOC.at(list).size(); i++) {
        String pointer = DOC.resolve(list + "/" + i);
        ObjectNode p = DOC.at(pointer).deepCopy();
        p.put("x-pointer", pointer);
        out.add(p);
      }
    }
    return out;
  }

  /** Sends one body; records a failure unless the answer is documented, not a 5xx, and refuses unknown fields where the schema does. */
  private static int send(TestServer server, OpenApiDocument.Operation op, String path, JsonNode body, String label,
      boolean mustRefuse, List<String> failures) {
    String text = body.toString();
    String request = op.operationId() + " [" + label + "] " + op.method() + " " + path + " " + abbreviate(text);
    try {
      Response r = server.send(op.method(), path, text, "application/json");
      if (r.status() >= 500) {
        failures.add(request + " -> " + r);
      } else if (mustRefuse && r.status() != 400) {
        failures.add(request + " -> " + r + " (the schema closes the object: an unknown field is a 400)");
      }
    } catch (AssertionError e) {
      failures.add(request + " -> " + e.getMessage());
    }
    return 1;
  }

  /** Every single mutation of {@code value} (at {@code pointer} in the body) that its schema allows us to derive. */
  private static void mutations(JsonNode value, String pointer, String schemaPointer, List<Edit> out) {
    JsonNode schema = DOC.at(schemaPointer);
    if (!(value instanceof ObjectNode object) || !schema.has("properties")) {
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (object.has(required.asText())) {
        out.add(new Edit(pointer, required.asText(), null, "without " + pointer + "/" + required.asText(), false));
      }
    }
    boolean closed = schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean();
    out.add(new Edit(pointer, UNKNOWN, NODES.numberNode(1), "unknown field in " + (pointer.isEmpty() ? "/" : pointer), closed));
    for (Iterator<String> it = schema.get("properties").fieldNames(); it.hasNext(); ) {
      String field = it.next();
      String fieldSchema = DOC.resolve(schemaPointer + "/properties/" + OpenApiDocument.escape(field));
      String at = pointer + "/" + OpenApiDocument.escape(field);
      JsonNode wrong = wrongType(fieldSchema);
      if (wrong != null) {
        out.add(new Edit(pointer, field, wrong, at + " = " + wrong, false));
      }
      JsonNode s = DOC.at(fieldSchema);
      JsonNode current = object.get(field);
      if (s.has("maximum")) {
        out.add(new Edit(pointer, field, NODES.numberNode(s.get("maximum").asLong() + 1), at + " over its maximum", false));
      }
      if (s.has("minimum")) {
        out.add(new Edit(pointer, field, NODES.numberNode(s.get("minimum").asLong() - 1), at + " under its minimum", false));
      }
      if (current != null && current.isArray() && !current.isEmpty()) {
        if (s.has("maxItems")) {
          ArrayNode over = NODES.arrayNode();
          for (int i = 0; i <= s.get("maxItems").asInt(); i++) {
            over.add(current.get(i % current.size()).deepCopy());
          }
          out.add(new Edit(pointer, field, over, at + " with " + over.size() + " items", false));
        }
        if (s.path("minItems").asInt(0) > 0) {
          out.add(new Edit(pointer, field, NODES.arrayNode(), at + " empty", false));
        }
        if (s.has("items")) {
          mutations(current.get(0), at + "/0", DOC.resolve(fieldSchema + "/items"), out);
        }
      } else if (current != null && current.isObject()) {
        mutations(current, at, fieldSchema, out);
      }
    }
  }

  /** A JSON value of a type the schema at {@code pointer} does not accept, or null if it accepts every type. */
  private static JsonNode wrongType(String pointer) {
    List<JsonNode> candidates = List.of(NODES.booleanNode(true), NODES.numberNode(12345), NODES.numberNode(2.5),
        NODES.textNode("text"), NODES.arrayNode().add(1).add(2), NODES.objectNode().put("x", 1), NODES.nullNode());
    for (JsonNode candidate : candidates) {
      if (!DOC.validate(pointer, candidate).isEmpty()) {
        return candidate;
      }
    }
    return null;
  }

  private static List<JsonNode> examples(OpenApiDocument.Operation op) {
    String content = op.pointer() + "/requestBody/content/application~1json/examples";
    List<JsonNode> out = new ArrayList<>();
    for (Iterator<String> it = DOC.at(content).fieldNames(); it.hasNext(); ) {
      out.add(DOC.at(DOC.resolve(content + "/" + OpenApiDocument.escape(it.next())) + "/value"));
    }
    return out;
  }

  /** The operation's path with each path parameter set to the document's example for it. */
  private static String pathOf(OpenApiDocument.Operation op) {
    String path = op.template();
    for (JsonNode p : parameters(op)) {
      if (p.path("in").asText().equals("path")) {
        path = path.replace("{" + p.get("name").asText() + "}", exampleOf(p));
      }
    }
    Matcher left = Pattern.compile("\\{[^}]+}").matcher(path);
    if (left.find()) {
      throw new IllegalStateException(op.key() + ": no example for " + left.group());
    }
    return path;
  }

  /**
   * The state the examples assume: namespace customer-123 active, unlimited, of dimension 3, with
   * vectors doc1 to doc3, key reader and snapshot nightly. Earlier requests may have changed any
   * of it (status, plan, quota policy, quotas), so it is set again before each operation's requests.
   */
  private static void prepare(TestServer server) {
    if (server.get("/admin/namespaces/" + NS).status() == 404) {
      expect(201, server.post("/admin/namespaces", "{\"id\":\"" + NS + "\",\"tier\":\"unlimited\",\"dimension\":3}"));
    }
    expect(200, server.put("/admin/namespaces/" + NS + "/status", "{\"status\":\"active\"}"));
    expect(200, server.put("/admin/namespaces/" + NS + "/plan", "{\"plan\":\"unlimited\",\"override\":true}"));
    expect(200, server.put("/admin/namespaces/" + NS + "/quota-policy", "null"));
    StringBuilder unlimited = new StringBuilder("{");
    for (String quota : List.of("max_vectors", "max_storage_bytes", "max_requests_per_second", "max_concurrent_queries",
        "max_dimension", "max_results_per_query", "max_batch_size")) {
      unlimited.append(unlimited.length() == 1 ? "" : ",").append('"').append(quota).append("\":null");
    }
    expect(200, server.put("/admin/namespaces/" + NS + "/quotas", unlimited.append('}').toString()));
    expect(200, server.post("/v1/namespaces/" + NS + "/vectors", "{\"vectors\":["
        + "{\"id\":\"doc1\",\"values\":[0.1,0.2,0.3],\"metadata\":{\"category\":\"tech\",\"year\":2024}},"
        + "{\"id\":\"doc2\",\"values\":[0.3,0.2,0.1],\"metadata\":{\"category\":\"food\",\"year\":2019}},"
        + "{\"id\":\"doc3\",\"values\":[0.3,0.3,0.3]}]}"));
    int key = server.post("/admin/namespaces/" + NS + "/keys", "{\"name\":\"reader\",\"role\":\"read\"}").status();
    assertTrue(key == 201 || key == 409, "key reader: " + key);
    int snapshot = server.post("/admin/namespaces/" + NS + "/snapshots", "{\"name\":\"nightly\"}").status();
    assertTrue(snapshot == 201 || snapshot == 409, "snapshot nightly: " + snapshot);
  }

  private static void expect(int status, Response r) {
    assertEquals(status, r.status(), r.body());
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "…" : s;
  }
}
