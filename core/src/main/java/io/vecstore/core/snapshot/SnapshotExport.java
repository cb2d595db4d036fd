package io.vecstore.core.snapshot;

import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.store.DataLayout;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A snapshot being exported as one .tar.gz: {@code snapshot.json}, {@code namespace.json}, then
 * {@code index/<file>} for every index file. Its files are opened up front, so deleting the
 * snapshot meanwhile cannot break a download in progress.
 *
 * <p>Not thread-safe; the caller writes it once and closes it.
 */
public final class SnapshotExport implements Closeable {

  private record Item(String name, long size, long mtimeMillis, InputStream in) {}

  private final SnapshotInfo info;
  private final List<Item> items;

  private SnapshotExport(SnapshotInfo info, List<Item> items) {
    this.info = info;
    this.items = items;
  }

  static SnapshotExport open(SnapshotInfo info, Path snapshotDir) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    files.put(DataLayout.SNAPSHOT_INFO_FILE, snapshotDir.resolve(DataLayout.SNAPSHOT_INFO_FILE));
    files.put(DataLayout.META_FILE, snapshotDir.resolve(DataLayout.META_FILE));
    try (var index = Files.list(snapshotDir.resolve(DataLayout.INDEX_DIR))) {
      index.sorted().forEach(f -> files.put(DataLayout.INDEX_DIR + "/" + f.getFileName(), f));
    }
    List<Item> items = new ArrayList<>();
    try {
      for (var e : files.entrySet()) {
        Path f = e.getValue();
        InputStream in = Files.newInputStream(f);
        items.add(new Item(e.getKey(), Files.size(f), Files.getLastModifiedTime(f).toMillis(), in));
      }
    } catch (IOException | RuntimeException e) {
      for (Item i : items) {
        i.in().close();
      }
      throw e;
    }
    return new SnapshotExport(info, items);
  }

  public SnapshotInfo info() {
    return info;
  }

  /** A download file name: {@code <namespace>-<snapshot>.tar.gz}. */
  public String fileName() {
    return info.namespaceId() + "-" + info.name() + ".tar.gz";
  }

  /** Writes the archive; leaves {@code out} open. */
  public void writeTo(OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = SnapshotArchive.writer(out)) {
      for (Item i : items) {
        SnapshotArchive.add(tar, i.name(), i.size(), i.mtimeMillis(), i.in());
      }
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Item i : items) {
      try {
        i.in().close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
