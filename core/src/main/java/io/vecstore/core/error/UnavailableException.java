package io.vecstore.core.error;

import java.util.Map;

/**
 * A namespace that cannot serve right now (its storage failed) or a server that is shutting down.
 * Local to one namespace: the others keep serving.
 */
public final class UnavailableException extends VecStoreException {

  private UnavailableException(String code, String message, Map<String, Object> details, Throwable cause) {
    super(code, message, details, cause);
  }

  public static UnavailableException namespace(String id, String reason, Throwable cause) {
    return new UnavailableException(
        "namespace_unavailable",
        "Namespace unavailable: " + id + " (" + reason + ")",
        Map.of("namespace", id),
        cause);
  }

  /** Writes refused while the data directory's file system is nearly full. */
  public static UnavailableException insufficientStorage(long freeBytes, long minimumBytes) {
    return new UnavailableException("insufficient_storage",
        "Not enough free disk space for writes: " + freeBytes + " bytes free, " + minimumBytes + " required",
        Map.of("free_bytes", freeBytes, "min_free_bytes", minimumBytes), null);
  }

  public static UnavailableException shuttingDown() {
    return new UnavailableException("shutting_down", "Server is shutting down", Map.of(), null);
  }
}
