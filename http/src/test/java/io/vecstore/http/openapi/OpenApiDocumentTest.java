package io.vecstore.http.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** openapi.yaml on its own: it parses cleanly, every operation is complete, every example is valid. */
class OpenApiDocumentTest {

  private static final OpenApiDocument DOC = OpenApiDocument.DOCUMENT;

  @Test
  void parsesWithSwaggerParserWithoutAnyMessage() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(DOC.yaml(), null, options);
    assertEquals(List.of(), result.getMessages());
    assertNotNull(result.getOpenAPI());
    assertEquals("3.1.0", result.getOpenAPI().getOpenapi());
  }

  @Test
  void everyOperationHasAnIdASummaryAndTheStatusesOfItsAccess() {
    List<String> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (OpenApiDocument.Operation op : DOC.operations()) {
      String at = op.key();
      JsonNode node = op.node();
      if (op.operationId().isEmpty() || !ids.add(op.operationId())) {
        problems.add(at + ": missing or repeated operationId '" + op.operationId() + "'");
      }
      if (node.path("summary").asText().isBlank()) {
        problems.add(at + ": no summary");
      }
      boolean open = node.has("security") && node.get("security").isEmpty();
      List<String> statuses = op.statuses();
      if (!open && !statuses.containsAll(List.of("401", "403", "429"))) {
        problems.add(at + ": an authenticated route must document 401, 403 and 429, has " + statuses);
      }
      if (!op.template().equals("/health") && !statuses.contains("503")) {
        problems.add(at + ": every route but /health answers 503 while the server shuts down");
      }
      if (node.has("requestBody") && !hasExample(DOC.at(op.pointer() + "/requestBody/content"))) {
        problems.add(at + ": request body without an example");
      }
      boolean responseExample = false;
      for (String status : statuses) {
        String response = DOC.resolve(op.pointer() + "/responses/" + status);
        responseExample |= hasExample(DOC.at(response + "/content"));
      }
      if (!responseExample && !op.template().equals("/")) {
        problems.add(at + ": no response has an example");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void pathParametersMatchTheirTemplatesAndHaveExamples() {
    List<String> problems = new ArrayList<>();
    Pattern param = Pattern.compile("\\{([^}]+)}");
    for (OpenApiDocument.Operation op : DOC.operations()) {
      Set<String> inTemplate = new HashSet<>();
      for (Matcher m = param.matcher(op.template()); m.find(); ) {
        inTemplate.add(m.group(1));
      }
      Set<String> declared = new HashSet<>();
      List<JsonNode> parameters = new ArrayList<>();
      DOC.at("/paths/" + OpenApiDocument.escape(op.template()) + "/parameters").forEach(parameters::add);
      op.node().path("parameters").forEach(parameters::add);
      for (JsonNode p : parameters) {
        JsonNode resolved = p.has("$ref") ? DOC.at(p.get("$ref").asText().substring(1)) : p;
        if (resolved.path("in").asText().equals("path")) {
          declared.add(resolved.path("name").asText());
          if (!resolved.has("example")) {
            problems.add(op.key() + ": path parameter " + resolved.path("name").asText() + " has no example");
          }
        }
      }
      if (!declared.equals(inTemplate)) {
        problems.add(op.key() + ": template parameters " + inTemplate + ", declared " + declared);
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyExampleIsValidAgainstItsSchema() {
    List<String> problems = new ArrayList<>();
    List<String> mediaTypes = new ArrayList<>();
    collectMediaTypes(DOC.root(), "", mediaTypes);
    int checked = 0;
    for (String mediaType : mediaTypes) {
      if (!mediaType.endsWith("/application~1json")) {
        continue;
      }
      for (Map.Entry<String, JsonNode> example : DOC.at(mediaType + "/examples").properties()) {
        String pointer = DOC.resolve(mediaType + "/examples/" + OpenApiDocument.escape(example.getKey()));
        for (String problem : DOC.validate(mediaType + "/schema", DOC.at(pointer + "/value"))) {
          problems.add(mediaType + " example " + example.getKey() + ": " + problem);
        }
        checked++;
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(checked > 60, "examples checked: " + checked);
  }


  /** Guards against a vacuous check: the validator and the contract do reject what the document forbids. */
  @Test
  void theResponseContractRejectsWhatTheDocumentForbids() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertTrue(!DOC.validate("/components/schemas/Namespace", json.readTree("{\"id\":1}")).isEmpty());
    Set<String> routes = Set.of("GET /admin/namespaces/{id}", "POST /v1/namespaces/{ns}/query");
    String type = "application/json";
    assertEquals(List.of(), ResponseContract.problems("GET", "/admin/namespaces/x?y=1", routes, 404, type,
        "{\"error\":\"Namespace not found: x\",\"code\":\"namespace_not_found\",\"namespace\":\"x\"}"));
    assertEquals(1, ResponseContract.problems("GET", "/admin/namespaces/x", routes, 418, type, "{}").size(),
        "an undocumented status");
    assertTrue(!ResponseContract.problems("GET", "/admin/namespaces/x", routes, 200, type, "{\"id\":\"x\"}").isEmpty(),
        "a body missing required fields");
    assertTrue(!ResponseContract.problems("GET", "/admin/namespaces/x", routes, 404, type,
        "{\"error\":\"e\",\"code\":\"no_such_code\"}").isEmpty(), "an undocumented error code");
    assertTrue(!ResponseContract.problems("POST", "/v1/namespaces/x/query", routes, 200, type,
        "{\"results\":[{\"id\":\"a\",\"distance\":0.1,\"score\":0.9,\"extra\":1}]}").isEmpty(),
        "an undocumented field");
    assertEquals(List.of(), ResponseContract.problems("PATCH", "/admin/namespaces/x", routes, 405, type,
        "{\"error\":\"Method PATCH is not allowed on /admin/namespaces/x\",\"code\":\"method_not_allowed\"}"));
    assertTrue(!ResponseContract.problems("GET", "/nowhere", routes, 200, type, "{}").isEmpty(), "an undocumented route");
  }

  /** Pointers of every media type object (request bodies and responses, paths and components). */
  private static void collectMediaTypes(JsonNode node, String pointer, List<String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String child = pointer + "/" + OpenApiDocument.escape(e.getKey());
        if (e.getKey().equals("content") && e.getValue().isObject() && !pointer.contains("/examples/")) {
          e.getValue().fieldNames().forEachRemaining(type -> out.add(child + "/" + OpenApiDocument.escape(type)));
        } else if (!e.getKey().equals("examples")) {
          collectMediaTypes(e.getValue(), child, out);
        }
      }
    }
  }

  private static boolean hasExample(JsonNode content) {
    for (JsonNode mediaType : content) {
      if (mediaType.has("examples") && !mediaType.get("examples").isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
