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
 * <p>Opened on first use, not at start-up, and holds no events in memory but the last one a
 * policy made (a server may hold thousands of namespaces): pages are read from the file, which
 * is at most {@code 2 × KEEP} lines.
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
  private boolean open;
  private int lines; // lines in the file
  private long lastSeq; // the newest event's number, 0 for none
  private NamespaceEvent lastByPolicy; // the newest event a policy made, or null

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

  /**
   * Reads the file once, keeping the events up to {@code appliedSeq} (namespace.json's
   * {@code event_seq}) and dropping a torn last line; rewrites the file if it dropped anything.
   * Later calls do nothing.
   */
  public synchronized void open(long appliedSeq) throws IOException {
    if (open) {
      return;
    }
    Read read = read(appliedSeq);
    List<NamespaceEvent> kept = read.events();
    if (kept.size() > keep) {
      kept = kept.subList(kept.size() - keep, kept.size());
    }
    lines = read.lines();
    if (read.dropped() || kept.size() < read.events().size()) {
      rewrite(kept);
    }
    lastSeq = kept.isEmpty() ? 0 : kept.getLast().seq();
    lastByPolicy = null;
    for (NamespaceEvent e : kept) {
      noteAppended(e);
    }
    open = true;
  }

  /** The file's events up to {@code appliedSeq}, in order, and whether anything was dropped (torn, unreadable, unrecorded). */
  private Read read(long appliedSeq) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      bytes = new byte[0];
    }
    List<NamespaceEvent> events = new ArrayList<>();
    boolean dropped = false;
    int count = 0;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        if (i > start) {
          count++;
          NamespaceEvent e = parse(bytes, start, i, i < bytes.length);
          if (e != null && e.seq() <= appliedSeq && (events.isEmpty() || e.seq() > events.getLast().seq())) {
            events.add(e);
          } else {
            dropped = true;
          }
        }
        start = i + 1;
      }
    }
    return new Read(events, count, dropped);
  }

  private record Read(List<NamespaceEvent> events, int lines, boolean dropped) {}

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
    lines += batch.size();
    batch.forEach(this::noteAppended);
    if (lines >= 2 * keep) {
      List<NamespaceEvent> all = read(lastSeq).events();
      rewrite(all.subList(Math.max(0, all.size() - keep), all.size()));
    }
  }

  private void noteAppended(NamespaceEvent e) {
    lastSeq = e.seq();
    if (e.actor() instanceof Actor.Policy) {
      lastByPolicy = e;
    }
  }

  /**
   * Takes back the events after {@code seq}, appended for a change that could not be written,
   * by an atomic rewrite (should that fail too, the next {@link #open} drops them, since
   * namespace.json never recorded them).
   */
  public synchronized void truncateAfter(long seq) throws IOException {
    requireOpen();
    open = false; // read again, as of seq, on next use
    List<NamespaceEvent> kept = read(seq).events();
    rewrite(kept);
    lastSeq = kept.isEmpty() ? 0 : kept.getLast().seq();
    lastByPolicy = null;
    kept.forEach(this::noteAppended);
    open = true;
  }

  /** Up to {@code limit} of the last {@link #KEEP} events older than {@code beforeSeq} (null: from the newest), newest first. */
  public synchronized List<NamespaceEvent> newestFirst(Long beforeSeq, int limit) throws IOException {
    requireOpen();
    List<NamespaceEvent> all = read(lastSeq).events();
    List<NamespaceEvent> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= Math.max(0, all.size() - keep) && out.size() < limit; i--) {
      NamespaceEvent e = all.get(i);
      if (beforeSeq == null || e.seq() < beforeSeq) {
        out.add(e);
      }
    }
    return out;
  }

  /** The newest event a policy made, or null (read at open, kept up to date by appends). */
  public synchronized NamespaceEvent lastByPolicy() {
    requireOpen();
    return lastByPolicy;
  }

  private void requireOpen() {
    if (!open) {
      throw new IllegalStateException("the event log of " + file + " is not open");
    }
  }

  private void rewrite(List<NamespaceEvent> events) throws IOException {
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
