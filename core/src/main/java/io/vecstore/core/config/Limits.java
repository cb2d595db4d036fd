package io.vecstore.core.config;

/**
 * Input limits that protect the server, whatever a namespace's quotas say.
 *
 * @param maxIdBytes longest vector id, in UTF-8 bytes
 * @param maxMetadataBytes largest metadata object of one vector, serialized as JSON
 * @param maxMetadataDepth deepest nesting of objects and arrays in metadata
 */
public record Limits(int maxIdBytes, int maxMetadataBytes, int maxMetadataDepth) {
  public Limits {
    if (maxIdBytes < 1 || maxMetadataBytes < 2 || maxMetadataDepth < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxIdBytes + ", " + maxMetadataBytes
          + ", " + maxMetadataDepth);
    }
  }

  public static Limits defaults() {
    return new Limits(512, 64 * 1024, 32);
  }
}
