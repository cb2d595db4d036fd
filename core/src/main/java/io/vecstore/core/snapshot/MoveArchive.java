package io.vecstore.core.snapshot;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Function;

/**
 * The archive a namespace travels in when it moves to another server: the same .tar.gz as an
 * export ({@code snapshot.json}, {@code namespace.json}, {@code index/<file>}), but its
 * namespace.json is the whole one, keys' hashes, status and counters included, and it is
 * installed under the same id with all of them (an import makes a new namespace without keys).
 *
 * <p>Stateless and thread-safe; each call works in its own directory.
 */
public final class MoveArchive {

  /** The name a move's snapshot carries in its snapshot.json (it is never listed as a snapshot). */
  public static final String SNAPSHOT_NAME = "cluster-move";

  private MoveArchive() {}

  /** A staged copy: its description (with the log position of its commit) and its archive, files already open. */
  public record Staged(SnapshotInfo info, SnapshotExport export) {}

  /**
   * Builds the copy in {@code work} (created): {@code copyIndex} links the index's commit into
   * {@code work/index}; namespace.json is {@code meta} whole but its recorded size. The archive's
   * files are opened before this returns, so removing {@code work} later cannot break it.
   */
  public static Staged stage(NamespaceMeta meta, Path work, Instant now, Function<Path, IndexFiles.CommitCopy> copyIndex)
      throws IOException {
    Files.createDirectories(work);
    IndexFiles.CommitCopy commit = copyIndex.apply(work.resolve(DataLayout.INDEX_DIR));
    MetaStore.write(work.resolve(DataLayout.META_FILE), meta.withSize(null));
    String seq = commit.userData().get(NamespaceIndex.WAL_SEQ);
    SnapshotInfo info = new SnapshotInfo(SNAPSHOT_NAME, meta.id(), now, commit.liveDocs(), commit.bytes(),
        commit.generation(), seq == null ? 0 : Long.parseLong(seq));
    SnapshotStore.writeInfo(work.resolve(DataLayout.SNAPSHOT_INFO_FILE), info);
    return new Staged(info, SnapshotExport.open(info, work));
  }

  /**
   * Unpacks a move's archive into {@code work} (created) as namespace {@code id}: only the
   * archive's known entries, every index file's checksum checked, its namespace.json kept whole
   * (keys, status, counters) but its recorded size. A damaged archive, or one of another
   * namespace, is a 400.
   */
  public static NamespaceMeta prepareInstall(InputStream archive, Path work, String id) throws IOException {
    SnapshotInfo source = ArchiveImport.unpack(archive, work);
    Path metaFile = work.resolve(DataLayout.META_FILE);
    NamespaceMeta meta;
    try {
      meta = MetaStore.read(metaFile);
    } catch (IOException e) {
      throw new InvalidRequestException("archive's namespace.json is not one this server reads: " + e.getMessage());
    }
    if (!meta.id().equals(id) || !source.namespaceId().equals(id)) {
      throw new InvalidRequestException("archive holds namespace " + meta.id() + ", not " + id);
    }
    IndexFiles.CheckResult check = IndexFiles.check(work.resolve(DataLayout.INDEX_DIR), 1, null);
    if (!check.clean()) {
      throw new InvalidRequestException("archive's index fails CheckIndex: "
          + check.report().lines().filter(l -> l.contains("ERROR") || l.contains("FAILED")).findFirst().orElse("not clean"));
    }
    meta = meta.withSize(null);
    MetaStore.write(metaFile, meta);
    Files.deleteIfExists(work.resolve(DataLayout.SNAPSHOT_INFO_FILE));
    AtomicFiles.fsyncDirectory(work);
    return meta;
  }
}
