package io.vecstore.core.index;

import io.vecstore.core.wal.LogRetention;
import io.vecstore.core.wal.WalRecord;
import io.vecstore.core.wal.WriteAheadLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies of one namespace's index as it is at a moment: a commit's files linked elsewhere (a
 * snapshot, the first part of a move), and the write-ahead log records written after that commit
 * (the rest of a move), kept until the copy no longer needs them.
 *
 * <p>Thread-safety: safe for concurrent use with writes and queries; writes wait only for the
 * commit a copy starts with.
 */
public final class IndexCopies {

  private static final Logger LOG = LoggerFactory.getLogger(IndexCopies.class);

  private final IndexCore core;

  IndexCopies(IndexCore core) {
    this.core = core;
  }

  /**
   * A consistent point-in-time copy: commits every acknowledged write (the commit records the
   * write-ahead log position), pins that commit, and hard-links (or copies) its files into
   * {@code target} (created) after releasing the write lock, so writes wait only for the commit.
   */
  public IndexFiles.CommitCopy snapshotTo(Path target) {
    return snapshotTo(target, null);
  }

  /**
   * As {@link #snapshotTo(Path)}; with {@code retained} (not null, and a log to keep), the
   * write-ahead log also keeps every record written after the copy's commit, through later
   * commits, until the hold given to {@code retained} is closed, so that {@link #logAfter} can
   * read them (a move or a replica ships the copy, then that tail). Taken under the same lock as
   * the commit: no record after it can be deleted in between.
   */
  public IndexFiles.CommitCopy snapshotTo(Path target, Consumer<LogRetention.Hold> retained) {
    SnapshotDeletionPolicy policy = (SnapshotDeletionPolicy) core.writer.getConfig().getIndexDeletionPolicy();
    IndexCommit commit = core.underWriteLock(() -> {
      if (core.failure != null) {
        throw core.storageFailure(core.failure); // never commit a half-applied batch
      }
      core.commitLocked();
      if (retained != null && core.wal != null) {
        retained.accept(core.wal.retention().hold(core.lastLoggedSeq));
      }
      return policy.snapshot();
    });
    try {
      long bytes = IndexFiles.linkAll(core.indexPath, commit.getFileNames(), target);
      SegmentInfos infos = SegmentInfos.readCommit(core.directory, commit.getSegmentsFileName());
      return new IndexFiles.CommitCopy(commit.getGeneration(), commit.getUserData(), IndexFiles.liveDocs(infos), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        policy.release(commit);
        core.writer.deleteUnusedFiles();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Namespace {}: releasing a snapshot commit failed: {}", core.namespaceId, e.toString());
      }
    }
  }

  /** Whether this index has a write-ahead log (durability is not {@code none}). */
  public boolean logged() {
    return core.wal != null;
  }

  /**
   * The logged writes after sequence number {@code seq}, in order, up to about {@code maxBytes}
   * (see {@link WriteAheadLog#readAfter}); empty without a log. Safe while writes go on.
   *
   * @throws IllegalStateException the log no longer holds the record after {@code seq} (it was
   *     not retained, see {@link #snapshotTo(Path, boolean)})
   */
  public List<WalRecord> logAfter(long seq, long maxBytes) {
    if (core.wal == null) {
      return List.of();
    }
    List<WalRecord> records;
    long lastBefore = core.wal.lastSeq(); // fully appended before the read starts, so the read finds it
    try {
      core.ensureOpen();
      records = core.wal.readAfter(seq, maxBytes);
    } catch (IOException | RuntimeException e) {
      throw core.translate(e);
    }
    long expectedFirst = seq + 1;
    if ((records.isEmpty() && lastBefore > seq) || (!records.isEmpty() && records.getFirst().seq() != expectedFirst)) {
      throw new IllegalStateException("namespace " + core.namespaceId + ": the log no longer holds record " + expectedFirst
          + " (last logged: " + lastBefore + ")");
    }
    return records;
  }

  /** Keeps the log's records after {@code seq} through commits until the hold is closed (null without a log). */
  public LogRetention.Hold hold(long seq) {
    return core.wal == null ? null : core.wal.retention().hold(seq);
  }

  /** The sequence number of the last logged write (0 when none; -1 without a log). Any thread. */
  public long lastLoggedSeq() {
    return core.wal == null ? -1 : core.wal.lastSeq();
  }
}
