package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.index.NamespaceIndex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots of namespaces on disk: {@code data/<id>/snapshots/<name>/} holding {@code index/}
 * (the commit's files, hard-linked), {@code namespace.json} (the namespace's settings then, without
 * its keys) and {@code snapshot.json} ({@link SnapshotInfo}). A snapshot is built in a
 * {@code .creating-*} work directory and renamed into place, so a listed snapshot is always complete.
 * Also unpacks and checks archives for import.
 *
 * <p>Stateless and thread-safe; callers serialize changes to the snapshots of one namespace.
 */
final class Snapshots {

  private static final Logger LOG = LoggerFactory.getLogger(Snapshots.class);
  static final String INFO_FILE = "snapshot.json";
  static final String INDEX_DIR = "index";
  static final int FORMAT_VERSION = 1;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern INDEX_FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
  private static final DateTimeFormatter DEFAULT_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Snapshots() {}

  static String requireValidName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException("snapshot name must match ^[a-z0-9][a-z0-9_-]{0,63}$, got: "
          + (name == null ? "null" : "'" + (name.length() > 80 ? name.substring(0, 80) + "…" : name) + "'"));
    }
    return name;
  }

  /** A name from the time, e.g. {@code 20260124-133005-123} (UTC). */
  static String defaultName(Instant now) {
    return DEFAULT_NAME.format(now);
  }

  /**
   * Builds snapshot {@code name}: {@code copyIndex} links the index's commit into the directory
   * it is given; then the namespace.json copy and snapshot.json are written and the work
   * directory is renamed into place.
   */
  static SnapshotInfo create(DataLayout layout, NamespaceMeta meta, String name, Instant now, long nonce,
      Function<Path, IndexFiles.CommitCopy> copyIndex) throws IOException {
    String id = meta.id();
    Path target = layout.snapshotDir(id, name);
    if (Files.exists(target)) {
      throw io.vecstore.core.error.AlreadyExistsException.snapshot(id, name);
    }
    removeWorkDirs(layout, id);
    Path work = layout.snapshotCreatingDir(id, name, nonce);
    Files.createDirectories(work);
    try {
      IndexFiles.CommitCopy commit = copyIndex.apply(work.resolve(INDEX_DIR));
      MetaStore.write(work.resolve(DataLayout.META_FILE), meta.withKeys(List.of(), meta.updatedAt()).withSize(null));
      SnapshotInfo info = new SnapshotInfo(name, id, now, commit.liveDocs(), commit.bytes(), commit.generation(),
          parseLong(commit.userData().get(NamespaceIndex.WAL_SEQ)));
      writeInfo(work.resolve(INFO_FILE), info);
      MetaStore.fsyncDirectory(work);
      Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
      MetaStore.fsyncDirectory(target.getParent());
      return info;
    } catch (IOException | RuntimeException e) {
      NamespaceManager.deleteRecursively(work);
      throw e;
    }
  }

  /** The snapshots of a namespace, oldest first. Unreadable ones are logged and left out. */
  static List<SnapshotInfo> list(DataLayout layout, String id) throws IOException {
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
          out.add(readInfo(child.resolve(INFO_FILE)));
        } catch (IOException | RuntimeException e) {
          LOG.warn("Namespace {}: snapshot {} is unreadable, not listed: {}", id, name, e.toString());
        }
      }
    }
    out.sort(Comparator.comparing(SnapshotInfo::createdAt).thenComparing(SnapshotInfo::name));
    return out;
  }

  static SnapshotInfo get(DataLayout layout, String id, String name) {
    requireValidName(name);
    Path file = layout.snapshotDir(id, name).resolve(INFO_FILE);
    if (!Files.exists(file)) {
      throw NotFoundException.snapshot(id, name);
    }
    try {
      return readInfo(file);
    } catch (IOException e) {
      throw io.vecstore.core.error.UnavailableException.namespace(id, "snapshot " + name + " is unreadable: " + e.getMessage(), e);
    }
  }

  static void delete(DataLayout layout, String id, String name, long nonce) throws IOException {
    get(layout, id, name);
    Path trash = layout.snapshotDeletingDir(id, name, nonce);
    Files.move(layout.snapshotDir(id, name), trash, StandardCopyOption.ATOMIC_MOVE);
    MetaStore.fsyncDirectory(layout.snapshotsDir(id));
    NamespaceManager.deleteRecursively(trash);
  }

  /** Leftovers of interrupted snapshot creates and deletes; called under the namespace's snapshot lock. */
  static void removeWorkDirs(DataLayout layout, String id) throws IOException {
    Path dir = layout.snapshotsDir(id);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, p -> DataLayout.isWorkDir(p.getFileName().toString()))) {
      for (Path p : children) {
        NamespaceManager.deleteRecursively(p);
      }
    }
  }

  static void writeInfo(Path file, SnapshotInfo info) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("format_version", FORMAT_VERSION);
    n.put("name", info.name());
    n.put("namespace_id", info.namespaceId());
    n.put("created_at", info.createdAt().toString());
    n.put("vector_count", info.vectorCount());
    n.put("bytes", info.bytes());
    n.put("commit_generation", info.commitGeneration());
    n.put("wal_seq", info.walSeq());
    n.put("lucene_version", org.apache.lucene.util.Version.LATEST.toString());
    try (OutputStream out = Files.newOutputStream(file)) {
      JSON.writeValue(out, n);
    }
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static SnapshotInfo readInfo(Path file) throws IOException {
    JsonNode n = JSON.readTree(file.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object: " + file.getFileName());
    }
    int version = n.path("format_version").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new IOException(INFO_FILE + " has format_version " + version + ", this server reads " + FORMAT_VERSION);
    }
    try {
      return new SnapshotInfo(n.get("name").asText(), n.get("namespace_id").asText(),
          Instant.parse(n.get("created_at").asText()), n.get("vector_count").asLong(), n.get("bytes").asLong(),
          n.get("commit_generation").asLong(), n.get("wal_seq").asLong());
    } catch (RuntimeException e) {
      throw new IOException("invalid " + INFO_FILE + ": " + e, e);
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // --- import ----------------------------------------------------------------------------------

  /** What an unpacked archive holds. */
  record Unpacked(SnapshotInfo info, Path dir) {}

  /**
   * Unpacks an exported snapshot into {@code dir} (created): only {@code snapshot.json},
   * {@code namespace.json} and {@code index/<plain file name>} are accepted, so no entry can
   * reach outside {@code dir}. Anything else, or a damaged archive, is a 400.
   */
  static Unpacked unpack(InputStream archive, Path dir) throws IOException {
    Files.createDirectories(dir.resolve(INDEX_DIR));
    try {
      TarGz.Reader tar = new TarGz.Reader(archive);
      for (TarGz.Entry e; (e = tar.next()) != null; ) {
        Path target = entryTarget(dir, e.name());
        if (Files.exists(target)) {
          throw invalid("archive holds " + e.name() + " twice");
        }
        Files.copy(tar.content(), target);
      }
    } catch (java.util.zip.ZipException | java.io.EOFException | TarGz.FormatException e) {
      throw invalid("not a complete .tar.gz snapshot archive: " + e.getMessage());
    }
    for (String required : List.of(INFO_FILE, DataLayout.META_FILE)) {
      if (!Files.exists(dir.resolve(required))) {
        throw invalid("archive lacks " + required);
      }
    }
    SnapshotInfo info;
    try {
      info = readInfo(dir.resolve(INFO_FILE));
    } catch (IOException e) {
      throw invalid("archive's " + INFO_FILE + " is unreadable: " + e.getMessage());
    }
    return new Unpacked(info, dir);
  }

  private static Path entryTarget(Path dir, String name) {
    if (name.equals(INFO_FILE) || name.equals(DataLayout.META_FILE)) {
      return dir.resolve(name);
    }
    String prefix = INDEX_DIR + "/";
    if (name.startsWith(prefix) && INDEX_FILE.matcher(name.substring(prefix.length())).matches()) {
      return dir.resolve(INDEX_DIR).resolve(name.substring(prefix.length()));
    }
    throw invalid("unexpected archive entry '" + (name.length() > 120 ? name.substring(0, 120) + "…" : name)
        + "' (a snapshot archive holds snapshot.json, namespace.json and index/<file>)");
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(message);
  }
}
