package io.vecstore.core.wal;

import io.vecstore.core.WireNames;

/** When a write is fsynced to the write-ahead log, relative to its reply. */
public enum Durability {
  /** fsync before the reply (group commit shares one fsync among concurrent writers). Loses nothing. */
  REQUEST,
  /** fsync on a timer; a crash can lose the writes of the last interval (a process crash loses nothing the OS had). */
  ASYNC,
  /** No write-ahead log: only Lucene commits (every commit interval) are durable. For benchmarks and throwaway data. */
  NONE;

  /** Parses a flag value; a bad one is an IllegalArgumentException, as every bad flag is. */
  public static Durability parse(String value) {
    try {
      return WireNames.parse(Durability.class, "durability", value);
    } catch (io.vecstore.core.error.InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
