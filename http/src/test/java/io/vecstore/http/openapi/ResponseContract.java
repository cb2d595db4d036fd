package io.vecstore.http.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a response against the OpenAPI document: the status is one the operation documents,
 * the content type one it lists for that status, and a JSON body valid against that status's
 * schema. {@link io.vecstore.http.TestServer} runs it on every response of the HTTP tests.
 *
 * <p>Operations the running server does not register (routes the document has ahead of the
 * server) are treated as unknown routes here; {@code OpenApiRouteSetTest} reports them.
 *
 * <p>Thread-safe.
 */
public final class ResponseContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OpenApiDocument DOC = OpenApiDocument.DOCUMENT;
  private static final String ERROR = "/components/schemas/Error";
  private static final String PINECONE_ERROR = "/components/schemas/PineconeError";
  /** What the HTTP server itself may answer before any route, on any path (see the document's description). */
  private static final Set<Integer> BEFORE_ROUTING = Set.of(400, 404, 405, 413, 414, 431, 503);

  private ResponseContract() {}

  /** Throws an AssertionError naming the request, the response and every problem, unless it is documented. */
  public static void check(String method, String path, Set<String> registered, int status, String contentType,
      String body) {
    List<String> problems = problems(method, path, registered, status, contentType, body);
    if (!problems.isEmpty()) {
      throw new AssertionError("Response not as openapi.yaml documents it: " + method + " " + path + " -> " + status
          + " " + abbreviate(body) + "\n  " + String.join("\n  ", problems));
    }
  }

  /** The problems of one response; empty when the document describes it. */
  public static List<String> problems(String method, String path, Set<String> registered, int status,
      String contentType, String body) {
    String raw = rawPath(path);
    if (raw.equals("/ui") || raw.startsWith("/ui/") || raw.equals("/docs") || raw.startsWith("/docs/")
        || raw.startsWith("/internal/")) {
      return List.of(); // static files, and node-to-node routes the document leaves out on purpose
    }
    if (isServerLevel(status, body)) {
      return validateJson(ERROR, contentType, body); // Jetty's own refusal, in our shape on every path
    }
    OpenApiDocument.Operation op = DOC.find(method, raw, o -> registered.contains(o.key()));
    if (op == null) {
      if (!BEFORE_ROUTING.contains(status)) {
        return List.of("no operation documents " + method + " " + raw + ", and " + status
            + " is not an answer the server gives before routing");
      }
      // An unknown route or method: under /pinecone in Pinecone's error shape, elsewhere in ours.
      return validateJson(raw.equals("/pinecone") || raw.startsWith("/pinecone/") ? PINECONE_ERROR : ERROR, contentType, body);
    }
    String responsePointer = op.pointer() + "/responses/" + status;
    if (DOC.at(responsePointer).isMissingNode()) {
      return List.of(op.operationId() + " does not document status " + status + " (documented: " + op.statuses() + ")");
    }
    String response = DOC.resolve(responsePointer);
    JsonNode content = DOC.at(response + "/content");
    if (content.isMissingNode() || content.isEmpty()) {
      return List.of();
    }
    String type = baseType(contentType);
    if (type == null || !content.has(type)) {
      List<String> listed = new ArrayList<>();
      content.fieldNames().forEachRemaining(listed::add);
      return List.of(op.operationId() + " " + status + ": Content-Type " + contentType + " is not one of " + listed);
    }
    if (!type.equals("application/json")) {
      return List.of();
    }
    return validateJson(response + "/content/" + OpenApiDocument.escape(type) + "/schema", contentType, body);
  }

  /** Answers the server gives on any route before the route's own handler: a malformed request, oversized headers. */
  private static boolean isServerLevel(int status, String body) {
    if (status == 414 || status == 431) {
      return true;
    }
    return status == 400 && body != null && body.contains("\"code\":\"bad_request\"");
  }

  private static List<String> validateJson(String schemaPointer, String contentType, String body) {
    if (!"application/json".equals(baseType(contentType))) {
      return List.of("Content-Type " + contentType + " is not application/json");
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return List.of("body is not JSON: " + e.getMessage());
    }
    if (json == null || json.isMissingNode()) {
      return List.of("body is empty");
    }
    return DOC.validate(schemaPointer, json).stream().map(m -> "schema " + schemaPointer + ": " + m).toList();
  }

  private static String baseType(String contentType) {
    return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  /** The percent-encoded path of a request target, without its query. */
  static String rawPath(String path) {
    int end = path.length();
    for (char c : new char[] {'?', '#'}) {
      int at = path.indexOf(c);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    return path.substring(0, end);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
