package io.vecstore.core.error;

import java.util.Map;

/** No credentials, or credentials that are not a valid key (401). */
public final class UnauthenticatedException extends VecStoreException {

  public UnauthenticatedException(String message) {
    super("unauthenticated", message, Map.of(), null);
  }
}
