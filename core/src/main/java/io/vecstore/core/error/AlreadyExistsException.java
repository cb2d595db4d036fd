package io.vecstore.core.error;

import java.util.Map;

/** Creating a namespace whose id is taken. */
public final class AlreadyExistsException extends VecStoreException {

  public AlreadyExistsException(String namespaceId) {
    super(
        "namespace_exists",
        "Namespace already exists: " + namespaceId,
        Map.of("namespace", namespaceId),
        null);
  }
}
