package io.vecstore.core.error;

import java.util.Map;

/**
 * A namespace that cannot serve right now (its storage failed) or a server that is shutting down.
 * Local to one namespace: the others keep serving.
 */
public final class UnavailableException extends VecStoreException {

  private static final String INSUFFICIENT_STORAGE = "insufficient_storage";
  /** Code of a write refused because this server no longer (or not yet) owns the namespace (cluster mode). */
  public static final String NOT_OWNER = "not_owner";

  private final int retryAfterSeconds;

  private UnavailableException(String code, String message, Map<String, Object> details, Throwable cause) {
    this(code, message, details, cause, 0);
  }

  private UnavailableException(String code, String message, Map<String, Object> details, Throwable cause,
      int retryAfterSeconds) {
    super(code, message, details, cause);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * In cluster mode: this server may not acknowledge a write of the namespace (another node owns
   * it, it is moving, or this server lost contact with the cluster); retry after the given seconds.
   */
  public static UnavailableException notOwner(String id, String reason, int retryAfterSeconds) {
    if (retryAfterSeconds < 1) {
      throw new IllegalArgumentException("retryAfterSeconds must be at least 1, got: " + retryAfterSeconds);
    }
    return new UnavailableException(NOT_OWNER, "Namespace " + id + " is not writable on this server: " + reason,
        Map.of("namespace", id), null, retryAfterSeconds);
  }

  /** In cluster mode: the namespace's owner node is not live, nobody else has its data. */
  public static UnavailableException ownerDown(String id, String nodeId, int retryAfterSeconds) {
    return new UnavailableException("owner_down", "Namespace " + id + " is on node " + nodeId
        + ", which is not reachable; retry later", Map.of("namespace", id, "node", nodeId), null, retryAfterSeconds);
  }

  /** Seconds a client should wait before retrying (the {@code Retry-After} header), or 0 for no advice. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static UnavailableException namespace(String id, String reason, Throwable cause) {
    return new UnavailableException(
        "namespace_unavailable",
        "Namespace unavailable: " + id + " (" + reason + ")",
        Map.of("namespace", id),
        cause);
  }

  /** The embedding model cannot run here (not available, or it failed to load or run). */
  public static UnavailableException embedding(String model, String reason) {
    return new UnavailableException("embedding_unavailable", "Embedding model " + model + " is unavailable: " + reason,
        Map.of("model", model), null);
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
