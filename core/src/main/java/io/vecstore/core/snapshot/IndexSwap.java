package io.vecstore.core.snapshot;

import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a closed namespace's index with a snapshot's, crash-safely. Steps:
 *
 * <ol>
 *   <li>{@link #prepare}: link the snapshot's index into {@code <ns>/.restore-<n>/new/} and commit
 *       it again with the live counters and write-ahead log position (so no log record written
 *       before the restore is ever replayed on it); fsync.
 *   <li>{@link #swap}: rename {@code index/} to {@code .restore-<n>/old}, rename {@code new} to
 *       {@code index/}, empty {@code wal/}, remove the work directory.
 * </ol>
 *
 * A crash leaves the old state (before the first rename) or the new one: {@link #recover} finds
 * {@code index/} missing only between the two renames, and then finishes the second. Any other
 * leftover work directory is dropped. Stateless; callers hold the namespace's lifecycle write
 * lock (or run before the namespace is used).
 */
public final class IndexSwap {

  private static final Logger LOG = LoggerFactory.getLogger(IndexSwap.class);

  private IndexSwap() {}

  /**
   * {@link #prepare} with the commit at the position after everything the replaced index logged
   * (see {@link #lastLogPosition}): no record written before the restore is ever replayed on it.
   */
  public static Path prepareAtLogEnd(DataLayout layout, String id, Path snapshotIndex, Map<String, String> commitData,
      long nonce) throws IOException {
    Map<String, String> data = new java.util.HashMap<>(commitData);
    data.put(NamespaceIndex.WAL_SEQ, Long.toString(lastLogPosition(layout, id)));
    return prepare(layout, id, snapshotIndex, data, nonce);
  }

  public static Path prepare(DataLayout layout, String id, Path snapshotIndex, Map<String, String> commitData, long nonce)
      throws IOException {
    Path work = layout.restoreDir(id, nonce);
    Path fresh = work.resolve(DataLayout.RESTORE_NEW);
    Files.createDirectories(fresh);
    try {
      List<String> files;
      try (var list = Files.list(snapshotIndex)) {
        files = list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("write.lock")).toList();
      }
      for (String f : files) {
        IndexFiles.linkOrCopy(snapshotIndex.resolve(f), fresh.resolve(f));
      }
      IndexFiles.recommit(fresh, commitData);
      AtomicFiles.fsyncDirectory(work);
      return work;
    } catch (IOException | RuntimeException e) {
      AtomicFiles.deleteRecursively(work);
      throw e;
    }
  }

  public static void swap(DataLayout layout, String id, Path work) throws IOException {
    Path index = layout.indexDir(id);
    if (Files.exists(index)) {
      Files.move(index, work.resolve(DataLayout.RESTORE_OLD), StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(layout.namespaceDir(id));
    }
    finish(layout, id, work);
  }

  /** The second rename and the clean-up; also how {@link #recover} rolls a restore forward. */
  private static void finish(DataLayout layout, String id, Path work) throws IOException {
    Files.move(work.resolve(DataLayout.RESTORE_NEW), layout.indexDir(id), StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.fsyncDirectory(layout.namespaceDir(id));
    clearLog(layout.walDir(id));
    AtomicFiles.deleteRecursively(work);
  }

  /** Finishes or drops restores a crash interrupted; cheap when there are none. */
  public static void recover(DataLayout layout, String id) throws IOException {
    Path nsDir = layout.namespaceDir(id);
    if (!Files.isDirectory(nsDir)) {
      return;
    }
    try (DirectoryStream<Path> works = Files.newDirectoryStream(nsDir, DataLayout.restoreDirGlob())) {
      for (Path work : works) {
        if (!Files.exists(layout.indexDir(id)) && Files.isDirectory(work.resolve(DataLayout.RESTORE_NEW))) {
          LOG.info("Namespace {}: finishing a restore interrupted after the old index was moved aside", id);
          finish(layout, id, work);
        } else {
          LOG.info("Namespace {}: removing {} left by an interrupted restore", id, work.getFileName());
          AtomicFiles.deleteRecursively(work);
        }
      }
    }
  }

  /**
   * Empties the write-ahead log. Not needed for correctness (the restored commit's log position
   * is past every record in it) but its records describe the replaced index.
   */
  private static void clearLog(Path walDir) throws IOException {
    if (!Files.isDirectory(walDir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(walDir)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  /**
   * The highest write-ahead log position of a closed namespace's index: its last commit's, or a
   * logged record's beyond it (a namespace closed after a storage failure). A restored index is
   * committed at this position, so no record written before the restore is replayed on it.
   */
  public static long lastLogPosition(DataLayout layout, String id) throws IOException {
    long committed = 0;
    try {
      String seq = IndexFiles.latestCommit(layout.indexDir(id)).userData().get(NamespaceIndex.WAL_SEQ);
      committed = seq == null ? 0 : Long.parseLong(seq);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Namespace {}: the index being replaced has no readable commit: {}", id, e.toString());
    }
    if (!Files.isDirectory(layout.walDir(id))) {
      return committed;
    }
    try (WriteAheadLog wal = WriteAheadLog.open(layout.walDir(id), committed)) {
      return Math.max(committed, wal.nextSeq() - 1);
    }
  }
}
