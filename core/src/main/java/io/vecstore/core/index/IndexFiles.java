package io.vecstore.core.index;

import io.vecstore.core.store.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene index files as files: copying a commit elsewhere (hard links, since Lucene never changes
 * a file once written), reading a commit's figures without opening a reader, re-committing a
 * copied index with new user data, and CheckIndex. Used by snapshots, restore, import and the
 * check-index tool. Stateless and thread-safe.
 */
public final class IndexFiles {

  private IndexFiles() {}

  /** What a copied commit holds. */
  public record CommitCopy(long generation, Map<String, String> userData, long liveDocs, long bytes) {
    public CommitCopy {
      userData = Map.copyOf(userData);
    }
  }

  /**
   * Hard-links {@code src} as {@code dst}, or copies it (and fsyncs the copy) where links are not
   * possible, e.g. across file systems.
   */
  public static void linkOrCopy(Path src, Path dst) throws IOException {
    try {
      Files.createLink(dst, src);
      return;
    } catch (FileAlreadyExistsException | NoSuchFileException e) {
      throw e;
    } catch (IOException | UnsupportedOperationException e) {
      // different file system, or links not supported: copy below
    }
    Files.copy(src, dst);
    AtomicFiles.fsync(dst);
  }

  /** Links (or copies) the named files of {@code fromDir} into {@code toDir}, which is created; fsyncs it. */
  static long linkAll(Path fromDir, Collection<String> files, Path toDir) throws IOException {
    Files.createDirectories(toDir);
    long bytes = 0;
    for (String f : files) {
      Path dst = toDir.resolve(f);
      linkOrCopy(fromDir.resolve(f), dst);
      bytes += Files.size(dst);
    }
    AtomicFiles.fsyncDirectory(toDir);
    return bytes;
  }

  /**
   * Links the last commit of {@code indexDir} into {@code toDir} (created), without any lock: the
   * commit's files are immutable, and if a writer deletes one meanwhile (a newer commit made it
   * redundant) the copy starts over from the newer commit.
   */
  public static CommitCopy linkLatestCommit(Path indexDir, Path toDir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try (Directory dir = FSDirectory.open(indexDir)) {
        SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
        long bytes = linkAll(indexDir, infos.files(true), toDir);
        return new CommitCopy(infos.getGeneration(), infos.getUserData(), liveDocs(infos), bytes);
      } catch (NoSuchFileException e) {
        if (attempt >= 10) {
          throw e;
        }
        deleteFiles(toDir);
      }
    }
  }

  /** The figures of the last commit in {@code indexDir}. */
  public static CommitCopy latestCommit(Path indexDir) throws IOException {
    try (Directory dir = FSDirectory.open(indexDir)) {
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      long bytes = 0;
      for (String f : infos.files(true)) {
        bytes += dir.fileLength(f);
      }
      return new CommitCopy(infos.getGeneration(), infos.getUserData(), liveDocs(infos), bytes);
    }
  }

  static long liveDocs(SegmentInfos infos) {
    long live = 0;
    for (SegmentCommitInfo si : infos) {
      live += si.info.maxDoc() - si.getDelCount() - si.getSoftDelCount();
    }
    return live;
  }

  /**
   * Commits the index in {@code indexDir} again with {@code userData} merged over its own (no
   * documents change, nothing merges). A restore uses it to give a snapshot's copy the live
   * write-ahead log position, so no log record written after the snapshot is ever replayed on it.
   */
  public static void recommit(Path indexDir, Map<String, String> userData) throws IOException {
    try (Directory dir = FSDirectory.open(indexDir)) {
      IndexWriterConfig config = new IndexWriterConfig()
          .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
          .setMergePolicy(NoMergePolicy.INSTANCE)
          .setCommitOnClose(false)
          .setCodec(VectorCodec.create());
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> old = writer.getLiveCommitData();
        if (old != null) {
          old.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        data.putAll(userData);
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
      }
    }
    AtomicFiles.fsyncDirectory(indexDir);
  }

  /** Result of {@link #check}: whether the index is clean, and CheckIndex's report. */
  public record CheckResult(boolean clean, long liveDocs, int segments, String report) {}

  /**
   * Runs Lucene's CheckIndex on {@code indexDir} at {@code level} (1 checksums only, 2 integrity,
   * 3 also postings, doc values, points and vectors), never changing the index. The report goes
   * to {@code log} as it is written, if given.
   */
  public static CheckResult check(Path indexDir, int level, PrintStream log) throws IOException {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    PrintStream out = new PrintStream(log == null ? buffer : new Tee(buffer, log), true, java.nio.charset.StandardCharsets.UTF_8);
    try (Directory dir = FSDirectory.open(indexDir); CheckIndex checker = new CheckIndex(dir)) {
      checker.setLevel(level);
      checker.setInfoStream(out);
      CheckIndex.Status status = checker.checkIndex();
      long live = 0;
      for (CheckIndex.Status.SegmentInfoStatus s : status.segmentInfos) {
        live += s.maxDoc - (s.liveDocStatus == null ? 0 : s.liveDocStatus.numDeleted);
      }
      out.flush();
      return new CheckResult(status.clean, live, status.numSegments, buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static final class Tee extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    Tee(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }


  private static void deleteFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The generation of the last commit in {@code indexDir}, read without opening the index; -1 if none. */
  public static long lastCommitGeneration(Path indexDir) {
    try {
      return SegmentInfos.getLastCommitGeneration(FSDirectory.listAll(indexDir));
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Whether the last commit's metadata (segments file and per-segment info, all checksummed)
   * reads back: a cheap check before trusting a closed namespace's recorded size.
   */
  public static boolean commitReadable(Path indexDir) {
    try (Directory dir = FSDirectory.open(indexDir)) {
      SegmentInfos.readLatestCommit(dir);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
