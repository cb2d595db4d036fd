package io.vecstore.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail's file: appends, the bound, a torn or unrecorded tail after a crash, take-backs. */
@ExtendWith(Seeded.class)
class EventLogTest {

  @TempDir Path dir;

  private static NamespaceEvent event(long seq, Actor actor) {
    JsonNodeFactory n = JsonNodeFactory.instance;
    return new NamespaceEvent(seq, Instant.parse("2026-12-01T00:00:00Z").plusSeconds(seq), actor, EventType.STATUS,
        n.textNode("a" + seq), n.textNode("b" + seq), false, null);
  }

  private static List<Long> seqs(List<NamespaceEvent> events) {
    return events.stream().map(NamespaceEvent::seq).toList();
  }

  @Test
  void keepsTheLastEventsAndCompactsTheFile(Random random) throws IOException {
    Path file = dir.resolve("events.jsonl");
    EventLog log = new EventLog(file, 5);
    log.open(0);
    int n = 12 + random.nextInt(20);
    for (long seq = 1; seq <= n; seq++) {
      log.append(List.of(event(seq, seq % 4 == 0 ? Actor.POLICY : Actor.ADMIN)));
      assertEquals(true, Files.readAllLines(file).size() < 10, "compacted at twice the bound");
    }
    List<Long> expected = new ArrayList<>();
    for (long seq = n; seq > n - 5; seq--) {
      expected.add(seq);
    }
    assertEquals(expected, seqs(log.newestFirst(null, 100)));
    assertEquals(List.of((long) n - 2, (long) n - 3), seqs(log.newestFirst((long) n - 1, 2)));
    assertEquals((n / 4) * 4L, log.lastByPolicy().seq());

    EventLog reopened = new EventLog(file, 5);
    reopened.open(n);
    assertEquals(expected, seqs(reopened.newestFirst(null, 100)));
    assertEquals((n / 4) * 4L, reopened.lastByPolicy().seq());
  }

  @Test
  void openingDropsATornLineAndEventsNamespaceJsonNeverRecorded() throws IOException {
    Path file = dir.resolve("events.jsonl");
    EventLog.create(file, List.of(event(1, Actor.ADMIN)));
    EventLog log = new EventLog(file);
    log.open(1);
    log.append(List.of(event(2, Actor.ADMIN), event(3, Actor.POLICY)));
    Files.writeString(file, "{\"seq\":4,\"at\":\"2026", StandardOpenOption.APPEND); // a torn append
    EventLog afterCrash = new EventLog(file);
    afterCrash.open(2); // namespace.json recorded 2: the change of event 3 never was written
    assertEquals(List.of(2L, 1L), seqs(afterCrash.newestFirst(null, 10)));
    assertNull(afterCrash.lastByPolicy());
    assertEquals(2, Files.readAllLines(file).size());
    afterCrash.append(List.of(event(3, Actor.ADMIN)));
    assertEquals(List.of(3L, 2L, 1L), seqs(afterCrash.newestFirst(null, 10)));
  }

  @Test
  void takesBackEventsWhoseChangeFailedAndRefusesUseBeforeOpen() throws IOException {
    Path file = dir.resolve("events.jsonl");
    EventLog log = new EventLog(file);
    assertThrows(IllegalStateException.class, () -> log.append(List.of(event(1, Actor.ADMIN))));
    log.open(0);
    log.append(List.of(event(1, Actor.ADMIN)));
    log.append(List.of(event(2, Actor.POLICY), event(3, Actor.ADMIN)));
    log.truncateAfter(1);
    assertEquals(List.of(1L), seqs(log.newestFirst(null, 10)));
    assertNull(log.lastByPolicy());
    assertEquals(1, Files.readAllLines(file).size());
  }
}
