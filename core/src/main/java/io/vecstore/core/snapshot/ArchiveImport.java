package io.vecstore.core.snapshot;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Turns an exported snapshot archive into a namespace directory ready to be put in place: unpacks
 * it (only {@code snapshot.json}, {@code namespace.json} and {@code index/<plain file name>} are
 * accepted, so no entry can reach outside the work directory), checks every index file's checksum,
 * and rewrites namespace.json for the new namespace. A damaged or foreign archive is a 400; a
 * failing disk is an IOException.
 *
 * <p>Stateless and thread-safe; each call works in its own directory.
 */
public final class ArchiveImport {

  private static final Pattern INDEX_FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");

  private ArchiveImport() {}

  /** What a prepared work directory will become, and the snapshot it came from. */
  public record Prepared(NamespaceMeta meta, SnapshotInfo source) {}

  /**
   * Unpacks {@code archive} into {@code work} (created) and prepares it as namespace {@code id}
   * (null: the id it was exported from). Pending deletion becomes active; keys and the recorded
   * size are dropped; settings, quotas and usage counters travel.
   */
  public static Prepared prepare(InputStream archive, Path work, String id, Instant now) throws IOException {
    SnapshotInfo source = unpack(archive, work);
    Path metaFile = work.resolve(DataLayout.META_FILE);
    NamespaceMeta original;
    try {
      original = MetaStore.read(metaFile);
    } catch (IOException e) {
      throw invalid("archive's namespace.json is not one this server reads: " + e.getMessage());
    }
    String newId = NamespaceIds.requireValid(id == null ? original.id() : id);
    NamespaceStatus status = original.status() == NamespaceStatus.PENDING_DELETION ? NamespaceStatus.ACTIVE : original.status();
    NamespaceMeta meta;
    try {
      meta = MetaStore.rewriteForImport(metaFile, newId, status, now);
    } catch (IOException | ClassCastException e) {
      throw invalid("archive's namespace.json is not one this server reads: " + e.getMessage());
    }
    IndexFiles.CheckResult check = IndexFiles.check(work.resolve(DataLayout.INDEX_DIR), 1, null);
    if (!check.clean()) {
      throw invalid("archive's index fails CheckIndex: "
          + check.report().lines().filter(l -> l.contains("ERROR") || l.contains("FAILED")).findFirst().orElse("not clean"));
    }
    Files.deleteIfExists(work.resolve(DataLayout.SNAPSHOT_INFO_FILE));
    return new Prepared(meta, source);
  }

  static SnapshotInfo unpack(InputStream archive, Path dir) throws IOException {
    Files.createDirectories(dir.resolve(DataLayout.INDEX_DIR));
    try (TarArchiveInputStream tar = readerOf(archive)) {
      for (TarArchiveEntry e; (e = nextEntry(tar)) != null; ) {
        Path target = entryTarget(dir, e);
        if (Files.exists(target)) {
          throw invalid("archive holds " + e.getName() + " twice");
        }
        copy(tar, target);
      }
    }
    for (String required : List.of(DataLayout.SNAPSHOT_INFO_FILE, DataLayout.META_FILE)) {
      if (!Files.exists(dir.resolve(required))) {
        throw invalid("archive lacks " + required);
      }
    }
    try {
      return SnapshotStore.readInfo(dir.resolve(DataLayout.SNAPSHOT_INFO_FILE));
    } catch (IOException e) {
      throw invalid("archive's " + DataLayout.SNAPSHOT_INFO_FILE + " is unreadable: " + e.getMessage());
    }
  }

  private static TarArchiveInputStream readerOf(InputStream archive) {
    try {
      return SnapshotArchive.reader(archive);
    } catch (IOException e) {
      throw damaged(e);
    }
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | RuntimeException e) {
      throw damaged(e);
    }
  }

  /** Copies one entry; a read failure is the archive's fault (400), a write failure the disk's (IOException). */
  private static void copy(TarArchiveInputStream tar, Path target) throws IOException {
    byte[] buf = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(target)) {
      while (true) {
        int n;
        try {
          n = tar.read(buf);
        } catch (IOException | RuntimeException e) {
          throw damaged(e);
        }
        if (n < 0) {
          return;
        }
        out.write(buf, 0, n);
      }
    }
  }

  private static Path entryTarget(Path dir, TarArchiveEntry e) {
    String name = e.getName();
    if (e.isFile()) {
      if (name.equals(DataLayout.SNAPSHOT_INFO_FILE) || name.equals(DataLayout.META_FILE)) {
        return dir.resolve(name);
      }
      String prefix = DataLayout.INDEX_DIR + "/";
      if (name.startsWith(prefix) && INDEX_FILE.matcher(name.substring(prefix.length())).matches()) {
        return dir.resolve(DataLayout.INDEX_DIR).resolve(name.substring(prefix.length()));
      }
    }
    throw invalid("unexpected archive entry '" + (name.length() > 120 ? name.substring(0, 120) + "…" : name)
        + "' (a snapshot archive holds snapshot.json, namespace.json and index/<file>)");
  }

  private static InvalidRequestException damaged(Exception e) {
    return invalid("not a complete .tar.gz snapshot archive: " + e.getMessage());
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(message);
  }
}
