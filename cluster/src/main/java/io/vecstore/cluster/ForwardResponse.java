package io.vecstore.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner's answer, to send back unchanged: status, headers (hop-by-hop ones and
 * Content-Length removed: the server sets the length from the body) and body bytes. Immutable
 * and thread-safe; {@link #body()} returns the array itself: do not change it.
 */
public record ForwardResponse(int status, Map<String, List<String>> headers, byte[] body) {

  public ForwardResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be in 100..599, got: " + status);
    }
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = java.util.Collections.unmodifiableMap(copy);
    body = body.clone();
  }

  /** The first value of the header (names compared ignoring case), or null. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return entry.getValue().get(0);
      }
    }
    return null;
  }
}
