package io.vecstore.core.index;

import io.vecstore.core.wal.Durability;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.apache.lucene.store.Directory;

/**
 * Tuning of namespace indexes, from the server configuration.
 *
 * @param ramBufferMb IndexWriter RAM buffer before a segment is flushed
 * @param durability when writes reach stable storage relative to their reply
 * @param directoryWrapper wraps each namespace's Lucene directory; identity in production, a
 *     fault-injecting wrapper in tests
 * @param mergeExecutor runs merges of every namespace (bounded threads), or null for Lucene's
 *     per-writer merge threads
 */
public record IndexSettings(
    double ramBufferMb, Durability durability, UnaryOperator<Directory> directoryWrapper, Executor mergeExecutor) {
  public IndexSettings {
    if (!(ramBufferMb > 0)) {
      throw new IllegalArgumentException("ramBufferMb must be positive, got: " + ramBufferMb);
    }
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(directoryWrapper, "directoryWrapper");
  }

  public static IndexSettings defaults() {
    return new IndexSettings(32, Durability.REQUEST, UnaryOperator.identity(), null);
  }

  public IndexSettings withDurability(Durability d) {
    return new IndexSettings(ramBufferMb, d, directoryWrapper, mergeExecutor);
  }

  public IndexSettings withDirectoryWrapper(UnaryOperator<Directory> wrapper) {
    return new IndexSettings(ramBufferMb, durability, wrapper, mergeExecutor);
  }

  public IndexSettings withMergeExecutor(Executor executor) {
    return new IndexSettings(ramBufferMb, durability, directoryWrapper, executor);
  }
}
