package io.vecstore.core.namespace;

import java.nio.file.Path;

/**
 * The one place that knows where things live under the data directory (DESIGN.md §3).
 *
 * <pre>
 * data/&lt;id&gt;/namespace.json   metadata, quotas, status, counters
 * data/&lt;id&gt;/index/           a plain Lucene index
 * data/&lt;id&gt;/wal/             write-ahead log segments
 * data/&lt;id&gt;/snapshots/&lt;name&gt;/{index/, namespace.json, snapshot.json}   point-in-time copies
 * data/&lt;id&gt;/.restore-&lt;n&gt;/     a restore in progress (finished or dropped when the namespace opens)
 * data/.creating-&lt;id&gt;-&lt;n&gt;/  a namespace being created (renamed into place when complete)
 * data/.deleting-&lt;id&gt;-&lt;n&gt;/  a namespace being deleted (finished on the next start)
 * data/.usage/&lt;id&gt;.json      daily usage rollup of a namespace (kept after it is deleted)
 * </pre>
 *
 * Namespace ids start with a letter or digit, so they never collide with the dot-prefixed work
 * directories. Immutable and thread-safe.
 */
public final class DataLayout {

  static final String META_FILE = "namespace.json";
  static final String CREATING_PREFIX = ".creating-";
  static final String DELETING_PREFIX = ".deleting-";
  static final String USAGE_DIR = ".usage";
  static final String RESTORE_PREFIX = ".restore-";

  private final Path root;

  public DataLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The directory of a namespace; the id must already be valid (see {@link NamespaceIds}). */
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

  public Path indexDir(String id) {
    return namespaceDir(id).resolve("index");
  }

  public Path walDir(String id) {
    return namespaceDir(id).resolve("wal");
  }

  Path usageDir() {
    return root.resolve(USAGE_DIR);
  }

  Path creatingDir(String id, long nonce) {
    return root.resolve(CREATING_PREFIX + id + "-" + nonce);
  }

  Path deletingDir(String id, long nonce) {
    return root.resolve(DELETING_PREFIX + id + "-" + nonce);
  }

  public Path snapshotsDir(String id) {
    return namespaceDir(id).resolve("snapshots");
  }

  /** A snapshot's directory; the name must already be valid (see {@link Snapshots#requireValidName}). */
  public Path snapshotDir(String id, String name) {
    return snapshotsDir(id).resolve(name);
  }

  Path snapshotCreatingDir(String id, String name, long nonce) {
    return snapshotsDir(id).resolve(CREATING_PREFIX + name + "-" + nonce);
  }

  Path snapshotDeletingDir(String id, String name, long nonce) {
    return snapshotsDir(id).resolve(DELETING_PREFIX + name + "-" + nonce);
  }

  /** Where a restore builds the new index before swapping it in (see {@link IndexSwap}). */
  Path restoreDir(String id, long nonce) {
    return namespaceDir(id).resolve(RESTORE_PREFIX + nonce);
  }

  /** Where an import unpacks an archive before it becomes a namespace directory. */
  Path importingDir(long nonce) {
    return root.resolve(CREATING_PREFIX + "import-" + nonce);
  }

  static boolean isWorkDir(String name) {
    return name.startsWith(CREATING_PREFIX) || name.startsWith(DELETING_PREFIX);
  }
}
