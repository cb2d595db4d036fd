package io.vecstore.core.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of namespaces on disk: {@code data/<id>/snapshots/<name>/} holding {@code index/}
 * (the commit's files, hard-linked), {@code namespace.json} (the namespace's settings then, without
 * its keys) and {@code snapshot.json} ({@link SnapshotInfo}). A snapshot is built in a
 * {@code .creating-*} work directory and renamed into place, so a listed snapshot is always complete.
 *
 * <p>Thread-safety: safe for concurrent use across namespaces; callers serialize changes to the
 * snapshots of one namespace.
 */
public final class SnapshotStore {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  static final int FORMAT_VERSION = 1;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final DateTimeFormatter DEFAULT_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final DataLayout layout;
  private final LongSupplier nonces;

  /** {@code nonces} names work directories uniquely. */
  public SnapshotStore(DataLayout layout, LongSupplier nonces) {
    this.layout = layout;
    this.nonces = nonces;
  }

  public static String requireValidName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException("snapshot name must match ^[a-z0-9][a-z0-9_-]{0,63}$, got: "
          + (name == null ? "null" : "'" + (name.length() > 80 ? name.substring(0, 80) + "…" : name) + "'"));
    }
    return name;
  }

  /** A name from the time, e.g. {@code 20260124-133005-123} (UTC). */
  public static String defaultName(Instant now) {
    return DEFAULT_NAME.format(now);
  }

  /**
   * Builds snapshot {@code name}: {@code copyIndex} links the index's commit into the directory
   * it is given; then the namespace.json copy and snapshot.json are written and the work
   * directory is renamed into place.
   */
  public SnapshotInfo create(NamespaceMeta meta, String name, Instant now, Function<Path, IndexFiles.CommitCopy> copyIndex)
      throws IOException {
    String id = meta.id();
    Path target = layout.snapshotDir(id, name);
    if (Files.exists(target)) {
      throw AlreadyExistsException.snapshot(id, name);
    }
    removeWorkDirs(id);
    Path work = layout.snapshotCreatingDir(id, name, nonces.getAsLong());
    Files.createDirectories(work);
    try {
      IndexFiles.CommitCopy commit = copyIndex.apply(work.resolve(DataLayout.INDEX_DIR));
      MetaStore.write(work.resolve(DataLayout.META_FILE), meta.withKeys(List.of(), meta.updatedAt()).withSize(null));
      SnapshotInfo info = new SnapshotInfo(name, id, now, commit.liveDocs(), commit.bytes(), commit.generation(),
          parseLong(commit.userData().get(NamespaceIndex.WAL_SEQ)));
      writeInfo(work.resolve(DataLayout.SNAPSHOT_INFO_FILE), info);
      AtomicFiles.fsyncDirectory(work);
      AtomicFiles.move(work, target);
      return info;
    } catch (IOException | RuntimeException e) {
      AtomicFiles.deleteRecursively(work);
      throw e;
    }
  }

  /** The snapshots of a namespace, oldest first. Unreadable ones are logged and left out. */
  public List<SnapshotInfo> list(String id) throws IOException {
    Path dir = layout.snapshotsDir(id);
    List<SnapshotInfo> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!NAME.matcher(name).matches() || !Files.isDirectory(child)) {
          continue; // a work directory, or something that is not ours
        }
        try {
          out.add(readInfo(child.resolve(DataLayout.SNAPSHOT_INFO_FILE)));
        } catch (IOException | RuntimeException e) {
          LOG.warn("Namespace {}: snapshot {} is unreadable, not listed: {}", id, name, e.toString());
        }
      }
    }
    out.sort(Comparator.comparing(SnapshotInfo::createdAt).thenComparing(SnapshotInfo::name));
    return out;
  }

  public SnapshotInfo get(String id, String name) {
    requireValidName(name);
    Path file = layout.snapshotDir(id, name).resolve(DataLayout.SNAPSHOT_INFO_FILE);
    if (!Files.exists(file)) {
      throw NotFoundException.snapshot(id, name);
    }
    try {
      return readInfo(file);
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "snapshot " + name + " is unreadable: " + e.getMessage(), e);
    }
  }

  public void delete(String id, String name) throws IOException {
    get(id, name);
    Path trash = layout.snapshotDeletingDir(id, name, nonces.getAsLong());
    AtomicFiles.move(layout.snapshotDir(id, name), trash);
    AtomicFiles.deleteRecursively(trash);
  }

  /** The dimension recorded in a snapshot's namespace.json (null if none was fixed then). */
  public Integer dimension(String id, String name) {
    try {
      return MetaStore.read(layout.snapshotDir(id, name).resolve(DataLayout.META_FILE)).dimension();
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "snapshot " + name + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** Opens a snapshot for export as one .tar.gz; the caller writes and closes it. */
  public SnapshotExport export(String id, String name) {
    SnapshotInfo info = get(id, name);
    try {
      return SnapshotExport.open(info, layout.snapshotDir(id, name));
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "cannot read snapshot " + name + ": " + e.getMessage(), e);
    }
  }

  /** Leftovers of interrupted snapshot creates and deletes; called under the namespace's snapshot lock. */
  private void removeWorkDirs(String id) throws IOException {
    Path dir = layout.snapshotsDir(id);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, p -> DataLayout.isWorkDir(p.getFileName().toString()))) {
      for (Path p : children) {
        AtomicFiles.deleteRecursively(p);
      }
    }
  }

  static void writeInfo(Path file, SnapshotInfo info) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.setAll(MetaCodec.snapshot(info));
    n.put("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
    Files.write(file, JSON.writeValueAsBytes(n));
    AtomicFiles.fsync(file);
  }

  static SnapshotInfo readInfo(Path file) throws IOException {
    JsonNode n = JSON.readTree(file.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object: " + file.getFileName());
    }
    int version = n.path("format_version").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new IOException(DataLayout.SNAPSHOT_INFO_FILE + " has format_version " + version + ", this server reads "
          + FORMAT_VERSION);
    }
    try {
      return MetaCodec.readSnapshot(n);
    } catch (RuntimeException e) {
      throw new IOException("invalid " + DataLayout.SNAPSHOT_INFO_FILE + ": " + e, e);
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
