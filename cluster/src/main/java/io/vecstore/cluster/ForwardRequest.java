package io.vecstore.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request as the receiving node got it, to replay on the owner: method, raw path and query
 * (still percent-encoded, e.g. {@code /v1/namespaces/a/query?x=1}), headers, body bytes.
 * Immutable (copied on the way in) and thread-safe; {@link #body()} returns the array itself: do
 * not change it.
 */
public record ForwardRequest(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {

  public ForwardRequest {
    if (method == null || !method.matches("[A-Z]{1,16}")) {
      throw new IllegalArgumentException("method must be an upper-case HTTP method, got: " + Ids.quote(method));
    }
    if (pathAndQuery == null || !pathAndQuery.startsWith("/") || pathAndQuery.startsWith("//")
        || !pathAndQuery.matches("\\S+")) {
      throw new IllegalArgumentException(
          "pathAndQuery must be a raw absolute path with optional query, got: " + Ids.quote(pathAndQuery));
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    (headers == null ? Map.<String, List<String>>of() : headers).forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = java.util.Collections.unmodifiableMap(copy);
    body = body == null ? new byte[0] : body.clone();
  }
}
