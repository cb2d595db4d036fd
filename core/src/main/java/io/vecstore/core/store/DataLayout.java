package io.vecstore.core.store;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that knows where things live under the data directory (DESIGN.md §3), and how the
 * files in those places are named.
 *
 * <pre>
 * data/&lt;id&gt;/namespace.json   metadata, quotas, status, counters
 * data/&lt;id&gt;/index/           a plain Lucene index
 * data/&lt;id&gt;/wal/wal-&lt;seq&gt;.log write-ahead log segments (first sequence number, 20 digits)
 * data/&lt;id&gt;/snapshots/&lt;name&gt;/{index/, namespace.json, snapshot.json}   point-in-time copies
 * data/.native/                the tokenizer's native library, unpacked from its jar
 * data/&lt;id&gt;/snapshots/.checking-&lt;n&gt;/  a copy of the last commit being checked offline
 * data/&lt;id&gt;/.restore-&lt;n&gt;/{new,old}/   a restore in progress (finished or dropped when the namespace opens)
 * data/.creating-&lt;id&gt;-&lt;n&gt;/  a namespace being created (renamed into place when complete)
 * data/.creating-import-&lt;n&gt;/  an archive being unpacked for import
 * data/.deleting-&lt;id&gt;-&lt;n&gt;/  a namespace being deleted (finished on the next start)
 * data/.usage/&lt;id&gt;.json      daily usage rollup of a namespace (kept after it is deleted)
 * </pre>
 *
 * Namespace ids start with a letter or digit, so they never collide with the dot-prefixed work
 * directories. Immutable and thread-safe.
 */
public final class DataLayout {

  /** A namespace's metadata, in its directory and in a snapshot or an archive. */
  public static final String META_FILE = "namespace.json";
  /** A snapshot's description, in its directory and in an archive. */
  public static final String SNAPSHOT_INFO_FILE = "snapshot.json";
  /** The Lucene index, in a namespace's directory, a snapshot or an archive. */
  public static final String INDEX_DIR = "index";
  /** A restore's new index and the index it replaces, inside {@link #restoreDir}. */
  public static final String RESTORE_NEW = "new";
  public static final String RESTORE_OLD = "old";

  private static final String WAL_DIR = "wal";
  private static final String SNAPSHOTS_DIR = "snapshots";
  private static final String CREATING_PREFIX = ".creating-";
  private static final String DELETING_PREFIX = ".deleting-";
  private static final String CHECKING_PREFIX = ".checking-";
  private static final String RESTORE_PREFIX = ".restore-";
  private static final String USAGE_DIR = ".usage";
  private static final String NATIVE_CACHE_DIR = ".native";
  private static final String USAGE_SUFFIX = ".json";
  private static final Pattern WAL_SEGMENT = Pattern.compile("wal-(\\d{20})\\.log");

  private final Path root;

  public DataLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The directory of a namespace; the id must already be valid (see NamespaceIds). */
  public Path namespaceDir(String id) {
    Path dir = root.resolve(id).normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException("namespace directory escapes the data directory: " + id);
    }
    return dir;
  }

  public Path metaFile(String id) {
    return namespaceDir(id).resolve(META_FILE);
  }

  /**
   * Present while the namespace here is an incoming copy (a move's, or a replica's in cluster
   * mode) rather than this server's own: it survives restarts, so such a copy is never taken for a
   * namespace of this server's.
   */
  public Path incomingMarker(String id) {
    return namespaceDir(id).resolve(".incoming");
  }

  public Path indexDir(String id) {
    return namespaceDir(id).resolve(INDEX_DIR);
  }

  public Path walDir(String id) {
    return namespaceDir(id).resolve(WAL_DIR);
  }

  public Path usageDir() {
    return root.resolve(USAGE_DIR);
  }

  /**
   * Where the embedding models' tokenizer unpacks its native library (DJL's cache, else
   * {@code ~/.djl.ai}): under the data directory, which the server may write, unlike a home
   * directory under a service manager. Rebuilt whenever missing.
   */
  public Path nativeCacheDir() {
    return root.resolve(NATIVE_CACHE_DIR);
  }

  /** Whether a child of the data directory is a namespace's directory by its name, not a work or usage directory. */
  public static boolean isNamespaceDirName(String name) {
    return !name.startsWith(".");
  }

  public Path creatingDir(String id, long nonce) {
    return root.resolve(CREATING_PREFIX + id + "-" + nonce);
  }

  public Path deletingDir(String id, long nonce) {
    return root.resolve(DELETING_PREFIX + id + "-" + nonce);
  }

  /** Where an import unpacks an archive before it becomes a namespace directory. */
  public Path importingDir(long nonce) {
    return root.resolve(CREATING_PREFIX + "import-" + nonce);
  }

  /** Leftovers of interrupted creates, imports and deletes, in the data or a snapshots directory. */
  public static boolean isWorkDir(String name) {
    return name.startsWith(CREATING_PREFIX) || name.startsWith(DELETING_PREFIX) || name.startsWith(CHECKING_PREFIX);
  }

  public Path snapshotsDir(String id) {
    return namespaceDir(id).resolve(SNAPSHOTS_DIR);
  }

  /** A snapshot's directory; the name must already be valid. */
  public Path snapshotDir(String id, String name) {
    return snapshotsDir(id).resolve(name);
  }

  public Path snapshotIndexDir(String id, String name) {
    return snapshotDir(id, name).resolve(INDEX_DIR);
  }

  public Path snapshotCreatingDir(String id, String name, long nonce) {
    return snapshotsDir(id).resolve(CREATING_PREFIX + name + "-" + nonce);
  }

  public Path snapshotDeletingDir(String id, String name, long nonce) {
    return snapshotsDir(id).resolve(DELETING_PREFIX + name + "-" + nonce);
  }

  /** Where an offline CheckIndex links a copy of the last commit. */
  public Path checkingDir(String id, long nonce) {
    return snapshotsDir(id).resolve(CHECKING_PREFIX + nonce);
  }

  /** Where a restore builds the new index before swapping it in. */
  public Path restoreDir(String id, long nonce) {
    return namespaceDir(id).resolve(RESTORE_PREFIX + nonce);
  }

  /** The glob that matches a namespace's restore work directories. */
  public static String restoreDirGlob() {
    return RESTORE_PREFIX + "*";
  }

  /** A namespace's usage rollup. */
  public Path usageFile(String id) {
    return usageDir().resolve(id + USAGE_SUFFIX);
  }

  /** The namespace id of a usage rollup file name, or null if it is not one. */
  public static String usageFileId(String fileName) {
    return fileName.endsWith(USAGE_SUFFIX) && !fileName.startsWith(".")
        ? fileName.substring(0, fileName.length() - USAGE_SUFFIX.length()) : null;
  }

  /** The write-ahead log segment whose first record has {@code firstSeq}, in {@code walDir}. */
  public static Path walSegment(Path walDir, long firstSeq) {
    return walDir.resolve(String.format("wal-%020d.log", firstSeq));
  }

  /** The first sequence number of a write-ahead log segment's file name, or -1 if it is not one. */
  public static long walSegmentSeq(String fileName) {
    Matcher m = WAL_SEGMENT.matcher(fileName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
