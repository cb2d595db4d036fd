package io.vecstore.core.error;

import java.util.Map;

/**
 * A namespace that cannot serve right now (its storage failed) or a server that is shutting down.
 * Local to one namespace: the others keep serving.
 */
public final class UnavailableException extends VecStoreException {

  private static final String INSUFFICIENT_STORAGE = "insufficient_storage";

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
    return new UnavailableException(INSUFFICIENT_STORAGE,
        "Not enough free disk space for writes: " + freeBytes + " bytes free, " + minimumBytes + " required",
        Map.of("free_bytes", freeBytes, "min_free_bytes", minimumBytes), null);
  }

  /** A write that found the disk full (ENOSPC) part way; the namespace recovers once space returns. */
  public static UnavailableException diskFull(String id, Throwable cause) {
    return new UnavailableException(INSUFFICIENT_STORAGE,
        "Not enough free disk space for writes: namespace " + id + " could not write (" + cause.getMessage() + ")",
        Map.of("namespace", id), cause);
  }

  /**
   * A storage failure of a namespace: insufficient storage when the file system ran out of space
   * (ENOSPC, anywhere in the causes), else unavailable with the reason.
   */
  public static UnavailableException storage(String id, String reason, Throwable cause) {
    return isDiskFull(cause) ? diskFull(id, cause) : namespace(id, reason, cause);
  }

  private static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains("No space left on device")) {
        return true;
      }
    }
    return false;
  }

  /** Whether this is a refusal for lack of disk space (HTTP 507), not a failure. */
  public boolean insufficientStorage() {
    return code().equals(INSUFFICIENT_STORAGE);
  }

  public static UnavailableException shuttingDown() {
    return new UnavailableException("shutting_down", "Server is shutting down", Map.of(), null);
  }
}
