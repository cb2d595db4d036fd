package io.vecstore.core.wal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace's write-ahead log: segment files {@code wal-<first seq>.log} in {@code <ns>/wal/}.
 * Every write batch is appended before it is applied to Lucene; a Lucene commit records the last
 * applied sequence number, after which older segments are deleted. Opening reads the records
 * after that number so they can be replayed; a torn last record (a crash mid-append) fails its
 * checksum and is cut off, never replayed in part.
 *
 * <p>Group commit: {@link #append} only writes; {@link #sync} fsyncs up to a position, and one
 * fsync serves every writer whose record was appended before it started.
 *
 * <p>Thread-safety: {@link #append}, {@link #rotate} and {@link #deleteSegmentsBefore} must be
 * called under the namespace's write lock (one appender at a time); {@link #sync} and
 * {@link #sizeBytes} may be called from any thread. Who closes it: the namespace index.
 */
public final class WriteAheadLog implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

  private final Path dir;
  private final Object syncLock = new Object();
  private FileChannel channel; // guarded by the namespace write lock (appends) and syncLock (force)
  private Path segment;
  private long segmentBase; // bytes of earlier segments still on disk, so positions stay monotonic
  private volatile long appendedPosition;
  private volatile long syncedPosition; // written under syncLock
  private long nextSeq;
  private volatile IOException failure;
  /** Records above its floor stay on disk after commits (a move or a replica is reading them). */
  private final LogRetention retention = new LogRetention();
  private final RecentRecords recent = new RecentRecords();
  private volatile long lastAppendedSeq;

  /** Records read at open, in order, with seq above the commit's; to be replayed by the caller. */
  private final List<WalRecord> pending;

  private WriteAheadLog(Path dir, long nextSeq, List<WalRecord> pending) {
    this.dir = dir;
    this.nextSeq = nextSeq;
    this.pending = pending;
  }

  /**
   * Opens the log in {@code dir} (creating it), reading every record with a sequence number above
   * {@code committedSeq}. New records continue after the highest sequence number seen.
   */
  public static WriteAheadLog open(Path dir, long committedSeq) throws IOException {
    Files.createDirectories(dir);
    List<Path> segments = segments(dir);
    List<WalRecord> pending = new ArrayList<>();
    long maxSeq = committedSeq;
    for (int i = 0; i < segments.size(); i++) {
      // A crash can tear only the segment being appended to: the last one that has data (an
      // open that crashed before its replay commit leaves an empty newer segment behind).
      boolean last = true;
      for (Path later : segments.subList(i + 1, segments.size())) {
        last &= Files.size(later) == 0;
      }
      for (WalRecord r : read(segments.get(i), last)) {
        maxSeq = Math.max(maxSeq, r.seq());
        if (r.seq() > committedSeq) {
          pending.add(r);
        }
      }
    }
    WriteAheadLog wal = new WriteAheadLog(dir, maxSeq + 1, pending);
    wal.lastAppendedSeq = maxSeq;
    wal.startSegment();
    return wal;
  }

  /** The records to replay, found at open. */
  public List<WalRecord> pending() {
    return pending;
  }

  /** The sequence number the next record gets. Call under the write lock. */
  public long nextSeq() {
    return nextSeq;
  }

  /**
   * Appends a record (its seq must be {@link #nextSeq()}) and returns the position to
   * {@link #sync} to. Call under the write lock. If this fails the log is broken: the namespace
   * must be reopened, which cuts off a partly written record.
   */
  public long append(WalRecord record) throws IOException {
    checkHealthy();
    if (record.seq() != nextSeq) {
      throw new IllegalArgumentException("expected seq " + nextSeq + ", got: " + record.seq());
    }
    ByteBuffer frame = WalCodec.encode(record);
    try {
      while (frame.hasRemaining()) {
        channel.write(frame);
      }
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    nextSeq++;
    if (retention.active()) { // someone ships the log as it grows: keep its tail in memory
      recent.add(record, frame.limit());
    } else {
      recent.clear();
    }
    lastAppendedSeq = record.seq();
    appendedPosition = segmentBase + channel.position();
    return appendedPosition;
  }

  /** Blocks until everything up to {@code position} is on stable storage (shared among callers). */
  public void sync(long position) throws IOException {
    if (syncedPosition >= position) {
      return;
    }
    synchronized (syncLock) {
      if (syncedPosition >= position) {
        return; // another writer's fsync covered ours
      }
      checkHealthy();
      long target = appendedPosition;
      try {
        channel.force(false);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      syncedPosition = target;
    }
  }

  /** Fsyncs everything appended so far (the async mode's timer). */
  public void syncAll() throws IOException {
    sync(appendedPosition);
  }

  /** Starts a new segment if the current one has records. Call under the write lock, before a commit. */
  public void rotate() throws IOException {
    checkHealthy();
    if (channel.position() == 0) {
      return;
    }
    syncAll();
    synchronized (syncLock) {
      segmentBase += channel.position();
      channel.close();
      startSegment();
    }
  }

  /**
   * Deletes every segment but the current one: their records are in a Lucene commit now. Segments
   * holding a record after the retention's floor ({@link #retention}) are kept.
   */
  public void deleteSegmentsBefore() throws IOException {
    List<Path> all = segments(dir);
    long retain = retention.floor();
    for (int i = 0; i < all.size(); i++) {
      Path p = all.get(i);
      if (p.equals(segment)) {
        continue;
      }
      // A segment's records end just before the next segment's first sequence number.
      long lastSeqIn = (i + 1 < all.size() ? firstSeq(all.get(i + 1)) : nextSeq) - 1;
      if (lastSeqIn <= retain) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Who keeps records on disk through commits, so that {@link #readAfter} finds them (a move, a
   * replica). A hold takes effect at the next commit.
   */
  public LogRetention retention() {
    return retention;
  }

  /** The sequence number of the last record appended (0 for none); any thread, may lag an append in progress. */
  public long lastSeq() {
    return lastAppendedSeq;
  }

  /**
   * The records with a sequence number above {@code seq}, in order, up to about {@code maxBytes}
   * of frames (at least one record when there is one). Read-only and safe while appends go on: a
   * frame still being written at the end of the log ends the read. Records that a commit deleted
   * are not there: take a {@link #retention} hold first and check that the first record read is
   * {@code seq + 1}.
   */
  public List<WalRecord> readAfter(long seq, long maxBytes) throws IOException {
    if (recent.after(seq, maxBytes) instanceof List<WalRecord> kept) {
      return kept; // the tail a replica or a move reads, from memory
    }
    List<Path> all = segments(dir);
    List<WalRecord> out = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < all.size(); i++) {
      boolean lastSegment = i + 1 == all.size();
      if (!lastSegment && firstSeq(all.get(i + 1)) <= seq + 1) {
        continue; // every record of this segment is at or below seq
      }
      try (FileChannel ch = FileChannel.open(all.get(i), StandardOpenOption.READ)) {
        long size = ch.size();
        long pos = 0;
        while (size - pos >= WalCodec.HEADER_BYTES) {
          ByteBuffer header = ByteBuffer.allocate(8);
          readFully(ch, header, pos);
          int length = header.getInt(0);
          if (length < 0 || length > WalCodec.MAX_PAYLOAD_BYTES || size - pos - 8 < 9L + length) {
            break; // being appended right now
          }
          ByteBuffer body = ByteBuffer.allocate(9 + length);
          readFully(ch, body, pos + 8);
          if (!WalCodec.checksumMatches(header.getInt(4), body.array())) {
            if (!lastSegment) {
              throw new IOException("write-ahead log " + all.get(i) + " is corrupt at byte " + pos);
            }
            break; // the live segment's last frame, written as we read
          }
          pos += 8 + 9 + length;
          if (body.getLong(0) <= seq) {
            continue;
          }
          out.add(WalCodec.decode(body.array()));
          bytes += 17L + length;
          if (bytes >= maxBytes) {
            return out;
          }
        }
      } catch (NoSuchFileException e) {
        // Deleted by a commit since the listing: it held nothing retained.
      }
    }
    return out;
  }

  private static long firstSeq(Path segmentFile) {
    return DataLayout.walSegmentSeq(segmentFile.getFileName().toString());
  }

  /** Whether the log in {@code dir} holds no record (no directory, or only empty segments). */
  public static boolean isEmpty(Path dir) {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try {
      for (Path p : segments(dir)) {
        if (Files.size(p) > 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Bytes of all segments on disk. */
  public long sizeBytes() {
    long total = 0;
    try {
      for (Path p : segments(dir)) {
        try {
          total += Files.size(p);
        } catch (NoSuchFileException e) {
          // deleted after a commit while we listed
        }
      }
    } catch (IOException e) {
      return appendedPosition - segmentBase;
    }
    return total;
  }

  public boolean healthy() {
    return failure == null;
  }

  @Override
  public void close() throws IOException {
    synchronized (syncLock) {
      if (channel != null && channel.isOpen()) {
        try {
          if (failure == null) {
            channel.force(false);
          }
        } finally {
          channel.close();
        }
      }
    }
  }

  private void checkHealthy() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw new IOException("write-ahead log failed earlier: " + f.getMessage(), f);
    }
  }

  private void startSegment() throws IOException {
    segment = DataLayout.walSegment(dir, nextSeq);
    channel = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    AtomicFiles.fsyncDirectory(dir); // the new file's name must survive a crash too
    appendedPosition = segmentBase;
    syncedPosition = segmentBase;
  }

  private static List<Path> segments(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        if (DataLayout.walSegmentSeq(p.getFileName().toString()) >= 0) {
          out.add(p);
        }
      }
    }
    out.sort(null); // zero-padded first seq: name order is seq order
    return out;
  }

  /**
   * Reads a segment's records. A bad frame at the end of the last segment is a torn append: the
   * file is cut there. A bad frame anywhere else is corruption and fails the open.
   */
  private static List<WalRecord> read(Path file, boolean last) throws IOException {
    List<WalRecord> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long pos = 0;
      while (pos < size) {
        String problem = null;
        WalRecord record = null;
        int length = 0;
        if (size - pos < WalCodec.HEADER_BYTES) {
          problem = "truncated header";
        } else {
          ByteBuffer header = ByteBuffer.allocate(8);
          readFully(ch, header, pos);
          length = header.getInt(0);
          int crc = header.getInt(4);
          if (length < 0 || length > WalCodec.MAX_PAYLOAD_BYTES || size - pos - 8 < 9L + length) {
            problem = "truncated or invalid frame";
          } else {
            ByteBuffer body = ByteBuffer.allocate(9 + length);
            readFully(ch, body, pos + 8);
            if (!WalCodec.checksumMatches(crc, body.array())) {
              problem = "checksum mismatch";
            } else {
              record = WalCodec.decode(body.array());
            }
          }
        }
        if (problem != null) {
          if (!last) {
            throw new IOException("write-ahead log " + file + " is corrupt at byte " + pos + ": " + problem);
          }
          LOG.warn("Write-ahead log {}: dropping a torn record at byte {} ({}), {} bytes cut",
              file.getFileName(), pos, problem, size - pos);
          ch.truncate(pos);
          ch.force(true);
          break;
        }
        out.add(record);
        pos += 8 + 9 + length;
      }
    }
    return out;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position + buf.position());
      if (n < 0) {
        throw new EOFException();
      }
    }
  }
}
