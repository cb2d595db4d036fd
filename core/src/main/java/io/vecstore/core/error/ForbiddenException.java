package io.vecstore.core.error;

import java.util.Map;

/**
 * A valid key that does not grant the operation: a namespace key on another namespace or on an
 * admin route, or a role that does not allow the operation (403). The message never says whether
 * the namespace asked for exists.
 */
public final class ForbiddenException extends VecStoreException {

  public ForbiddenException(String message) {
    super("forbidden", message, Map.of(), null);
  }
}
