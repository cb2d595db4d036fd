package io.vecstore.cluster;

/**
 * ZooKeeper could not be reached, or did not answer in time, so a coordination step could not
 * be done or its outcome is unknown. The server maps it to 503 with code {@link #code()} and a
 * Retry-After.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterUnavailableException extends RuntimeException {

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The stable error code: {@code cluster_unavailable}. */
  public String code() {
    return "cluster_unavailable";
  }
}
