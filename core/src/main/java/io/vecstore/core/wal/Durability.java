package io.vecstore.core.wal;

import java.util.Locale;

/** When a write is fsynced to the write-ahead log, relative to its reply. */
public enum Durability {
  /** fsync before the reply (group commit shares one fsync among concurrent writers). Loses nothing. */
  REQUEST,
  /** fsync on a timer; a crash can lose the writes of the last interval (a process crash loses nothing the OS had). */
  ASYNC,
  /** No write-ahead log: only Lucene commits (every commit interval) are durable. For benchmarks and throwaway data. */
  NONE;

  public static Durability parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("durability must be one of request, async, none, got: " + value);
    }
  }
}
