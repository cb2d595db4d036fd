package io.vecstore.core.index;

import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.wal.Durability;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.TieredMergePolicy;
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
 * @param indexExecutor helps index large batches: its threads take a share of a batch's documents
 *     alongside the request's own thread; null indexes every batch on the request's thread
 * @param indexHelpers how many of {@code indexExecutor}'s threads one batch may ask for
 */
public record IndexSettings(
    double ramBufferMb, Durability durability, UnaryOperator<Directory> directoryWrapper, Executor mergeExecutor,
    Executor indexExecutor, int indexHelpers) {
  public IndexSettings {
    if (!(ramBufferMb > 0)) {
      throw new IllegalArgumentException("ramBufferMb must be positive, got: " + ramBufferMb);
    }
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(directoryWrapper, "directoryWrapper");
    if (indexHelpers < 0) {
      throw new IllegalArgumentException("indexHelpers must be at least 0, got: " + indexHelpers);
    }
  }

  /** Settings that index every batch on the request's thread. */
  public IndexSettings(double ramBufferMb, Durability durability, UnaryOperator<Directory> directoryWrapper,
      Executor mergeExecutor) {
    this(ramBufferMb, durability, directoryWrapper, mergeExecutor, null, 0);
  }

  public static IndexSettings defaults() {
    return new IndexSettings(32, Durability.REQUEST, UnaryOperator.identity(), null);
  }

  public IndexSettings withDurability(Durability d) {
    return new IndexSettings(ramBufferMb, d, directoryWrapper, mergeExecutor, indexExecutor, indexHelpers);
  }

  public IndexSettings withDirectoryWrapper(UnaryOperator<Directory> wrapper) {
    return new IndexSettings(ramBufferMb, durability, wrapper, mergeExecutor, indexExecutor, indexHelpers);
  }

  public IndexSettings withMergeExecutor(Executor executor) {
    return new IndexSettings(ramBufferMb, durability, directoryWrapper, executor, indexExecutor, indexHelpers);
  }

  public IndexSettings withIndexExecutor(Executor executor, int helpers) {
    return new IndexSettings(ramBufferMb, durability, directoryWrapper, mergeExecutor, executor, helpers);
  }

  /**
   * The writer configuration of a namespace index with these settings, writing vectors with
   * {@code quantization} and analyzing the full-text field with {@code analyzer} (null: Lucene's
   * default, unused, as no field is then tokenized).
   */
  IndexWriterConfig writerConfig(Quantization quantization, TextAnalyzer analyzer) {
    IndexWriterConfig config = analyzer == null ? new IndexWriterConfig() : new IndexWriterConfig(analyzer.analyzer());
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setRAMBufferSizeMB(ramBufferMb);
    config.setCommitOnClose(false); // close() commits itself, with the WAL position
    config.setCodec(VectorCodec.create(quantization));
    // Keeps a commit's files while a snapshot links them (see snapshotTo).
    config.setIndexDeletionPolicy(new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()));
    // Lucene's default policy, except that compact() merges every segment holding a deleted
    // document: users ask for compaction to see deleted_count reach 0, and by default
    // forceMergeDeletes skips segments under 10% deleted. Natural merges are unchanged.
    TieredMergePolicy policy = new TieredMergePolicy();
    policy.setForceMergeDeletesPctAllowed(0.0);
    config.setMergePolicy(policy);
    if (mergeExecutor != null) {
      config.setMergeScheduler(new SharedMergeScheduler(mergeExecutor));
    }
    return config;
  }
}
