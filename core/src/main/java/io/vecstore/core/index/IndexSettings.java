package io.vecstore.core.index;

/**
 * Tuning of a namespace index, from the server configuration.
 *
 * @param ramBufferMb IndexWriter RAM buffer before a segment is flushed
 */
public record IndexSettings(double ramBufferMb) {
  public IndexSettings {
    if (!(ramBufferMb > 0)) {
      throw new IllegalArgumentException("ramBufferMb must be positive, got: " + ramBufferMb);
    }
  }

  public static IndexSettings defaults() {
    return new IndexSettings(32);
  }
}
