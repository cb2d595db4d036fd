package io.vecstore.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a test's history of writes against what reads returned, during the run and after it.
 *
 * <p>A write is (namespace, vector id, version, outcome): {@link Outcome#ACKED} (2xx),
 * {@link Outcome#REJECTED} (a definite refusal: any 4xx) or {@link Outcome#UNKNOWN} (5xx, timeout,
 * connection error: it may or may not have happened). Each key (namespace, id) is written by one
 * writer only, which issues strictly increasing versions and records each write, in issue order,
 * once its outcome is known. A read returns a version or absent ({@code null}).
 *
 * <p>Verdicts ({@link Kind}):
 *
 * <ul>
 *   <li>{@link Kind#LOST}: a final read returned absent, or a version below the key's highest
 *       acknowledged one (an acknowledged write is not visible; versions never go backwards).
 *   <li>{@link Kind#WENT_BACKWARDS}: a read made during the run, started after version v was
 *       acknowledged, returned absent or a version below v.
 *   <li>{@link Kind#REJECTED_VISIBLE}: a read returned a version whose write was refused.
 *   <li>{@link Kind#NEVER_WRITTEN}: a read returned a version that was never written.
 * </ul>
 *
 * Record every write before calling {@link #check} (join the writers first): a read may see a
 * write whose outcome was recorded after the read. Thread-safe.
 */
final class HistoryChecker {

  /** What the writer knows of a write. */
  enum Outcome {
    /** 2xx: it happened. */
    ACKED,
    /** 4xx: a definite refusal, it did not happen. */
    REJECTED,
    /** 5xx, timeout, connection error: it may or may not have happened. */
    UNKNOWN;

    /** The outcome an HTTP status means (anything but 2xx and 4xx is {@link #UNKNOWN}). */
    static Outcome ofStatus(int status) {
      if (status >= 200 && status < 300) {
        return ACKED;
      }
      if (status >= 400 && status < 500) {
        return REJECTED;
      }
      return UNKNOWN;
    }
  }

  /** A kind of violation. */
  enum Kind {
    /** A final read is missing an acknowledged write (absent, or older than the highest acknowledged version). */
    LOST,
    /** A read during the run returned less than what was acknowledged before it started. */
    WENT_BACKWARDS,
    /** A read returned a version whose write was refused (4xx). */
    REJECTED_VISIBLE,
    /** A read returned a version that no write carried. */
    NEVER_WRITTEN
  }

  /** A key: one vector of one namespace. */
  record Key(String namespace, String id) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = namespace.compareTo(o.namespace);
      return c != 0 ? c : id.compareTo(o.id);
    }

    @Override
    public String toString() {
      return namespace + "/" + id;
    }
  }

  /** One violation: where the read was made (e.g. {@code routed}, {@code local@n2}), what was expected and what came. */
  record Violation(Kind kind, String namespace, String id, String expected, String got, String where) {
    @Override
    public String toString() {
      return kind + " " + namespace + "/" + id + " at " + where + ": expected " + expected + ", got " + got;
    }
  }

  /** The verdict: the violations, and how many writes had each outcome and how many reads were checked. */
  record Report(List<Violation> violations, long acked, long rejected, long unknown, long finalReads, long observedReads) {
    boolean clean() {
      return violations.isEmpty();
    }

    /** The violations of one kind. */
    List<Violation> of(Kind kind) {
      return violations.stream().filter(v -> v.kind() == kind).toList();
    }

    String summary() {
      return "writes: " + acked + " acked, " + unknown + " unknown, " + rejected + " rejected; reads checked: " + finalReads
          + " final, " + observedReads + " during the run; violations: " + violations.size();
    }

    /** The summary and the first {@code max} violations, one a line. */
    String describe(int max) {
      StringBuilder b = new StringBuilder(summary());
      Map<Kind, Integer> byKind = new TreeMap<>();
      violations.forEach(v -> byKind.merge(v.kind(), 1, Integer::sum));
      if (!byKind.isEmpty()) {
        b.append(' ').append(byKind);
      }
      violations.stream().limit(max).forEach(v -> b.append("\n  ").append(v));
      if (violations.size() > max) {
        b.append("\n  … and ").append(violations.size() - max).append(" more");
      }
      return b.toString();
    }
  }

  private record Write(long version, Outcome outcome, long startNanos, long endNanos) {}

  private record Read(Long version, long startNanos, String where, boolean during) {}

  private final Map<Key, List<Write>> writes = new LinkedHashMap<>();
  private final Map<Key, List<Read>> reads = new LinkedHashMap<>();

  /**
   * Records a write once its outcome is known: {@code startNanos} when it was sent and
   * {@code endNanos} when its answer (or error) came, both {@link System#nanoTime()}.
   *
   * @throws IllegalArgumentException if {@code version} is not above the key's previous one (the
   *     test's own bug: one writer per key, increasing versions, recorded in order)
   */
  synchronized void write(String namespace, String id, long version, Outcome outcome, long startNanos, long endNanos) {
    List<Write> history = writes.computeIfAbsent(new Key(namespace, id), k -> new ArrayList<>());
    if (!history.isEmpty() && history.get(history.size() - 1).version() >= version) {
      throw new IllegalArgumentException(namespace + "/" + id + ": version " + version + " recorded after "
          + history.get(history.size() - 1).version() + "; versions of a key must increase");
    }
    history.add(new Write(version, outcome, startNanos, endNanos));
  }

  /** Records a read made during the run, started at {@code startNanos}; {@code version} null for absent. */
  synchronized void observed(String namespace, String id, Long version, long startNanos, String where) {
    reads.computeIfAbsent(new Key(namespace, id), k -> new ArrayList<>()).add(new Read(version, startNanos, where, true));
  }

  /** Records a read made after every write ended; {@code version} null for absent. */
  synchronized void finalRead(String namespace, String id, Long version, String where) {
    reads.computeIfAbsent(new Key(namespace, id), k -> new ArrayList<>()).add(new Read(version, 0, where, false));
  }

  /** Every key written (whatever the outcome), in order. */
  synchronized Set<Key> keys() {
    return Collections.unmodifiableSet(new TreeSet<>(writes.keySet()));
  }

  /** Every key written in {@code namespace}, in order. */
  synchronized List<Key> keysOf(String namespace) {
    return writes.keySet().stream().filter(k -> k.namespace().equals(namespace)).sorted().toList();
  }

  /** The highest acknowledged version of a key, or null. */
  synchronized Long highestAcked(String namespace, String id) {
    Long best = null;
    for (Write w : writes.getOrDefault(new Key(namespace, id), List.of())) {
      if (w.outcome() == Outcome.ACKED) {
        best = w.version();
      }
    }
    return best;
  }

  /** Checks every recorded read against the writes. */
  synchronized Report check() {
    List<Violation> violations = new ArrayList<>();
    long finalReads = 0;
    long observedReads = 0;
    Set<Key> all = new TreeSet<>(reads.keySet());
    for (Key key : all) {
      List<Write> history = writes.getOrDefault(key, List.of());
      Map<Long, Write> byVersion = new TreeMap<>();
      Long highestAcked = null;
      for (Write w : history) {
        byVersion.put(w.version(), w);
        if (w.outcome() == Outcome.ACKED) {
          highestAcked = w.version();
        }
      }
      for (Read r : reads.get(key)) {
        if (r.during()) {
          observedReads++;
        } else {
          finalReads++;
        }
        // What the read must include: every acknowledged write (final), or every write acknowledged before it began.
        Long mustSee = r.during() ? ackedBefore(history, r.startNanos()) : highestAcked;
        Kind stale = r.during() ? Kind.WENT_BACKWARDS : Kind.LOST;
        if (r.version() == null) {
          if (mustSee != null) {
            violations.add(new Violation(stale, key.namespace(), key.id(), ">= " + mustSee, "absent", r.where()));
          }
          continue;
        }
        Write w = byVersion.get(r.version());
        if (w == null) {
          violations.add(new Violation(Kind.NEVER_WRITTEN, key.namespace(), key.id(),
              "a written version " + (byVersion.isEmpty() ? "(none written)" : byVersion.keySet().toString()),
              Long.toString(r.version()), r.where()));
        } else if (w.outcome() == Outcome.REJECTED) {
          violations.add(new Violation(Kind.REJECTED_VISIBLE, key.namespace(), key.id(),
              "an acknowledged or unknown version", r.version() + " (rejected)", r.where()));
        }
        if (mustSee != null && r.version() < mustSee) {
          violations.add(new Violation(stale, key.namespace(), key.id(), ">= " + mustSee, Long.toString(r.version()),
              r.where()));
        }
      }
    }
    long acked = 0;
    long rejected = 0;
    long unknown = 0;
    for (List<Write> history : writes.values()) {
      for (Write w : history) {
        switch (w.outcome()) {
          case ACKED -> acked++;
          case REJECTED -> rejected++;
          case UNKNOWN -> unknown++;
        }
      }
    }
    return new Report(List.copyOf(violations), acked, rejected, unknown, finalReads, observedReads);
  }

  /** The highest version acknowledged before {@code nanos} (its answer came before), or null. */
  private static Long ackedBefore(List<Write> history, long nanos) {
    Long best = null;
    for (Write w : history) {
      if (w.outcome() == Outcome.ACKED && w.endNanos() - nanos < 0) {
        best = w.version();
      }
    }
    return best;
  }
}
