package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vecstore.testdata.Seeded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server process ingesting from several client threads is killed with SIGKILL at random
 * moments. After each restart every acknowledged write is there with its latest acknowledged
 * value and text (stored and full-text indexed), no batch is half applied, and CheckIndex is clean.
 */
@ExtendWith(Seeded.class)
class CrashRecoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 3;
  private static final int IDS_PER_THREAD = 40;

  @TempDir Path dataDir;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Per id, the values it may have now: acknowledged, sent but not answered, or null for absent. */
  private final Map<String, List<Integer>> possible = new ConcurrentHashMap<>();
  /** Batches sent without a 200 reply: all their ids must hold the same batch, or none of them. */
  private final List<Map<String, Integer>> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());

  @Test
  void killNineThreeTimes(Random random) throws Exception {
    run(random, 3);
  }

  @Test
  @Tag("slow") // about a minute: twenty kill/restart cycles
  void killNineTwentyTimes(Random random) throws Exception {
    run(random, 20);
  }

  private final List<String> history = java.util.Collections.synchronizedList(new ArrayList<>());

  private void run(Random random, int cycles) throws Exception {
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      String base = first.awaitBase(Duration.ofSeconds(60));
      assertEquals(201, send(base, "POST", "/admin/namespaces", "{\"id\":\"crash\",\"name\":\"crash\",\"tier\":\"unlimited\",\"text\":{\"analyzer\":\"standard\"}}").statusCode());
      first.terminate(Duration.ofSeconds(30));
    }
    int batchCounter = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      try (ServerProcess server = ServerProcess.start(dataDir)) {
        String base = server.awaitBase(Duration.ofSeconds(60));
        verify(base, server);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        int startBatch = batchCounter;
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          long seed = random.nextLong();
          Thread w = new Thread(() -> ingest(base, thread, startBatch + thread * 1_000_000, new Random(seed), stop), "test-ingest-" + t);
          writers.add(w);
          w.start();
        }
        batchCounter += 1000;
        Thread.sleep(300 + random.nextInt(900));
        server.kill9();
        history.add("cycle " + cycle + " log:\n" + server.log());
        stop.set(true);
        for (Thread w : writers) {
          w.join();
        }
      }
      assertCheckIndexClean(dataDir.resolve("crash/index"));
    }
    try (ServerProcess last = ServerProcess.start(dataDir)) {
      verify(last.awaitBase(Duration.ofSeconds(60)), last);
      assertEquals(0, last.terminate(Duration.ofSeconds(60)), "clean shutdown exits 0:\n" + last.log());
    }
  }

  /** One client thread: batches of 1–4 ids from its own id range, values unique per batch. */
  private void ingest(String base, int thread, int firstBatch, Random random, AtomicBoolean stop) {
    int batch = firstBatch;
    while (!stop.get()) {
      batch++;
      Map<String, Integer> values = new HashMap<>();
      int size = 1 + random.nextInt(4);
      StringBuilder body = new StringBuilder("{\"vectors\":[");
      for (int i = 0; i < size; i++) {
        String id = "t" + thread + "-" + random.nextInt(IDS_PER_THREAD);
        if (values.containsKey(id)) {
          continue;
        }
        values.put(id, batch);
        body.append(values.size() == 1 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"values\":[")
            .append(batch).append(",1],\"metadata\":{\"batch\":").append(batch).append("},\"text\":\"batch b")
            .append(batch).append("\"}");
      }
      body.append("]}");
      // Before sending: these values may exist from now on. An id never acknowledged may also be absent (null).
      values.forEach((id, v) -> possible.computeIfAbsent(id, k -> new ArrayList<>(java.util.Collections.singletonList(null))).add(v));
      boolean acknowledged;
      try {
        acknowledged = send(base, "POST", "/v1/namespaces/crash/vectors", body.toString()).statusCode() == 200;
      } catch (Exception e) {
        acknowledged = false;
      }
      history.add(Thread.currentThread().getName() + " batch " + batch + " " + values + " acked=" + acknowledged);
      if (acknowledged) {
        // Acknowledged: this is now the only possible value of these ids.
        values.forEach((id, v) -> possible.put(id, new ArrayList<>(List.of(v))));
      } else {
        unanswered.add(values);
        return; // the server is gone
      }
    }
  }

  private void verify(String base, ServerProcess server) throws Exception {
    Map<String, Integer> actual = new HashMap<>();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < IDS_PER_THREAD; i++) {
        String id = "t" + t + "-" + i;
        HttpResponse<String> r = send(base, "GET", "/v1/namespaces/crash/vectors/" + id, null);
        if (r.statusCode() == 200) {
          JsonNode v = JSON.readTree(r.body());
          int value = (int) v.get("values").get(0).asDouble();
          assertEquals(value, v.at("/metadata/batch").asInt(), "vector and metadata of one write");
          assertEquals("batch b" + value, v.get("text").asText(), "vector and text of one write");
          actual.put(id, value);
        } else {
          assertEquals(404, r.statusCode(), r.body() + "\n" + server.log());
        }
      }
    }
    for (var e : possible.entrySet()) {
      Integer value = actual.get(e.getKey());
      assertTrue(e.getValue().contains(value),
          e.getKey() + " is " + value + ", expected one of " + e.getValue() + "\n" + server.log() + "\nhistory:\n" + String.join("\n", history));
    }
    for (Map<String, Integer> batch : List.copyOf(unanswered)) {
      long applied = batch.entrySet().stream().filter(e -> e.getValue().equals(actual.get(e.getKey()))).count();
      assertTrue(applied == 0 || applied == batch.size(), "half-applied batch " + batch + " in " + actual);
      // After a restart the outcome is known: it is now the only possible value.
      if (applied == batch.size()) {
        batch.forEach((id, v) -> possible.put(id, new ArrayList<>(List.of(v))));
      } else {
        batch.forEach((id, v) -> possible.get(id).remove(v));
      }
    }
    unanswered.clear();
    for (var e : actual.entrySet()) { // the full-text index holds what the log replayed, too
      JsonNode found = JSON.readTree(send(base, "POST", "/v1/namespaces/crash/query",
          "{\"text\":\"b" + e.getValue() + "\",\"mode\":\"keyword\",\"k\":10}").body());
      List<String> ids = new ArrayList<>();
      found.get("results").forEach(h -> ids.add(h.get("id").asText()));
      assertTrue(ids.contains(e.getKey()), "keyword b" + e.getValue() + " finds " + e.getKey() + ": " + found);
    }
    JsonNode stats = JSON.readTree(send(base, "GET", "/admin/namespaces/crash/stats", null).body());
    assertEquals(actual.size(), stats.get("vector_count").asInt(), "vector_count is true after a crash");
    assertFalse(server.log().contains("Exception"), server.log());
  }

  private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void assertCheckIndexClean(Path indexDir) throws Exception {
    assertTrue(Files.isDirectory(indexDir), indexDir + " missing");
    try (Directory dir = FSDirectory.open(indexDir); CheckIndex checker = new CheckIndex(dir)) {
      checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
      assertTrue(checker.checkIndex().clean, log.toString(StandardCharsets.UTF_8));
    }
  }
}
