package io.vecstore.core.error;

import java.util.Map;

/** Creating a namespace, or a namespace key, whose name is taken. */
public final class AlreadyExistsException extends VecStoreException {

  public AlreadyExistsException(String namespaceId) {
    super(
        "namespace_exists",
        "Namespace already exists: " + namespaceId,
        Map.of("namespace", namespaceId),
        null);
  }

  private AlreadyExistsException(String code, String message, Map<String, Object> details) {
    super(code, message, details, null);
  }

  public static AlreadyExistsException key(String namespaceId, String name) {
    return new AlreadyExistsException("key_exists", "Key already exists: " + name,
        Map.of("namespace", namespaceId, "name", name));
  }

  public static AlreadyExistsException snapshot(String namespaceId, String name) {
    return new AlreadyExistsException("snapshot_exists", "Snapshot already exists: " + name,
        Map.of("namespace", namespaceId, "name", name));
  }

  /** A Pinecone index asked for again with another dimension or metric. */
  public static AlreadyExistsException index(String name, String message) {
    return new AlreadyExistsException("index_exists", message, Map.of("index", name));
  }
}
