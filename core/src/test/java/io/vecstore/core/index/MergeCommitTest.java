package io.vecstore.core.index;

import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.wal.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge that finishes after the last write is committed by the next commit round: otherwise the
 * last commit keeps naming the segments it replaced and their files stay on disk.
 */
class MergeCommitTest {

  @TempDir Path dir;

  @Test
  void finishedMergesAreCommittedAndTheReplacedFilesLeaveTheDisk() throws Exception {
    Path indexDir = dir.resolve("index");
    // Merges wait until the segments are committed, so they finish after the last write's commit.
    CountDownLatch gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Executor gated = task -> pool.execute(() -> {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    });
    try (NamespaceIndex index = NamespaceIndex.open("m", indexDir, dir.resolve("wal"), Metric.EUCLIDEAN,
        IndexSettings.defaults().withDurability(Durability.NONE).withMergeExecutor(gated), Map::of)) {
      int segments = 12; // more than a merge tier holds: Lucene merges them in the background
      for (int s = 0; s < segments; s++) {
        int base = s * 20;
        index.writes().upsert(IntStream.range(base, base + 20)
            .mapToObj(i -> new VectorRecord("v" + i, new float[] {i, 1, 2, 3}, null)).toList(), 1_000, n -> {});
        index.refreshIfStale(); // cuts a segment
      }
      index.commitIfDirty();
      assertEquals(segments, segmentsOfLastCommit(indexDir), "no merge could run yet");
      gate.countDown();
      long deadline = System.nanoTime() + 20_000_000_000L;
      int committedSegments = segments;
      while (System.nanoTime() < deadline) {
        index.commitIfDirty(); // no write since the last commit: only a finished merge makes it commit
        committedSegments = segmentsOfLastCommit(indexDir);
        if (committedSegments < segments && !index.commitIfDirty()) {
          break;
        }
        Thread.sleep(50);
      }
      assertTrue(committedSegments < segments, "the merge result was never committed: " + committedSegments + " segments");
      index.refreshInBackground(); // as the maintenance thread does after a commit: the old searcher goes
      assertEquals(segments * 20L, index.writes().vectorCount());
      try (Directory d = FSDirectory.open(indexDir)) {
        Set<String> referenced = new HashSet<>(SegmentInfos.readLatestCommit(d).files(true));
        try (Stream<Path> files = Files.list(indexDir)) {
          List<String> stray = files.map(p -> p.getFileName().toString())
              .filter(f -> !referenced.contains(f) && !f.equals("write.lock")).toList();
          assertEquals(List.of(), stray, "files no commit refers to");
        }
      }
    } finally {
      gate.countDown();
      pool.shutdown();
    }
  }

  @Test
  void aWriteIdleIndexIsMergedIntoOneSegmentWithTheSameAnswers() throws Exception {
    Path indexDir = dir.resolve("idle");
    try (NamespaceIndex index = NamespaceIndex.open("i", indexDir, dir.resolve("wal-idle"), Metric.COSINE,
        IndexSettings.defaults().withDurability(Durability.NONE), Map::of)) {
      int segments = 6; // under a merge tier: Lucene's own policy keeps them all
      for (int s = 0; s < segments; s++) {
        int base = s * 50;
        index.writes().upsert(IntStream.range(base, base + 50)
            .mapToObj(i -> new VectorRecord("v" + i, distinct(i), null)).toList(), 1_000, n -> {});
        // Commits cut the segments, as during a bulk import nobody searches: the searcher stays the
        // empty one the index opened with until the merge decision refreshes it.
        index.commitIfDirty();
      }
      index.writes().delete(Set.of("v3", "v77"));
      index.commitIfDirty();
      assertEquals(segments, segmentsOfLastCommit(indexDir));
      assertEquals(false, index.mergeIfWriteIdle(0, 0, Long.MAX_VALUE), "the first look only notes the write position");
      assertEquals(false, index.mergeIfWriteIdle(0, 0, 1), "over the size limit: left alone");
      index.writes().upsert(List.of(new VectorRecord("late", new float[] {9, 9, 9, 9}, null)), 1_000, n -> {});
      assertEquals(false, index.mergeIfWriteIdle(0, 0, Long.MAX_VALUE), "a write since the last look: not idle");
      assertEquals(true, index.mergeIfWriteIdle(0, 0, Long.MAX_VALUE), "six segments behind a stale searcher");
      float[] query = {3, 4, 2, 1};
      List<String> before = ids(index.searches().search(query, 20, 400, null, false, false)); // the merge may not have finished
      assertEquals(false, index.mergeIfWriteIdle(0, 0, Long.MAX_VALUE), "no write since the merge: nothing to do");

      long deadline = System.nanoTime() + 30_000_000_000L;
      while (segmentsOfLastCommit(indexDir) != 1 && System.nanoTime() < deadline) {
        index.commitIfDirty(); // as the maintenance thread does: the finished merge is committed
        Thread.sleep(50);
      }
      assertEquals(1, segmentsOfLastCommit(indexDir), "merged into one segment");
      index.refreshInBackground();
      assertEquals(segments * 50L - 2 + 1, index.writes().vectorCount());
      List<String> after = ids(index.searches().search(query, 20, 400, null, false, false));
      assertEquals(before, after, "the same neighbours in the same order");
      assertEquals(0, index.stats().deletedDocs(), "the merge dropped the deleted documents too");
    }
  }

  /** A vector of its own per i, so no two distances tie and the order of hits is defined. */
  private static float[] distinct(int i) {
    java.util.Random r = new java.util.Random(i);
    return new float[] {(float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian(), (float) r.nextGaussian()};
  }

  private static List<String> ids(List<QueryHit> hits) {
    return new java.util.ArrayList<>(hits.stream().map(QueryHit::id).toList());
  }

  private static int segmentsOfLastCommit(Path indexDir) throws Exception {
    try (Directory d = FSDirectory.open(indexDir)) {
      return SegmentInfos.readLatestCommit(d).size();
    }
  }
}
