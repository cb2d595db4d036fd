package io.vecstore.core.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Seeded.class)
class WriteAheadLogTest {

  @TempDir Path dir;

  private static WalRecord.Upsert upsert(long seq, String id, float v) throws IOException {
    ObjectNode md = (ObjectNode) new ObjectMapper().readTree("{\"v\":" + v + ",\"s\":\"é\"}");
    return new WalRecord.Upsert(seq, List.of(new VectorRecord(id, new float[] {v, -v}, md), new VectorRecord(id + "b", new float[] {1, 2}, null)));
  }

  private Path onlySegment() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = files.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
      return segments.getLast();
    }
  }

  @Test
  void recordsRoundTripAndReplayOnlyAfterTheCommittedSeq() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      for (long seq = 1; seq <= 5; seq++) {
        wal.sync(wal.append(seq % 2 == 0 ? new WalRecord.Delete(seq, List.of("x" + seq)) : upsert(seq, "id" + seq, seq)));
      }
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 3)) {
      List<WalRecord> pending = wal.pending();
      assertEquals(List.of(4L, 5L), pending.stream().map(WalRecord::seq).toList());
      assertEquals(List.of("x4"), ((WalRecord.Delete) pending.get(0)).ids());
      WalRecord.Upsert u = (WalRecord.Upsert) pending.get(1);
      assertEquals("id5", u.vectors().get(0).id());
      assertEquals(-5f, u.vectors().get(0).values()[1]);
      assertEquals("{\"v\":5.0,\"s\":\"é\"}", u.vectors().get(0).metadata().toString());
      assertEquals(null, u.vectors().get(1).metadata());
      assertEquals(6, wal.nextSeq());
    }
  }

  /** Text of any size (over writeUTF's 64 KiB too) and records without text in the same batch. */
  @Test
  void textRoundTripsThroughTheLogAndReplication() throws IOException {
    String long64k = "é".repeat(40_000); // 80,000 bytes of UTF-8
    WalRecord.Upsert withText = new WalRecord.Upsert(1, List.of(
        new VectorRecord("a", new float[] {1, 2}, null, "hello 世界"),
        new VectorRecord("b", new float[] {3, 4}, null, null),
        new VectorRecord("c", new float[] {5, 6}, null, long64k)));
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      wal.sync(wal.append(withText));
      wal.sync(wal.append(upsert(2, "plain", 1)));
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      List<WalRecord> pending = wal.pending();
      List<VectorRecord> read = ((WalRecord.Upsert) pending.get(0)).vectors();
      assertEquals(Arrays.asList("hello 世界", null, long64k), read.stream().map(VectorRecord::text).toList());
      assertArrayEquals(new float[] {5, 6}, read.get(2).values());
      assertEquals(null, ((WalRecord.Upsert) pending.get(1)).vectors().get(0).text());
      List<WalRecord> shipped = WalFrames.decode(new java.io.ByteArrayInputStream(WalFrames.encode(pending)));
      assertEquals(long64k, ((WalRecord.Upsert) shipped.get(0)).vectors().get(2).text());
    }
  }

  @Test
  void tornLastRecordIsCutOffAndNeverReplayedInPart(Random random) throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      wal.sync(wal.append(upsert(1, "a", 1)));
      wal.sync(wal.append(upsert(2, "b", 2)));
    }
    Path segment = onlySegment();
    long full = Files.size(segment);
    // Cut the second record at a random byte: a crash in the middle of its append.
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      assertEquals(2, wal.pending().size());
    }
    Path copy = Files.copy(segment, dir.resolve("keep.bin"));
    long firstEnd = recordEnd(copy);
    long cut = firstEnd + 1 + random.nextInt((int) (full - firstEnd - 1));
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }
    Files.delete(copy);
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      assertEquals(List.of(1L), wal.pending().stream().map(WalRecord::seq).toList());
      assertEquals(2, wal.nextSeq(), "the torn record's seq is reused");
      assertEquals(firstEnd, Files.size(segment), "the torn bytes were cut");
    }
  }

  @Test
  void flippedBitInLastRecordFailsItsChecksum() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      wal.sync(wal.append(upsert(1, "a", 1)));
      wal.sync(wal.append(upsert(2, "b", 2)));
    }
    Path segment = onlySegment();
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long pos = ch.size() - 3;
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
      ch.write(b, pos);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      assertEquals(List.of(1L), wal.pending().stream().map(WalRecord::seq).toList());
    }
  }

  @Test
  void corruptionBeforeTheLastSegmentFailsTheOpen() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      wal.sync(wal.append(upsert(1, "a", 1)));
      wal.rotate();
      wal.sync(wal.append(upsert(2, "b", 2)));
    }
    Path first;
    try (Stream<Path> files = Files.list(dir)) {
      first = files.sorted().toList().getFirst();
    }
    Files.write(first, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    IOException e = assertThrows(IOException.class, () -> WriteAheadLog.open(dir, 0));
    assertTrue(e.getMessage().contains("is corrupt at byte"), e.getMessage());
  }

  @Test
  void groupCommitSharesFsyncsAcrossThreads() throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      Object appendLock = new Object();
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        int id = t;
        Thread th = new Thread(() -> {
          try {
            for (int i = 0; i < 50; i++) {
              long pos;
              synchronized (appendLock) { // the namespace write lock in real use
                pos = wal.append(upsert(wal.nextSeq(), "t" + id + "-" + i, i));
              }
              wal.sync(pos);
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }, "test-wal-" + t);
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      assertEquals(List.of(), failures);
    }
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      assertEquals(400, wal.pending().size());
      for (int i = 0; i < 400; i++) {
        assertEquals(i + 1, wal.pending().get(i).seq());
      }
    }
  }

  /** Byte offset where the first record of a segment copy ends. */
  @Test
  void whileHeldTheTailIsReadFromMemoryAndEqualsTheFile() throws IOException {
    try (WriteAheadLog wal = WriteAheadLog.open(dir, 0)) {
      wal.sync(wal.append(upsert(1, "before", 1))); // nobody holds the log yet: not kept in memory
      try (LogRetention.Hold hold = wal.retention().hold(1)) {
        for (long seq = 2; seq <= 40; seq++) {
          wal.sync(wal.append(seq % 3 == 0 ? new WalRecord.Delete(seq, List.of("x" + seq)) : upsert(seq, "id" + seq, seq)));
        }
        List<WalRecord> fromMemory = wal.readAfter(10, Long.MAX_VALUE);
        assertEquals(30, fromMemory.size());
        assertEquals(11L, fromMemory.getFirst().seq());
        List<WalRecord> fromFile = wal.readAfter(0, Long.MAX_VALUE); // record 1 is only in the file
        assertEquals(40, fromFile.size());
        assertArrayEquals(WalFrames.encode(fromFile.subList(10, 40)), WalFrames.encode(fromMemory), "the same records");
        assertEquals(1, wal.readAfter(39, 1).size(), "at least one record, whatever the byte budget");
        assertEquals(List.of(), wal.readAfter(40, Long.MAX_VALUE));
      }
      wal.sync(wal.append(upsert(41, "after", 41))); // released: the memory copy is dropped
      assertEquals(List.of(41L), wal.readAfter(40, Long.MAX_VALUE).stream().map(WalRecord::seq).toList());
    }
  }

  private static long recordEnd(Path segment) throws IOException {
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(4);
      ch.read(len, 0);
      return 8 + 9 + len.getInt(0);
    }
  }
}
