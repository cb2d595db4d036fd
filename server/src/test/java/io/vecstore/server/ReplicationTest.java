package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.server.HistoryChecker.Key;
import io.vecstore.server.HistoryChecker.Outcome;
import io.vecstore.testdata.Seeded;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas and failover end to end (issue #18): three real nodes (256 MB each, ZooKeeper session
 * 6 s) hold namespaces with two copies each (a primary and an in-sync replica) while writers
 * upsert increasing versions of their own keys through random live nodes. Nodes are killed with
 * {@code kill -9} and restarted with their data: each namespace's writes may fail for at most the
 * session timeout + 5 s (an in-sync replica is promoted), the copies come back in sync, and at the
 * end no acknowledged write is missing, no refused or unknown-to-anyone version appears, neither
 * through the routed read nor on any in-sync copy read locally ({@link HistoryChecker}), and
 * CheckIndex is clean on every copy on disk.
 *
 * <p>Seeded: {@code -Dvecstore.repl.seed=N} repeats a run's choices (namespaces, keys, nodes,
 * victims; the interleaving with the servers is the machine's). Figures are printed, never
 * asserted, except the availability bound.
 */
@ExtendWith(Seeded.class)
class ReplicationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_KEY = "replication-test-admin-key-0123456789";
  private static final String LOCAL = "X-VecStore-Local";
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration SESSION_TIMEOUT = Duration.ofMillis(6000);
  /** The issue's bound: a namespace's writes fail for at most the session timeout + 5 s after its primary dies. */
  private static final Duration AVAILABILITY_BOUND = SESSION_TIMEOUT.plusSeconds(5);
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int REPLICATION = 2;
  private static final int WRITERS = 3;
  /** Keys per writer per namespace. */
  private static final int KEYS = 3;
  private static final int LATENCY_WRITES = 300;

  @TempDir Path dir;
  private TestingServer zk;
  private Path keyFile;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** Every process started, by label ({@code n1#0}, {@code n1#1} after a restart, …), for the logs. */
  private final Map<String, ServerProcess> processes = Collections.synchronizedMap(new LinkedHashMap<>());
  /** Nodes the test killed and has not restarted yet: writers and readers leave them out. */
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
  private List<Node> nodes = List.of();
  private Writers writers;
  /** For polls and final reads, whose number depends on timing: the seeded choices stay repeatable. */
  private final Random polls = new Random();
  private long t0 = System.nanoTime();

  /** A node: its id and data directory stay, its process and port change at each restart. */
  private static final class Node {
    final String id;
    volatile ServerProcess process;
    volatile String base;
    int starts;

    Node(String id) {
      this.id = id;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /** An answer; status -1 when no answer came (connection error, timeout), the error in {@code body}. */
  private record Reply(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    /** The error code of an error answer, or "". */
    String code() {
      try {
        return JSON.readTree(body).path("code").asText("");
      } catch (Exception e) {
        return "";
      }
    }

    /** Status and code, or the exception, for counting answers. */
    String describe() {
      return status < 0 ? "no answer (" + body + ")" : status + (code().isEmpty() ? "" : " " + code());
    }
  }

  /** {@code GET /admin/namespaces/{id}/replication}. */
  private record Replication(String namespace, int factor, String primary, long epoch, List<String> replicas,
      List<String> inSync, Map<String, Long> lag) {

    static Replication parse(JsonNode j) {
      List<String> replicas = new ArrayList<>();
      j.path("replicas").forEach(n -> replicas.add(n.asText()));
      List<String> inSync = new ArrayList<>();
      j.path("in_sync").forEach(n -> inSync.add(n.asText()));
      Map<String, Long> lag = new TreeMap<>();
      j.path("lag").properties().forEach(e -> lag.put(e.getKey(), e.getValue().asLong()));
      return new Replication(j.path("namespace").asText(), j.path("replication_factor").asInt(-1),
          j.path("primary").asText(""), j.path("epoch").asLong(-1), replicas, inSync, lag);
    }

    /** The primary and the in-sync replicas: the copies that hold every acknowledged write. */
    Set<String> syncedCopies() {
      Set<String> out = new LinkedHashSet<>();
      out.add(primary);
      out.addAll(inSync);
      return out;
    }
  }

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = LoopbackZooKeeper.start();
    keyFile = Files.writeString(dir.resolve("admin.key"), ADMIN_KEY);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (writers != null) {
      writers.stop.set(true);
    }
    for (ServerProcess p : List.copyOf(processes.values())) {
      p.close();
    }
    if (zk != null) {
      zk.close();
    }
  }

  @Test
  void killNineTwiceUnderWritersLosesNoAcknowledgedWrite(Random random) throws Exception {
    run(random, 12, 2, true);
  }

  @Test
  @Tag("slow") // several minutes: ten kill -9 / restart cycles over fifty namespaces
  void killNineTenTimesOverFiftyNamespaces(Random random) throws Exception {
    run(random, 50, 10, false);
  }

  private void run(Random seeded, int namespaceCount, int cycles, boolean measureLatency) throws Exception {
    long seed = Long.getLong("vecstore.repl.seed", seeded.nextLong());
    System.out.println("ReplicationTest seed: " + seed + " (repeat with -Dvecstore.repl.seed=" + seed + ")");
    Random random = new Random(seed);
    t0 = System.nanoTime();
    try {
      scenario(random, seed, namespaceCount, cycles, measureLatency);
    } catch (Throwable t) {
      dumpLogs();
      throw new AssertionError(t.getMessage() + " [seed " + seed + "]", t);
    }
  }

  private void scenario(Random random, long seed, int namespaceCount, int cycles, boolean measureLatency)
      throws Exception {
    nodes = List.of(new Node("n1"), new Node("n2"), new Node("n3"));
    for (Node n : nodes) {
      startProcess(n);
    }
    for (Node n : nodes) {
      awaitUp(n);
    }
    for (Node n : nodes) {
      await(Duration.ofSeconds(30), () -> send(n, "GET", "/admin/cluster", null).json().path("live_nodes").asInt() == 3,
          () -> n.id + " sees 3 live nodes");
    }
    lap("3 nodes up");

    if (measureLatency) {
      measureLatency(random);
    }

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < namespaceCount; i++) {
      ids.add(String.format("r-%03d", i));
    }
    for (String id : ids) {
      Reply r = send(pick(up(), random), "POST", "/admin/namespaces", "{\"id\":\"" + id
          + "\",\"tier\":\"unlimited\",\"metric\":\"cosine\",\"replication_factor\":" + REPLICATION + "}");
      assertEquals(201, r.status(), id + ": " + r.body());
    }
    Map<String, Replication> synced = awaitFullSync(ids, REPLICATION, "after creating " + namespaceCount + " namespaces");
    lap(namespaceCount + " namespaces created, replicas in sync; primaries " + primaryCounts(synced));
    checkContractShape(ids.get(0), synced.get(ids.get(0)));

    HistoryChecker history = new HistoryChecker();
    Writers writers = new Writers(history, ids, seed);
    this.writers = writers;
    writers.start();
    Thread.sleep(2000 + random.nextInt(1000));

    List<String> cycleFigures = new ArrayList<>();
    List<Long> killTimes = new ArrayList<>();
    for (int cycle = 0; cycle < cycles; cycle++) {
      Map<String, Replication> before = awaitFullSync(ids, REPLICATION, "before kill " + cycle);
      Map<String, List<String>> led = new TreeMap<>();
      before.forEach((ns, r) -> led.computeIfAbsent(r.primary(), k -> new ArrayList<>()).add(ns));
      List<Node> candidates = cycle == 0 ? nodes.stream().filter(n -> led.containsKey(n.id)).toList() : nodes;
      Node victim = pick(candidates, random);
      List<String> primaries = led.getOrDefault(victim.id, List.of());
      boolean rebuildWhileDown = cycle == 1 || (cycle > 1 && random.nextBoolean());

      down.add(victim.id);
      long killAt = System.nanoTime();
      killTimes.add(killAt);
      victim.process.kill9();
      event(killAt, "kill -9 " + victim.id + " (cycle " + cycle + "), primary of " + primaries.size() + " namespaces");
      Prober prober = new Prober(history, primaries, killAt);

      // An in-sync replica is promoted: a live primary, a higher epoch.
      Map<String, Replication> promoted = new ConcurrentHashMap<>();
      Map<String, Replication> pending = new ConcurrentHashMap<>();
      await(AVAILABILITY_BOUND.plusSeconds(30), () -> {
        for (String ns : primaries) {
          if (!promoted.containsKey(ns)) {
            Replication r = replication(pick(up(), polls), ns);
            if (r == null || r.primary().equals(victim.id) || !isUp(r.primary()) || r.epoch() <= before.get(ns).epoch()) {
              if (r != null) {
                pending.put(ns, r);
              }
              continue;
            }
            pending.remove(ns);
            promoted.put(ns, r);
            if (!before.get(ns).inSync().contains(r.primary())) {
              // Not asserted: the balancer may have moved it on already (the history check catches a lossy promotion).
              event(ns + ": new primary " + r.primary() + " was not in sync before the kill (" + before.get(ns) + " → " + r + ")");
            }
          }
        }
        return promoted.size() == primaries.size();
      }, () -> "a new primary for each of " + primaries + "; promoted: " + promoted.keySet() + "; not yet (as last seen): "
          + pending.values());
      double promotedAfter = seconds(System.nanoTime() - killAt);
      // And writes get through again: the prober, which writes to each of them in turn, measures when.
      Map<String, Long> recovered = prober.awaitAll(AVAILABILITY_BOUND.plusSeconds(30));
      Map<String, String> failover = new TreeMap<>();
      double maxFailover = 0;
      for (String ns : primaries) {
        Long at = recovered.get(ns);
        double took = at == null ? Double.POSITIVE_INFINITY : seconds(at - killAt);
        failover.put(ns, String.format("%.1f", took));
        maxFailover = Math.max(maxFailover, took);
        if (took > seconds(AVAILABILITY_BOUND.toNanos())) {
          failovers.add(String.format("%s: first acknowledged write %.1f s after kill -9 of %s (cycle %d)", ns, took, victim.id,
              cycle));
        }
      }
      event(String.format("cycle %d: promotion seen after %.1f s; first acknowledged write per namespace after %s s",
          cycle, promotedAfter, failover));

      if (rebuildWhileDown) {
        // With the victim still down, a new replica is built on the remaining node.
        awaitFullSync(ids, REPLICATION, "new replicas while " + victim.id + " is down (cycle " + cycle + ")");
        event(String.format("cycle %d: every namespace in sync again without %s after %.1f s", cycle, victim.id,
            seconds(System.nanoTime() - killAt)));
      }
      startProcess(victim);
      awaitUp(victim);
      down.remove(victim.id);
      long backAt = System.nanoTime();
      event("restarted " + victim.id);
      awaitFullSync(ids, REPLICATION, "after " + victim.id + " rejoined (cycle " + cycle + ")");
      double resync = seconds(System.nanoTime() - backAt);
      cycleFigures.add(String.format("cycle %d: kill -9 %s (primary of %d)%s: promotion seen %.1f s, failover (kill → first"
          + " acknowledged write) max %.1f s, in sync %.1f s after restart", cycle, victim.id, primaries.size(),
          rebuildWhileDown ? ", rebuilt while down" : "", promotedAfter, maxFailover, resync));
      lap(cycleFigures.get(cycleFigures.size() - 1));
      Thread.sleep(1000 + random.nextInt(2000));
    }
    long runEnd = System.nanoTime();
    writers.stop();
    lap("writers stopped");

    // Availability: per namespace, the longest stretch in which its writes failed.
    List<Outage> outages = writers.outages(runEnd);
    Outage worst = outages.stream().max((a, b) -> Long.compare(a.nanos(), b.nanos())).orElse(null);
    for (int c = 0; c < killTimes.size(); c++) {
      long from = killTimes.get(c);
      long to = c + 1 < killTimes.size() ? killTimes.get(c + 1) : runEnd;
      double max = outages.stream().filter(o -> o.start() - from >= 0 && o.start() - to < 0)
          .mapToDouble(o -> seconds(o.nanos())).max().orElse(0);
      cycleFigures.set(c, cycleFigures.get(c) + String.format(", longest stretch of failed writer writes %.1f s", max));
    }
    cycleFigures.forEach(f -> System.out.println("ReplicationTest: " + f));
    System.out.printf("ReplicationTest: longest stretch of failed writer writes (sampled: it includes the wait until a namespace is picked"
        + " again) %s (bound on the prober's figures %.1f s); longest acknowledged write %.1f s;"
        + " answers other than 2xx: %s%n", worst == null ? "0 s (no failed write)" : String.format("%.1f s (%s at +%.1f s)",
            seconds(worst.nanos()), worst.namespace(), seconds(worst.start() - t0)), seconds(AVAILABILITY_BOUND.toNanos()),
        seconds(writers.longestAcked()), writers.answers);
    assertEquals(List.of(), writers.crashed, "writer threads ran to the end");
    // The writers pick namespaces at random (about one write a second each), so their stretches
    // include the wait until a namespace is picked again; the bound is checked on the prober's figures.
    List<String> tooLong = List.copyOf(failovers);

    // Final reads: through the routing, and on every copy that claims every acknowledged write.
    Map<String, Replication> last = awaitFullSync(ids, REPLICATION, "at the end");
    awaitNoLag(ids, last);
    last = awaitFullSync(ids, REPLICATION, "at the end");
    List<String> torn = Collections.synchronizedList(new ArrayList<>(writers.torn));
    for (String ns : ids) {
      for (Key k : history.keysOf(ns)) {
        Long v = routedRead(ns, k.id(), torn);
        history.finalRead(ns, k.id(), v, "routed");
      }
    }
    List<String> copyFigures = new ArrayList<>();
    for (String ns : ids) {
      for (String copy : last.get(ns).syncedCopies()) {
        readCopy(history, ns, node(copy), torn, copyFigures);
      }
    }
    HistoryChecker.Report report = history.check();
    System.out.println("ReplicationTest: " + report.summary() + "; copies that needed time to show every acked write: "
        + (copyFigures.isEmpty() ? "none" : copyFigures));
    assertTrue(report.clean(), report.describe(50) + "\ntimeline:\n" + String.join("\n", timeline));
    assertEquals(List.of(), torn, "a vector's first value and its metadata come from one write");
    assertTrue(report.acked() > 20L * cycles, "the writers wrote: " + report.summary());
    for (String ns : ids) {
      assertNotNull(writers.firstAckAfter(ns, t0), ns + " had an acknowledged write");
    }
    assertEquals(List.of(), tooLong, String.format("no namespace's writes fail for longer than %.1f s; timeline:%n%s",
        seconds(AVAILABILITY_BOUND.toNanos()), String.join("\n", timeline)));

    // Clean stop (ZooKeeper first: the nodes keep their copies, nothing is handed off), then CheckIndex on every copy.
    // The copies as they are now: the balancer may have moved a namespace since the reads (its old copy is then dropped).
    Map<String, Replication> atStop = awaitFullSync(ids, REPLICATION, "before the stop");
    zk.close();
    zk = null;
    long zkGone = System.nanoTime();
    for (Node n : nodes) {
      while (System.nanoTime() - zkGone < TimeUnit.SECONDS.toNanos(15)) {
        Reply r = send(n, "GET", "/admin/cluster", null);
        if (r.status() == 200 && !r.json().path("writes_allowed").asBoolean(true)) {
          break;
        }
        Thread.sleep(100);
      }
    }
    Map<String, Integer> exits = new ConcurrentHashMap<>();
    List<Thread> stopping = new ArrayList<>();
    for (Node n : nodes) {
      stopping.add(Thread.ofPlatform().name("test-stop-" + n.id).start(() -> {
        try {
          exits.put(n.id, n.process.terminate(Duration.ofSeconds(120)));
        } catch (Throwable e) {
          exits.put(n.id, -1);
        }
      }));
    }
    for (Thread t : stopping) {
      t.join();
    }
    for (Node n : nodes) {
      assertEquals(0, exits.get(n.id), n.id + " stops cleanly on SIGTERM:\n" + tail(n.process.log(), 100));
    }
    int copies = 0;
    long docs = 0;
    for (Node n : nodes) {
      for (String ns : ids) {
        Path index = dir.resolve(n.id).resolve(ns).resolve("index");
        if (atStop.get(ns).syncedCopies().contains(n.id)) {
          assertTrue(Files.isDirectory(index), ns + ": no copy on disk at " + index + ", though " + n.id + " held one");
        }
        if (Files.isDirectory(index)) {
          IndexFiles.CheckResult check = IndexFiles.check(index, 3, null);
          assertTrue(check.clean(), index + ":\n" + check.report());
          copies++;
          docs += check.liveDocs();
        }
      }
    }
    lap("SIGTERM, CheckIndex clean on " + copies + " copies (" + docs + " documents)");
  }

  // --- the figure: replication's cost per write ---------------------------------------------------

  /**
   * Single-vector upserts, sequential, to the primary directly: a namespace with one copy against
   * one with two (the default), alternating. Printed, not asserted.
   */
  private void measureLatency(Random random) throws Exception {
    Reply one = send(pick(up(), random), "POST", "/admin/namespaces",
        "{\"id\":\"lat-rf1\",\"tier\":\"unlimited\",\"metric\":\"cosine\",\"replication_factor\":1}");
    assertEquals(201, one.status(), one.body());
    Reply two = send(pick(up(), random), "POST", "/admin/namespaces", "{\"id\":\"lat-rf2\",\"tier\":\"unlimited\",\"metric\":\"cosine\"}");
    assertEquals(201, two.status(), two.body());
    Replication rf1 = awaitFullSync(List.of("lat-rf1"), 1, "lat-rf1").get("lat-rf1");
    Replication rf2 = awaitFullSync(List.of("lat-rf2"), 2, "lat-rf2 (replication_factor by default with 3 live nodes)")
        .get("lat-rf2");
    Node p1 = node(rf1.primary());
    Node p2 = node(rf2.primary());
    List<String> primaries = new ArrayList<>(List.of(p1.id + "/" + p2.id));
    long[] t1 = new long[LATENCY_WRITES];
    long[] t2 = new long[LATENCY_WRITES];
    for (int i = -20; i < LATENCY_WRITES; i++) { // 20 to warm up
      if (i > 0 && i % 50 == 0) { // the balancer may move one: to its primary still
        Replication a = replication(p1, "lat-rf1");
        Replication b = replication(p2, "lat-rf2");
        p1 = a == null ? p1 : node(a.primary());
        p2 = b == null ? p2 : node(b.primary());
        if (!primaries.get(primaries.size() - 1).equals(p1.id + "/" + p2.id)) {
          primaries.add(p1.id + "/" + p2.id);
        }
      }
      for (int which = 0; which < 2; which++) {
        Node via = which == 0 ? p1 : p2;
        String ns = which == 0 ? "lat-rf1" : "lat-rf2";
        String body = "{\"vectors\":[{\"id\":\"v" + (i & 63) + "\",\"values\":" + values(1 + random.nextInt(1000), random)
            + ",\"metadata\":{\"i\":" + i + "}}]}";
        long start = System.nanoTime();
        Reply r = send(via, "POST", "/v1/namespaces/" + ns + "/vectors", body);
        long took = System.nanoTime() - start;
        assertEquals(200, r.status(), ns + ": " + r.body());
        if (i >= 0) {
          (which == 0 ? t1 : t2)[i] = took;
        }
      }
    }
    System.out.println("ReplicationTest: single-vector upsert to the primary, " + LATENCY_WRITES
        + " sequential each: replication 1 " + latency(t1) + "; replication 2 " + latency(t2) + " (primaries "
        + String.join(" then ", primaries) + ")");
    for (String ns : List.of("lat-rf1", "lat-rf2")) {
      Reply r = send(pick(up(), random), "DELETE", "/admin/namespaces/" + ns, null);
      assertEquals(200, r.status(), ns + ": " + r.body());
    }
    lap("latency measured");
  }

  private static String latency(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0) / 1e6;
    return String.format("mean %.2f ms, p50 %.2f ms, p99 %.2f ms", mean, s[s.length / 2] / 1e6,
        s[(int) Math.ceil(0.99 * s.length) - 1] / 1e6);
  }

  // --- contract checks ---------------------------------------------------------------------------

  /** The replication route from every node, and local reads: a copy answers, a node without one says so. */
  private void checkContractShape(String ns, Replication r) {
    assertTrue(r.replicas().containsAll(r.inSync()), r.toString());
    for (Node n : nodes) {
      Reply reply = send(n, "GET", "/admin/namespaces/" + ns + "/replication", null);
      assertEquals(200, reply.status(), "replication route of " + ns + " from " + n.id + ": " + reply.body());
      Replication seen = Replication.parse(reply.json());
      assertEquals(ns, seen.namespace(), reply.body());
      assertEquals(REPLICATION, seen.factor(), reply.body());
      assertTrue(seen.replicas().size() >= REPLICATION - 1, reply.body()); // more while one is being replaced
      assertTrue(!seen.replicas().contains(seen.primary()), reply.body());
    }
    Replication now = replication(node(r.primary()), ns); // as fresh as can be: the balancer may have moved it
    assertNotNull(now, ns + ": the replication route on its primary " + r.primary());
    for (Node n : nodes) {
      Reply local = sendLocal(n, "/v1/namespaces/" + ns + "/vectors/never-written");
      assertEquals(404, local.status(), n.id + ": " + local.body());
      if (now.primary().equals(n.id) || now.replicas().contains(n.id)) {
        assertEquals("vector_not_found", local.code(), n.id + " holds a copy of " + ns + ": " + local.body());
      } else {
        // Not asserted: a node the balancer just moved the namespace away from keeps its copy for a grace period.
        System.out.println("ReplicationTest: local read of " + ns + " on " + n.id + ", assigned no copy: " + local.describe());
      }
      Reply none = sendLocal(n, "/v1/namespaces/never-created/vectors/x");
      assertEquals(404, none.status(), n.id + ": " + none.body());
      assertEquals("namespace_not_found", none.code(), n.id + ": " + none.body());
    }
    checkFactorInputs(ns);
  }

  /** The replication factor's bad inputs at create and by PUT, through any node; a valid PUT answers the view. */
  private void checkFactorInputs(String ns) {
    Node any = nodes.get(0);
    Reply tooMany = send(any, "POST", "/admin/namespaces", "{\"id\":\"too-many\",\"replication_factor\":4}");
    assertEquals(400, tooMany.status(), tooMany.body());
    assertEquals("replication_factor must be between 1 and 3 (at most the live nodes, 3), got: 4", tooMany.json().path("error").asText());
    Reply notNumber = send(any, "POST", "/admin/namespaces", "{\"id\":\"not-number\",\"replication_factor\":\"two\"}");
    assertEquals(400, notNumber.status(), notNumber.body());
    assertEquals(404, send(any, "GET", "/admin/namespaces/too-many", null).status(), "a refused create places nothing");
    assertEquals(404, send(any, "GET", "/admin/namespaces/not-number", null).status(), "a refused create places nothing");
    String path = "/admin/namespaces/" + ns + "/replication";
    for (String bad : List.of("{\"replication_factor\":0}", "{\"replication_factor\":4}", "{\"replication_factor\":1.5}",
        "{\"factor\":2}", "{\"replication_factor\":2,\"x\":1}")) {
      Reply r = send(any, "PUT", path, bad);
      assertEquals(400, r.status(), bad + " -> " + r.body());
    }
    assertEquals(404, send(any, "PUT", "/admin/namespaces/never-created/replication", "{\"replication_factor\":2}").status());
    Reply same = send(any, "PUT", path, "{\"replication_factor\":" + REPLICATION + "}");
    assertEquals(200, same.status(), same.body());
    assertEquals(REPLICATION, same.json().path("replication_factor").asInt(), same.body());
    JsonNode cluster = send(any, "GET", "/admin/cluster", null).json();
    assertTrue(cluster.has("under_replicated") && cluster.path("nodes").get(0).has("replica_count"), cluster.toString());
  }

  /**
   * Waits until every namespace has a live primary and {@code factor - 1} live in-sync replicas
   * (no dead node among them); returns the last answers.
   */
  private Map<String, Replication> awaitFullSync(List<String> ids, int factor, String when) throws Exception {
    Map<String, Replication> last = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    await(SYNC_TIMEOUT, () -> {
      for (String ns : ids) {
        Replication r = replication(pick(up(), polls), ns);
        if (r == null) {
          return false;
        }
        last.put(ns, r);
        assertEquals(factor, r.factor(), ns + ": replication_factor " + when);
        assertEquals(ns, r.namespace());
        if (!isUp(r.primary()) || r.inSync().size() != factor - 1 || r.inSync().contains(r.primary())
            || !r.inSync().stream().allMatch(this::isUp) || !r.replicas().containsAll(r.inSync())) {
          return false;
        }
      }
      return true;
    }, () -> "every namespace with a live primary and " + (factor - 1) + " live in-sync replicas " + when
        + "; last answers: " + notSynced(last, factor));
    if (seconds(System.nanoTime() - start) > 5) {
      event(String.format("in sync %s after %.1f s", when, seconds(System.nanoTime() - start)));
    }
    return new TreeMap<>(last);
  }

  private String notSynced(Map<String, Replication> last, int factor) {
    List<Replication> out = new ArrayList<>();
    for (Replication r : last.values()) {
      if (!isUp(r.primary()) || r.inSync().size() != factor - 1 || !r.inSync().stream().allMatch(this::isUp)) {
        out.add(r);
      }
    }
    return out.size() > 10 ? out.subList(0, 10) + " … (" + out.size() + ")" : out.toString();
  }

  /** Waits (at most 20 s, not asserted) until each primary reports no unconfirmed records for its replicas. */
  private void awaitNoLag(List<String> ids, Map<String, Replication> last) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> lagging = new ArrayList<>(ids);
    while (!lagging.isEmpty() && System.nanoTime() < deadline) {
      lagging.removeIf(ns -> {
        Replication r = replication(node(last.get(ns).primary()), ns);
        return r != null && r.lag().values().stream().allMatch(l -> l == 0);
      });
      if (!lagging.isEmpty()) {
        Thread.sleep(250);
      }
    }
    if (!lagging.isEmpty()) {
      event("still reporting lag after 20 s: " + lagging);
    }
  }

  /** A routed fetch through a random live node: the version, or null for absent. */
  private Long routedRead(String ns, String id, List<String> torn) throws Exception {
    Reply r = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      r = send(pick(up(), polls), "GET", "/v1/namespaces/" + ns + "/vectors/" + id, null);
      if (r.status() == 200) {
        return version(r, ns + "/" + id + " routed", torn);
      }
      if (r.status() == 404 && r.code().equals("vector_not_found")) {
        return null;
      }
      Thread.sleep(250); // a 5xx now, with no writer and no failure, is odd; retried, then it fails the test
    }
    throw new AssertionError("routed read of " + ns + "/" + id + ": " + r.describe() + " " + r.body());
  }

  /**
   * Reads every key of {@code ns} on one node's own copy. A copy that misses acknowledged writes
   * is read again for up to 10 s (searchers refresh a moment after a write is applied) and the
   * time it took is noted; its last reads go to the checker.
   */
  private void readCopy(HistoryChecker history, String ns, Node n, List<String> torn, List<String> figures)
      throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(10);
    List<Key> keys = history.keysOf(ns);
    while (true) {
      Map<String, Long> seen = new HashMap<>();
      List<String> tornHere = new ArrayList<>();
      boolean complete = true;
      String error = null;
      for (Key k : keys) {
        Reply r = sendLocal(n, "/v1/namespaces/" + ns + "/vectors/" + k.id());
        Long v;
        if (r.status() == 200) {
          v = version(r, ns + "/" + k.id() + " local@" + n.id, tornHere);
        } else if (r.status() == 404 && r.code().equals("vector_not_found")) {
          v = null;
        } else {
          error = n.id + " is an in-sync copy of " + ns + " but its local read of " + k.id() + " answers " + r.describe()
              + ": " + r.body();
          if (r.status() == 404) {
            throw new AssertionError(error);
          }
          complete = false; // retried until the deadline
          continue;
        }
        seen.put(k.id(), v);
        Long acked = history.highestAcked(ns, k.id());
        if (acked != null && (v == null || v < acked)) {
          complete = false;
        }
      }
      if (!complete && error != null && System.nanoTime() > deadline) {
        throw new AssertionError(error);
      }
      if (complete || System.nanoTime() > deadline) {
        seen.forEach((id, v) -> history.finalRead(ns, id, v, "local@" + n.id));
        torn.addAll(tornHere);
        if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(500)) {
          figures.add(String.format("%s@%s %.1f s%s", ns, n.id, seconds(System.nanoTime() - start), complete ? "" : " (never)"));
        }
        return;
      }
      Thread.sleep(250);
    }
  }

  /** The version a fetched vector carries (metadata {@code v}); a first value that disagrees is noted as torn. */
  private static Long version(Reply r, String what, List<String> torn) {
    JsonNode j = r.json();
    long v = j.path("metadata").path("v").asLong(-1);
    double first = j.path("values").path(0).asDouble(-1);
    if (v < 1 || first != v) {
      torn.add(what + ": " + r.body());
    }
    return v;
  }

  // --- writers -----------------------------------------------------------------------------------

  /** One failed or successful write for the availability figures; {@code counted} false when it went through a dead node. */
  /** Namespaces whose first write after a kill came later than the bound, from the prober. */
  private final List<String> failovers = Collections.synchronizedList(new ArrayList<>());
  /** The prober's versions of its key ("probe") per namespace, across cycles. */
  private final Map<String, Long> probeVersions = new ConcurrentHashMap<>();

  /**
   * After a kill, writes to each namespace the victim was primary of in turn (through a live node,
   * about every 50 ms per namespace) until each has one acknowledged write: when it came is when
   * the namespace was writable again, to within one round. Its writes go into the history too.
   */
  private final class Prober {
    private final Map<String, Long> firstAck = new ConcurrentHashMap<>();
    private final Thread thread;

    Prober(HistoryChecker history, List<String> namespaces, long killAt) {
      Random random = new Random(killAt);
      thread = Thread.ofPlatform().daemon().name("test-prober").start(() -> {
        long deadline = killAt + AVAILABILITY_BOUND.plusSeconds(30).toNanos();
        while (firstAck.size() < namespaces.size() && System.nanoTime() - deadline < 0) {
          for (String ns : namespaces) {
            if (firstAck.containsKey(ns)) {
              continue;
            }
            List<Node> live = nodes.stream().filter(n -> !down.contains(n.id)).toList();
            if (live.isEmpty()) {
              break;
            }
            Node via = pick(live, random);
            long version = probeVersions.merge(ns, 1L, Long::sum);
            String body = "{\"vectors\":[{\"id\":\"probe\",\"values\":" + values(version, random)
                + ",\"metadata\":{\"v\":" + version + "}}]}";
            long start = System.nanoTime();
            Reply r = send(via, "POST", "/v1/namespaces/" + ns + "/vectors", body, Duration.ofSeconds(5), false);
            long end = System.nanoTime();
            HistoryChecker.Outcome outcome = r.status() < 0 ? HistoryChecker.Outcome.UNKNOWN
                : HistoryChecker.Outcome.ofStatus(r.status());
            history.write(ns, "probe", version, outcome, start, end);
            if (outcome == HistoryChecker.Outcome.ACKED) {
              firstAck.put(ns, end);
            }
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    /** Waits for every namespace's first acknowledged write (or fails after {@code timeout}); returns when each came. */
    Map<String, Long> awaitAll(Duration timeout) throws InterruptedException {
      thread.join(timeout.toMillis());
      thread.interrupt();
      return Map.copyOf(firstAck);
    }
  }

  private record Attempt(long start, long end, boolean ok, boolean counted) {}

  /** A stretch in which a namespace's writes failed: from the start of its first failed write to the end of the next acknowledged one. */
  private record Outage(String namespace, long start, long nanos) {}

  /**
   * Writer threads: each owns keys {@code w<t>-<j>} of every namespace and upserts increasing
   * versions of them (the version is the vector's first value and metadata {@code v}) through a
   * random live node; a third of the acknowledged writes are read back at once through a random
   * live node. Every write goes to the {@link HistoryChecker}.
   */
  private final class Writers {
    final Map<String, Integer> answers = new ConcurrentSkipListMap<>();
    final List<String> torn = Collections.synchronizedList(new ArrayList<>());
    final List<String> crashed = Collections.synchronizedList(new ArrayList<>());
    private final HistoryChecker history;
    private final List<String> namespaces;
    private final long seed;
    private final Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Writers(HistoryChecker history, List<String> namespaces, long seed) {
      this.history = history;
      this.namespaces = namespaces;
      this.seed = seed;
      namespaces.forEach(ns -> attempts.put(ns, Collections.synchronizedList(new ArrayList<>())));
    }

    void start() {
      for (int t = 0; t < WRITERS; t++) {
        int thread = t;
        Random random = new Random(seed * 31 + t);
        threads.add(Thread.ofPlatform().daemon().name("test-repl-writer-" + t).start(() -> {
          try {
            write(thread, random);
          } catch (Throwable e) {
            crashed.add(Thread.currentThread().getName() + ": " + e);
            e.printStackTrace(System.out);
          }
        }));
      }
    }

    private void write(int thread, Random random) throws InterruptedException {
      Map<String, Long> versions = new HashMap<>();
      while (!stop.get()) {
        String ns = namespaces.get(random.nextInt(namespaces.size()));
        String id = "w" + thread + "-" + random.nextInt(KEYS);
        List<Node> live = up();
        if (live.isEmpty()) {
          Thread.sleep(50);
          continue;
        }
        Node via = pick(live, random);
        long version = versions.merge(ns + "/" + id, 1L, Long::sum);
        String body = "{\"vectors\":[{\"id\":\"" + id + "\",\"values\":" + values(version, random)
            + ",\"metadata\":{\"v\":" + version + ",\"w\":" + thread + "}}]}";
        long start = System.nanoTime();
        Reply r = send(via, "POST", "/v1/namespaces/" + ns + "/vectors", body, WRITE_TIMEOUT, false);
        long end = System.nanoTime();
        Outcome outcome = r.status() < 0 ? Outcome.UNKNOWN : Outcome.ofStatus(r.status());
        history.write(ns, id, version, outcome, start, end);
        attempts.get(ns).add(new Attempt(start, end, outcome == Outcome.ACKED, !down.contains(via.id)));
        if (outcome != Outcome.ACKED) {
          answers.merge("write " + r.describe(), 1, Integer::sum);
          Thread.sleep(50);
          continue;
        }
        if (random.nextInt(3) == 0) {
          readBack(ns, id, random);
        }
        Thread.sleep(random.nextInt(4));
      }
    }

    private void readBack(String ns, String id, Random random) {
      List<Node> live = up();
      if (live.isEmpty()) {
        return;
      }
      Node via = pick(live, random);
      long start = System.nanoTime();
      Reply r = send(via, "GET", "/v1/namespaces/" + ns + "/vectors/" + id, null, READ_TIMEOUT, false);
      if (r.status() == 200) {
        history.observed(ns, id, version(r, ns + "/" + id + " read back", torn), start, "read after ack via " + via.id);
      } else if (r.status() == 404 && r.code().equals("vector_not_found")) {
        history.observed(ns, id, null, start, "read after ack via " + via.id);
      } else {
        answers.merge("read " + r.describe(), 1, Integer::sum);
      }
    }

    /** When the first acknowledged write to {@code ns} sent at or after {@code nanos} was answered, or null. */
    Long firstAckAfter(String ns, long nanos) {
      List<Attempt> list = attempts.get(ns);
      synchronized (list) {
        Long first = null;
        for (Attempt a : list) {
          if (a.ok() && a.start() - nanos >= 0 && (first == null || a.end() - first < 0)) {
            first = a.end();
          }
        }
        return first;
      }
    }

    /**
     * Per namespace, the stretches in which its writes failed (writes through a node the test
     * killed left out): from the start of a failed write to the end of the next acknowledged one,
     * or to the end of the run if none came.
     */
    List<Outage> outages(long runEnd) {
      List<Outage> out = new ArrayList<>();
      for (String ns : namespaces) {
        List<Attempt> list;
        synchronized (attempts.get(ns)) {
          list = new ArrayList<>(attempts.get(ns));
        }
        list.sort((a, b) -> Long.compare(a.start() - t0, b.start() - t0));
        Long since = null;
        for (Attempt a : list) {
          if (!a.counted()) {
            continue;
          }
          if (!a.ok()) {
            if (since == null) {
              since = a.start();
            }
          } else if (since != null) {
            out.add(new Outage(ns, since, a.end() - since));
            since = null;
          }
        }
        if (since != null) {
          out.add(new Outage(ns, since, runEnd - since));
        }
      }
      return out;
    }

    /** The longest time an acknowledged write took (a slow write is unavailability too, though not a failure). */
    long longestAcked() {
      long max = 0;
      for (List<Attempt> list : attempts.values()) {
        synchronized (list) {
          for (Attempt a : list) {
            if (a.ok()) {
              max = Math.max(max, a.end() - a.start());
            }
          }
        }
      }
      return max;
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(WRITE_TIMEOUT.toMillis() + READ_TIMEOUT.toMillis() + 10_000);
        assertTrue(!t.isAlive(), t.getName() + " stopped");
      }
    }
  }

  /** {@code [version, r, r, r]}: dimension 4, never zero (cosine). */
  private static String values(long version, Random random) {
    return "[" + version + "," + (random.nextFloat() + 0.01f) + "," + (random.nextFloat() + 0.01f) + ","
        + (random.nextFloat() + 0.01f) + "]";
  }

  // --- nodes -------------------------------------------------------------------------------------

  private void startProcess(Node n) throws Exception {
    int grpcPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      grpcPort = free.getLocalPort();
    }
    ServerProcess p = ServerProcess.startWithHeap("256m", dir.resolve(n.id), "--cluster", "127.0.0.1:" + zk.getPort(),
        "--node-id", n.id, "--cluster-session-timeout-ms", Long.toString(SESSION_TIMEOUT.toMillis()),
        "--admin-key-file", keyFile.toString(), "--grpc-port", Integer.toString(grpcPort),
        "--hand-off-timeout-s", "30");
    processes.put(n.id + "#" + n.starts++, p);
    n.process = p;
  }

  private void awaitUp(Node n) throws Exception {
    n.base = n.process.awaitBase(START);
    await(Duration.ofSeconds(60), () -> send(n, "GET", "/ready", null).status() == 200, () -> n.id + " ready");
  }

  private List<Node> up() {
    return nodes.stream().filter(n -> !down.contains(n.id)).toList();
  }

  private boolean isUp(String id) {
    return nodes.stream().anyMatch(n -> n.id.equals(id)) && !down.contains(id);
  }

  private Node node(String id) {
    return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow(() -> new AssertionError("no node " + id));
  }

  private static Map<String, Integer> primaryCounts(Map<String, Replication> replication) {
    Map<String, Integer> out = new TreeMap<>();
    replication.values().forEach(r -> out.merge(r.primary(), 1, Integer::sum));
    return out;
  }

  /** The namespace's replication as {@code via} answers it, or null if it does not answer 200. */
  private Replication replication(Node via, String ns) {
    Reply r = send(via, "GET", "/admin/namespaces/" + ns + "/replication", null, Duration.ofSeconds(5), false);
    return r.status() == 200 ? Replication.parse(r.json()) : null;
  }

  private Reply send(Node n, String method, String path, String body) {
    return send(n, method, path, body, READ_TIMEOUT, false);
  }

  private Reply sendLocal(Node n, String path) {
    return send(n, "GET", path, null, READ_TIMEOUT, true);
  }

  /** A request with the admin key; never throws: no answer is status -1. */
  private Reply send(Node n, String method, String path, String body, Duration timeout, boolean local) {
    String base = n.base;
    if (base == null) {
      return new Reply(-1, "not started");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + ADMIN_KEY);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (local) {
      b.header(LOCAL, "true");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, e.toString());
    } catch (Exception e) {
      return new Reply(-1, e.getClass().getSimpleName());
    }
  }

  private static <T> T pick(List<T> list, Random random) {
    if (list.isEmpty()) {
      throw new AssertionError("no live node");
    }
    return list.get(random.nextInt(list.size()));
  }

  /** A condition polled by {@link #await}; it may fail the test at once by throwing. */
  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Duration timeout, Condition condition, Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      Thread.sleep(250);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private void event(String what) {
    event(System.nanoTime(), what);
  }

  private void event(long at, String what) {
    String line = String.format("+%.1f s %s", seconds(at - t0), what);
    timeline.add(line);
    System.out.println("ReplicationTest: " + line);
  }

  private void lap(String what) {
    System.out.printf("ReplicationTest: %s after %.1f s%n", what, seconds(System.nanoTime() - t0));
  }

  private void dumpLogs() {
    System.out.println("ReplicationTest timeline:\n" + String.join("\n", timeline));
    synchronized (processes) {
      processes.forEach((label, p) -> System.out.println("----- log of " + label + " (last 300 lines) -----\n"
          + tail(p.log(), 300)));
    }
  }

  private static String tail(String log, int lines) {
    String[] all = log.split("\n", -1);
    return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
  }
}
