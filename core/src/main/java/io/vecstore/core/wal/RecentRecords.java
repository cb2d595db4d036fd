package io.vecstore.core.wal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The log's last records in memory (up to {@link #MAX_BYTES} of frames), kept only while someone
 * reads the log as it grows (a replica, a move: see {@link LogRetention}), so that shipping the
 * records of a write does not read the log file back from its start.
 *
 * <p>Thread-safe: appends come under the namespace's write lock, reads from shipping threads.
 */
final class RecentRecords {

  static final long MAX_BYTES = 4L << 20;

  private final ArrayDeque<WalRecord> records = new ArrayDeque<>();
  private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
  private long bytes;

  synchronized void add(WalRecord record, int frameBytes) {
    if (!records.isEmpty() && records.peekLast().seq() + 1 != record.seq()) {
      clear(); // never a gap: what is kept is always a run of consecutive records
    }
    records.addLast(record);
    sizes.addLast(frameBytes);
    bytes += frameBytes;
    while (bytes > MAX_BYTES && records.size() > 1) {
      records.removeFirst();
      bytes -= sizes.removeFirst();
    }
  }

  synchronized void clear() {
    records.clear();
    sizes.clear();
    bytes = 0;
  }

  /**
   * The records after {@code seq}, up to about {@code maxBytes} (at least one when there is one),
   * or null when the record after {@code seq} is not kept here (read the file instead).
   */
  synchronized List<WalRecord> after(long seq, long maxBytes) {
    if (records.isEmpty() || records.peekFirst().seq() > seq + 1) {
      return null;
    }
    List<WalRecord> out = new ArrayList<>();
    long taken = 0;
    var sizeIt = sizes.iterator();
    for (WalRecord r : records) {
      int size = sizeIt.next();
      if (r.seq() <= seq) {
        continue;
      }
      out.add(r);
      taken += size;
      if (taken >= maxBytes) {
        break;
      }
    }
    return out;
  }
}
