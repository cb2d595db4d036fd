package io.vecstore.core.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.core.store.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A namespace's audit trail on disk ({@code events.jsonl} in its directory, see DataLayout): one
 * event per line as {@link NamespaceEvent#toJson()}, oldest first, appended and fsynced. At most
 * the last {@link #KEEP} events are kept: once the file holds twice that many lines it is
 * rewritten (atomically) with the last {@link #KEEP}.
 *
 * <p>Crash safety: the events of a change are appended before namespace.json records the number
 * of the last one ({@code event_seq}); when the log is opened it drops what a crash left behind,
 * a torn last line and events past {@code event_seq} (whose change was never written). So after
 * {@code kill -9} the trail holds exactly the changes namespace.json holds.
 *
 * <p>Opened on first use, not at start-up (a server may hold thousands of namespaces).
 *
 * <p>Thread-safety: safe for concurrent use; every method holds the log's monitor. Callers that
 * append also serialize the changes they record (the namespace's metadata lock).
 */
public final class EventLog {

  /** Events kept per namespace. */
  public static final int KEEP = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final int keep;
  private List<NamespaceEvent> events; // null until opened; the last `keep`, oldest first
  private int lines; // lines in the file

  public EventLog(Path file) {
    this(file, KEEP);
  }

  EventLog(Path file, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got: " + keep);
    }
    this.file = file;
    this.keep = keep;
  }

  /**
   * Writes the first events of a namespace being created into {@code file} (in its staging
   * directory) and fsyncs it; the caller fsyncs the directory.
   */
  public static void create(Path file, List<NamespaceEvent> initial) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(lines(initial)));
      ch.force(true);
    }
  }

  /** Whether {@link #open} has run. */
  public synchronized boolean isOpen() {
    return events != null;
  }

  /**
   * Reads the file once, keeping the events up to {@code appliedSeq} (namespace.json's
   * {@code event_seq}) and dropping a torn last line; rewrites the file if it dropped anything.
   * Later calls do nothing.
   */
  public synchronized void open(long appliedSeq) throws IOException {
    if (events != null) {
      return;
    }
    List<NamespaceEvent> read = new ArrayList<>();
    boolean dropped = false;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      bytes = new byte[0];
    }
    int count = 0;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        if (i > start) {
          count++;
          NamespaceEvent e = parse(bytes, start, i, i < bytes.length);
          if (e != null && e.seq() <= appliedSeq && (read.isEmpty() || e.seq() > read.getLast().seq())) {
            read.add(e);
          } else {
            dropped = true; // torn, unreadable, or past what namespace.json recorded
          }
        }
        start = i + 1;
      }
    }
    List<NamespaceEvent> kept = read.size() > keep ? new ArrayList<>(read.subList(read.size() - keep, read.size())) : read;
    events = kept;
    lines = count;
    if (dropped || kept.size() < read.size()) {
      rewrite();
    }
  }

  /** An event line, or null when it cannot be read (a torn write: no newline, or bad JSON). */
  private static NamespaceEvent parse(byte[] bytes, int from, int to, boolean terminated) {
    if (!terminated) {
      return null;
    }
    try {
      return NamespaceEvent.fromJson(JSON.readTree(new String(bytes, from, to - from, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Appends events (numbered after the last one) and fsyncs them; compacts the file when it
   * reached twice {@link #KEEP} lines. The log must be open.
   */
  public synchronized void append(List<NamespaceEvent> batch) throws IOException {
    requireOpen();
    boolean created = !Files.exists(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(lines(batch));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    if (created) {
      AtomicFiles.fsyncDirectory(file.getParent());
    }
    events.addAll(batch);
    lines += batch.size();
    if (events.size() > keep) {
      events.subList(0, events.size() - keep).clear();
    }
    if (lines >= 2 * keep) {
      rewrite();
    }
  }

  /**
   * Takes back the events after {@code seq}, appended for a change that could not be written: out
   * of memory at once, out of the file by an atomic rewrite (should that fail too, the next
   * {@link #open} drops them, since namespace.json never recorded them).
   */
  public synchronized void truncateAfter(long seq) throws IOException {
    requireOpen();
    events.removeIf(e -> e.seq() > seq);
    rewrite();
  }

  /** Up to {@code limit} events older than {@code beforeSeq} (null: from the newest), newest first. */
  public synchronized List<NamespaceEvent> newestFirst(Long beforeSeq, int limit) {
    requireOpen();
    List<NamespaceEvent> out = new ArrayList<>();
    for (int i = events.size() - 1; i >= 0 && out.size() < limit; i--) {
      NamespaceEvent e = events.get(i);
      if (beforeSeq == null || e.seq() < beforeSeq) {
        out.add(e);
      }
    }
    return out;
  }

  /** The newest kept event {@code match} accepts, or null. */
  public synchronized NamespaceEvent newest(Predicate<NamespaceEvent> match) {
    requireOpen();
    for (int i = events.size() - 1; i >= 0; i--) {
      if (match.test(events.get(i))) {
        return events.get(i);
      }
    }
    return null;
  }

  private void requireOpen() {
    if (events == null) {
      throw new IllegalStateException("the event log of " + file + " is not open");
    }
  }

  private void rewrite() throws IOException {
    AtomicFiles.write(file, lines(events));
    lines = events.size();
  }

  private static byte[] lines(List<NamespaceEvent> batch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * batch.size());
    for (NamespaceEvent e : batch) {
      out.write(JSON.writeValueAsBytes(e.toJson()));
      out.write('\n');
    }
    return out.toByteArray();
  }
}
