package io.vecstore.core.error;

import java.util.Map;

/** The namespace's status (suspended, read only, pending deletion) forbids the operation. */
public final class RejectedByStatusException extends VecStoreException {

  public RejectedByStatusException(String code, String message, String namespace) {
    super(code, message, Map.of("namespace", namespace), null);
  }
}
