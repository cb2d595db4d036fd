package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.server.HistoryChecker.Kind;
import io.vecstore.server.HistoryChecker.Outcome;
import io.vecstore.server.HistoryChecker.Report;
import io.vecstore.server.HistoryChecker.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history checker passes a clean history and finds each kind of violation. */
class HistoryCheckerTest {

  /** Writes of one key at made-up times: version v sent at 10·v, answered at 10·v + 5. */
  private static HistoryChecker history(String ns, String id, Outcome... outcomes) {
    HistoryChecker h = new HistoryChecker();
    for (int i = 0; i < outcomes.length; i++) {
      long v = i + 1;
      h.write(ns, id, v, outcomes[i], 10 * v, 10 * v + 5);
    }
    return h;
  }

  private static Violation only(Report r, Kind kind) {
    assertEquals(1, r.violations().size(), r.describe(10));
    Violation v = r.violations().get(0);
    assertEquals(kind, v.kind(), r.describe(10));
    return v;
  }

  @Test
  void aCleanHistoryPasses() {
    // 1, 2 acked; 3 unknown; 4 rejected; 5 unknown
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.ACKED, Outcome.UNKNOWN, Outcome.REJECTED, Outcome.UNKNOWN);
    h.write("ns", "b", 7, Outcome.ACKED, 100, 110);
    h.write("ns", "c", 1, Outcome.UNKNOWN, 100, 110); // never known to have happened: absent is fine
    h.write("ns", "d", 1, Outcome.REJECTED, 100, 110);
    h.finalRead("ns", "a", 2L, "routed"); // the highest acked one
    h.finalRead("ns", "a", 3L, "local@n1"); // an unknown one above it
    h.finalRead("ns", "a", 5L, "local@n2");
    h.finalRead("ns", "b", 7L, "routed");
    h.finalRead("ns", "c", null, "routed");
    h.finalRead("ns", "c", 1L, "local@n1");
    h.finalRead("ns", "d", null, "routed");
    h.observed("ns", "a", 1L, 16, "after the ack of 1"); // 1 was answered at 15
    h.observed("ns", "a", 2L, 26, "after the ack of 2");
    h.observed("ns", "a", 3L, 26, "an unknown write seen early");
    h.observed("ns", "a", 1L, 24, "while 2 was under way"); // 2 answered at 25: not yet owed
    h.observed("ns", "a", null, 12, "before any ack");
    Report r = h.check();
    assertTrue(r.clean(), r.describe(10));
    assertEquals(3, r.acked());
    assertEquals(2, r.rejected());
    assertEquals(3, r.unknown());
    assertEquals(7, r.finalReads());
    assertEquals(5, r.observedReads());
  }

  @Test
  void anAcknowledgedWriteMissingAtTheEndIsLost() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED);
    h.finalRead("ns", "a", null, "routed");
    Violation v = only(h.check(), Kind.LOST);
    assertEquals(new Violation(Kind.LOST, "ns", "a", ">= 1", "absent", "routed"), v);
  }

  @Test
  void aFinalReadOlderThanTheHighestAcknowledgedIsLost() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.UNKNOWN, Outcome.ACKED, Outcome.UNKNOWN);
    h.finalRead("ns", "a", 2L, "local@n3"); // unknown 2 is older than acked 3
    Violation v = only(h.check(), Kind.LOST);
    assertEquals(">= 3", v.expected());
    assertEquals("2", v.got());
    assertEquals("local@n3", v.where());
    assertEquals("ns", v.namespace());
    assertEquals("a", v.id());
  }

  @Test
  void aRejectedVersionThatAppearsIsAViolation() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.REJECTED);
    h.finalRead("ns", "a", 2L, "routed");
    Violation v = only(h.check(), Kind.REJECTED_VISIBLE);
    assertEquals("2 (rejected)", v.got());

    HistoryChecker onlyRejected = history("ns", "b", Outcome.REJECTED);
    onlyRejected.finalRead("ns", "b", 1L, "routed");
    only(onlyRejected.check(), Kind.REJECTED_VISIBLE);

    HistoryChecker during = history("ns", "c", Outcome.REJECTED);
    during.observed("ns", "c", 1L, 100, "reader");
    only(during.check(), Kind.REJECTED_VISIBLE);
  }

  @Test
  void aVersionNeverWrittenIsAViolation() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.ACKED);
    h.finalRead("ns", "a", 9L, "routed"); // above anything written: not a lost write, a phantom
    Violation v = only(h.check(), Kind.NEVER_WRITTEN);
    assertEquals("9", v.got());

    HistoryChecker nothing = new HistoryChecker();
    nothing.finalRead("ns", "ghost", 1L, "routed"); // a key nobody wrote
    only(nothing.check(), Kind.NEVER_WRITTEN);

    HistoryChecker during = history("ns", "a", Outcome.ACKED);
    during.observed("ns", "a", 4L, 100, "reader");
    only(during.check(), Kind.NEVER_WRITTEN);
  }

  @Test
  void aReadDuringTheRunThatGoesBackwardsIsAViolation() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.ACKED); // 2 answered at 25
    h.observed("ns", "a", 1L, 26, "read-your-write via n2");
    Violation v = only(h.check(), Kind.WENT_BACKWARDS);
    assertEquals(">= 2", v.expected());
    assertEquals("1", v.got());
    assertEquals("read-your-write via n2", v.where());

    HistoryChecker absent = history("ns", "a", Outcome.ACKED);
    absent.observed("ns", "a", null, 16, "reader");
    assertEquals("absent", only(absent.check(), Kind.WENT_BACKWARDS).got());

    // An unknown write seen, then an older acknowledged one: the acked one is still owed, the unknown one is not.
    HistoryChecker unknown = history("ns", "a", Outcome.ACKED, Outcome.UNKNOWN);
    unknown.observed("ns", "a", 2L, 26, "reader");
    unknown.observed("ns", "a", 1L, 27, "reader");
    assertTrue(unknown.check().clean(), unknown.check().describe(10));
  }

  @Test
  void readsAreCheckedPerKeyAndNamespace() {
    HistoryChecker h = new HistoryChecker();
    h.write("ns1", "a", 5, Outcome.ACKED, 1, 2);
    h.write("ns2", "a", 1, Outcome.ACKED, 1, 2);
    h.finalRead("ns1", "a", 5L, "routed");
    h.finalRead("ns2", "a", 1L, "routed");
    h.finalRead("ns2", "a", null, "local@n1");
    Violation v = only(h.check(), Kind.LOST);
    assertEquals("ns2", v.namespace());
    assertEquals("local@n1", v.where());
    assertEquals(List.of(new HistoryChecker.Key("ns1", "a")), h.keysOf("ns1"));
    assertEquals(2, h.keys().size());
    assertEquals(5L, h.highestAcked("ns1", "a"));
    assertEquals(null, h.highestAcked("ns1", "b"));
  }

  @Test
  void severalViolationsAreAllReported() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.REJECTED, Outcome.ACKED);
    h.finalRead("ns", "a", 2L, "routed"); // rejected and older than acked 3
    h.finalRead("ns", "a", null, "local@n1");
    h.finalRead("ns", "a", 3L, "local@n2");
    Report r = h.check();
    assertEquals(3, r.violations().size(), r.describe(10));
    assertEquals(1, r.of(Kind.REJECTED_VISIBLE).size());
    assertEquals(2, r.of(Kind.LOST).size());
    assertTrue(r.describe(1).contains("and 2 more"), r.describe(1));
  }

  @Test
  void versionsOfAKeyMustIncrease() {
    HistoryChecker h = history("ns", "a", Outcome.ACKED, Outcome.ACKED);
    assertThrows(IllegalArgumentException.class, () -> h.write("ns", "a", 2, Outcome.ACKED, 50, 55));
    assertThrows(IllegalArgumentException.class, () -> h.write("ns", "a", 1, Outcome.UNKNOWN, 50, 55));
    h.write("ns", "b", 1, Outcome.ACKED, 50, 55); // another key starts anew
  }

  @Test
  void outcomesOfStatuses() {
    for (int s : new int[] {200, 201, 204}) {
      assertEquals(Outcome.ACKED, Outcome.ofStatus(s), "status " + s);
    }
    for (int s : new int[] {400, 401, 403, 404, 409, 413, 422, 429}) {
      assertEquals(Outcome.REJECTED, Outcome.ofStatus(s), "status " + s);
    }
    for (int s : new int[] {500, 502, 503, 504, -1, 0, 302}) {
      assertEquals(Outcome.UNKNOWN, Outcome.ofStatus(s), "status " + s);
    }
  }
}
