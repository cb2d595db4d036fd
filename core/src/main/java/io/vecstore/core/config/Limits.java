package io.vecstore.core.config;

/**
 * Input limits that protect the server, whatever a namespace's quotas say.
 *
 * @param maxIdBytes longest vector id, in UTF-8 bytes
 * @param maxMetadataBytes largest metadata object of one vector, serialized as JSON
 * @param maxMetadataDepth deepest nesting of objects and arrays in metadata
 * @param maxTextBytes longest text of one record or query, in UTF-8 bytes
 */
public record Limits(int maxIdBytes, int maxMetadataBytes, int maxMetadataDepth, int maxTextBytes) {

  /** 64 KiB: a long article; embedding models read only its first few hundred tokens anyway. */
  public static final int DEFAULT_MAX_TEXT_BYTES = 64 * 1024;

  public Limits {
    if (maxIdBytes < 1 || maxMetadataBytes < 2 || maxMetadataDepth < 1 || maxTextBytes < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxIdBytes + ", " + maxMetadataBytes
          + ", " + maxMetadataDepth + ", " + maxTextBytes);
    }
  }

  public Limits(int maxIdBytes, int maxMetadataBytes, int maxMetadataDepth) {
    this(maxIdBytes, maxMetadataBytes, maxMetadataDepth, DEFAULT_MAX_TEXT_BYTES);
  }

  public static Limits defaults() {
    return new Limits(512, 64 * 1024, 32, DEFAULT_MAX_TEXT_BYTES);
  }
}
