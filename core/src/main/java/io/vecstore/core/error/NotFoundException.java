package io.vecstore.core.error;

import java.util.Map;

/** A namespace or a vector that does not exist. */
public final class NotFoundException extends VecStoreException {

  private NotFoundException(String code, String message, Map<String, Object> details) {
    super(code, message, details, null);
  }

  public static NotFoundException namespace(String id) {
    return new NotFoundException(
        "namespace_not_found", "Namespace not found: " + id, Map.of("namespace", id));
  }

  public static NotFoundException key(String namespace, String name) {
    return new NotFoundException("key_not_found", "Key not found: " + name, Map.of("namespace", namespace, "name", name));
  }

  public static NotFoundException snapshot(String namespace, String name) {
    return new NotFoundException("snapshot_not_found", "Snapshot not found: " + name,
        Map.of("namespace", namespace, "name", name));
  }

  public static NotFoundException vector(String namespace, String vectorId) {
    return new NotFoundException(
        "vector_not_found",
        "Vector not found: " + vectorId,
        Map.of("namespace", namespace, "id", vectorId));
  }

  /** A Pinecone index name other than the one a server presents itself as. */
  public static NotFoundException index(String name, String served) {
    return new NotFoundException("index_not_found",
        "Index not found: " + name + " (this server is the one index '" + served + "')", Map.of("index", name));
  }
}
