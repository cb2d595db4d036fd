package io.vecstore.bench;

import static io.vecstore.bench.BenchUtil.json;
import static io.vecstore.bench.BenchUtil.pct;

import io.vecstore.cluster.LocalZooKeeper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * Cluster mode's costs, measured on loopback (issue 16's closing note): a local ZooKeeper in this
 * JVM and two VecStore processes ({@code Main serve --cluster}).
 *
 * <ol>
 *   <li>Forwarding overhead per query: one namespace of seeded random 128-d vectors; the same
 *       queries (k = 10) sent by one client thread alternately to its owner and to the other node,
 *       which forwards them; the last of the rounds is measured.
 *   <li>Moving a large namespace: {@code --move-vectors} (default 100,000) seeded random 128-d
 *       vectors in a namespace on one node; that node is stopped with SIGTERM, which hands the
 *       namespace to the other node (snapshot copy + log tail); a writer keeps upserting into it
 *       through the other node meanwhile. Reported: the move's time (the mover's log), the longest
 *       write (the pause), and whether every acknowledged write arrived.
 * </ol>
 *
 * Not a test: run by hand (bench/README.md). Flags: {@code --vectors N --queries N --rounds N
 * --move-vectors N}.
 */
public final class ClusterBench {

  private static final int DIM = 128;
  private static final int SESSION_MS = 6_000;
  private static final Pattern MOVED = Pattern.compile("Namespace (\\S+) now lives on (\\S+) \\(move took (\\d+) ms\\)");

  private ClusterBench() {}

  /** A server process and its log. */
  private record Server(Process process, String base, List<String> log) {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    int vectors = intFlag(a, "--vectors", 10_000);
    int queries = intFlag(a, "--queries", 2_000);
    int rounds = intFlag(a, "--rounds", 3);
    int moveVectors = intFlag(a, "--move-vectors", 100_000);
    int writes = intFlag(a, "--writes", 1_000);
    Random random = new Random(42);
    Path dir = Files.createTempDirectory("vecstore-cluster-bench");
    System.setProperty("zookeeper.admin.enableServer", "false");
    int zkPort = freePort();
    List<Server> servers = new ArrayList<>();
    try (LocalZooKeeper zk = new LocalZooKeeper(zkPort, dir.resolve("zk"));
        CloseableHttpClient http = HttpClients.createDefault()) {
      zk.start(Duration.ofSeconds(30));
      for (String id : List.of("a", "b")) {
        servers.add(start(dir, id, zkPort));
      }
      Server a0 = servers.get(0);
      Server b0 = servers.get(1);
      // Forwarding: the namespace lives where the cluster puts it; ask its owner and the other node.
      post(http, a0.base() + "/admin/namespaces", "{\"id\":\"fwd\",\"tier\":\"unlimited\",\"replication_factor\":1}", 201);
      String owner = ownerOf(http, a0.base(), "fwd");
      Server direct = owner.equals("a") ? a0 : b0;
      Server via = owner.equals("a") ? b0 : a0;
      load(http, direct.base(), "fwd", vectors, random);
      float[][] qs = new float[queries][];
      for (int i = 0; i < queries; i++) {
        qs[i] = vector(random);
      }
      double[] ownerMs = new double[queries];
      double[] forwardedMs = new double[queries];
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < queries; i++) {
          String body = "{\"vector\":" + json(qs[i]) + ",\"k\":10}";
          ownerMs[i] = timedQuery(http, direct.base(), body);
          forwardedMs[i] = timedQuery(http, via.base(), body);
        }
      }
      System.out.printf(Locale.ROOT, "== query latency, %d x %d-d vectors, k=10, one client thread, %d queries (last of %d "
          + "rounds), 2 nodes on loopback ==%n", vectors, DIM, queries, rounds);
      System.out.printf(Locale.ROOT, "%-22s %9s %9s %9s%n", "path", "p50 ms", "p99 ms", "mean ms");
      print("owner directly", ownerMs);
      print("through the other node", forwardedMs);
      System.out.printf(Locale.ROOT, "forwarding overhead: p50 %+.3f ms, mean %+.3f ms%n",
          pct(forwardedMs, 50) - pct(ownerMs, 50), mean(forwardedMs) - mean(ownerMs));

      // Moving a large namespace: placed on the node that will leave, filled, then that node stops.
      replication(http, dir, zkPort, servers, writes, random);
      a0 = servers.get(0);
      b0 = servers.get(1);
      direct = owner.equals("a") ? a0 : b0;

      post(http, direct.base() + "/admin/namespaces", "{\"id\":\"big\",\"tier\":\"unlimited\",\"replication_factor\":1}", 201);
      String bigOwner = ownerOf(http, a0.base(), "big");
      Server leaving = bigOwner.equals("a") ? a0 : b0;
      Server staying = leaving == a0 ? b0 : a0;
      long t = System.nanoTime();
      load(http, leaving.base(), "big", moveVectors, random);
      System.out.printf(Locale.ROOT, "loaded %,d x %d-d vectors into 'big' on node %s in %.1f s%n", moveVectors, DIM,
          bigOwner, (System.nanoTime() - t) / 1e9);
      AtomicBoolean stop = new AtomicBoolean();
      List<Double> writeMs = Collections.synchronizedList(new ArrayList<>());
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      List<String> failed = Collections.synchronizedList(new ArrayList<>());
      Thread writer = new Thread(() -> {
        Random r = new Random(7);
        try (CloseableHttpClient c = HttpClients.createDefault()) {
          for (int i = 0; !stop.get(); i++) {
            String id = "during-" + i;
            String body = "{\"vectors\":[{\"id\":\"" + id + "\",\"values\":" + json(vector(r)) + "}]}";
            long s = System.nanoTime();
            int status = c.execute(jsonPost(staying.base() + "/v1/namespaces/big/vectors", body), res -> {
              EntityUtils.consume(res.getEntity());
              return res.getCode();
            });
            writeMs.add((System.nanoTime() - s) / 1e6);
            (status == 200 ? acknowledged : failed).add(id + (status == 200 ? "" : " " + status));
            Thread.sleep(20);
          }
        } catch (IOException | InterruptedException e) {
          failed.add(e.toString());
        }
      }, "bench-writer");
      writer.start();
      Thread.sleep(2000);
      long sigterm = System.nanoTime();
      leaving.process().toHandle().destroy();
      if (!leaving.process().waitFor(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the leaving node did not stop");
      }
      double shutdownSeconds = (System.nanoTime() - sigterm) / 1e9;
      Thread.sleep(2000);
      stop.set(true);
      writer.join();
      String moveLine = leaving.log().stream().filter(l -> l.contains("Namespace big now lives on")).findFirst().orElse("?");
      Matcher m = MOVED.matcher(moveLine);
      int lost = 0;
      for (String id : acknowledged) {
        int status = http.execute(new HttpGet(staying.base() + "/v1/namespaces/big/vectors/" + id), res -> {
          EntityUtils.consume(res.getEntity());
          return res.getCode();
        });
        lost += status == 200 ? 0 : 1;
      }
      double[] w = writeMs.stream().mapToDouble(Double::doubleValue).toArray();
      long count = countOf(http, staying.base(), "big");
      System.out.printf(Locale.ROOT, "== moving 'big' (%,d x %d-d vectors) at SIGTERM of its node ==%n", moveVectors, DIM);
      System.out.printf(Locale.ROOT, "move (snapshot copy + log tail + hand-over): %s ms; SIGTERM to exit: %.1f s%n",
          m.find() ? m.group(3) : "?", shutdownSeconds);
      System.out.printf(Locale.ROOT, "writer through the other node: %d writes, %d failed, %d acknowledged and lost; "
          + "write latency p50 %.1f ms, max %.1f ms (the pause)%n", w.length, failed.size(), lost, pct(w, 50),
          Arrays.stream(w).max().orElse(0));
      System.out.printf(Locale.ROOT, "'big' on node %s now holds %,d vectors (%,d loaded + %d written during the move)%n",
          staying == a0 ? "a" : "b", count, moveVectors, acknowledged.size());
      if (!failed.isEmpty()) {
        System.out.println("failed writes: " + failed.subList(0, Math.min(5, failed.size())));
      }
    } finally {
      for (Server s : servers) {
        s.process().destroyForcibly();
        s.process().waitFor(30, TimeUnit.SECONDS);
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Write latency with one copy and with two (the replica confirms every write before it is
   * acknowledged), then failover: the primary of the two-copy namespace is killed (SIGKILL) while
   * a writer goes on through the other node; reported: the time from the kill to the first
   * acknowledged write, and whether every acknowledged write is there afterwards. The killed node
   * is started again (it rejoins; its stale copy is dropped).
   */
  private static void replication(CloseableHttpClient http, Path dir, int zkPort, List<Server> servers, int writes,
      Random random) throws Exception {
    Server a0 = servers.get(0);
    post(http, a0.base() + "/admin/namespaces", "{\"id\":\"one-copy\",\"tier\":\"unlimited\",\"replication_factor\":1}", 201);
    post(http, a0.base() + "/admin/namespaces", "{\"id\":\"two-copies\",\"tier\":\"unlimited\",\"replication_factor\":2}", 201);
    String oneOwner = ownerOf(http, a0.base(), "one-copy");
    String twoOwner = ownerOf(http, a0.base(), "two-copies");
    awaitInSync(http, a0.base(), "two-copies", 1);
    double[] one = new double[writes];
    double[] two = new double[writes];
    for (int round = 0; round < 2; round++) { // the first warms up
      for (int i = 0; i < writes; i++) {
        String body = "{\"vectors\":[{\"id\":\"w" + i + "\",\"values\":" + json(vector(random)) + "}]}";
        one[i] = timedPost(http, server(servers, oneOwner).base() + "/v1/namespaces/one-copy/vectors", body);
        two[i] = timedPost(http, server(servers, twoOwner).base() + "/v1/namespaces/two-copies/vectors", body);
      }
    }
    System.out.printf(Locale.ROOT, "== single-vector upserts (%d-d), durability request, sent to the primary, %d each ==%n", DIM,
        writes);
    System.out.printf(Locale.ROOT, "%-22s %9s %9s %9s%n", "copies", "p50 ms", "p99 ms", "mean ms");
    print("1 (no replica)", one);
    print("2 (one replica)", two);
    System.out.printf(Locale.ROOT, "replication cost per write: p50 %+.3f ms, mean %+.3f ms%n", pct(two, 50) - pct(one, 50),
        mean(two) - mean(one));

    Server primary = server(servers, twoOwner);
    Server other = servers.get(primary == servers.get(0) ? 1 : 0);
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    long[] killedAt = {0};
    long[] firstAfter = {0};
    Thread writer = new Thread(() -> {
      Random r = new Random(11);
      try (CloseableHttpClient c = HttpClients.createDefault()) {
        for (int i = 0; !stop.get(); i++) {
          String id = "f" + i;
          String body = "{\"vectors\":[{\"id\":\"" + id + "\",\"values\":" + json(vector(r)) + "}]}";
          int status;
          try {
            status = c.execute(jsonPost(other.base() + "/v1/namespaces/two-copies/vectors", body), res -> {
              EntityUtils.consume(res.getEntity());
              return res.getCode();
            });
          } catch (IOException e) {
            status = -1;
          }
          if (status == 200) {
            acknowledged.add(id);
            if (killedAt[0] != 0 && firstAfter[0] == 0) {
              firstAfter[0] = System.nanoTime();
            }
          }
          Thread.sleep(20);
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, "bench-failover-writer");
    writer.start();
    Thread.sleep(2000);
    int before = acknowledged.size();
    killedAt[0] = System.nanoTime();
    primary.process().destroyForcibly();
    primary.process().waitFor(30, TimeUnit.SECONDS);
    while (firstAfter[0] == 0 && System.nanoTime() - killedAt[0] < TimeUnit.SECONDS.toNanos(120)) {
      Thread.sleep(50);
    }
    Thread.sleep(2000);
    stop.set(true);
    writer.join();
    int lost = 0;
    for (String id : acknowledged) {
      int status = http.execute(new HttpGet(other.base() + "/v1/namespaces/two-copies/vectors/" + id), res -> {
        EntityUtils.consume(res.getEntity());
        return res.getCode();
      });
      lost += status == 200 ? 0 : 1;
    }
    System.out.printf(Locale.ROOT, "== failover: SIGKILL of the primary of 'two-copies' (session timeout %d ms) ==%n", SESSION_MS);
    System.out.printf(Locale.ROOT, "kill to first acknowledged write through the other node: %.2f s; %d acknowledged "
        + "(%d before the kill), %d lost%n", (firstAfter[0] - killedAt[0]) / 1e9, acknowledged.size(), before, lost);
    servers.set(servers.indexOf(primary), start(dir, twoOwner, zkPort));
  }

  private static void awaitInSync(CloseableHttpClient http, String base, String ns, int replicas) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String view = http.execute(new HttpGet(base + "/admin/namespaces/" + ns + "/replication"),
          res -> EntityUtils.toString(res.getEntity()));
      if (io.vecstore.http.dto.JsonCodec.parse(view.getBytes(StandardCharsets.UTF_8)).path("in_sync").size() == replicas) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(ns + " has no in-sync replica after 60 s");
  }

  private static Server server(List<Server> servers, String id) {
    return servers.get(id.equals("a") ? 0 : 1);
  }

  private static double timedPost(CloseableHttpClient http, String url, String body) throws IOException {
    long s = System.nanoTime();
    int status = http.execute(jsonPost(url, body), res -> {
      EntityUtils.consume(res.getEntity());
      return res.getCode();
    });
    if (status != 200) {
      throw new IllegalStateException("POST " + url + " answered " + status);
    }
    return (System.nanoTime() - s) / 1e6;
  }

  private static Server start(Path dir, String id, int zkPort) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.vecstore.server.Main", "serve",
        "--data", dir.resolve(id).toString(), "--port", "0", "--grpc-port", "0",
        "--cluster", "127.0.0.1:" + zkPort, "--node-id", id, "--cluster-session-timeout-ms", Integer.toString(SESSION_MS))
        .redirectErrorStream(true).start();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Integer> port = ServerOutput.follow(p, "bench-server-log-" + id, log::add, () -> {});
    return new Server(p, "http://127.0.0.1:" + port.get(120, TimeUnit.SECONDS), log);
  }

  private static void load(CloseableHttpClient http, String base, String ns, int count, Random random) throws IOException {
    StringBuilder batch = new StringBuilder();
    int inBatch = 0;
    for (int i = 0; i < count; i++) {
      batch.append(inBatch == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":").append(json(vector(random)))
          .append("}");
      if (++inBatch == 1000 || i == count - 1) {
        post(http, base + "/v1/namespaces/" + ns + "/vectors", "{\"vectors\":[" + batch + "]}", 200);
        batch.setLength(0);
        inBatch = 0;
      }
    }
  }

  private static String ownerOf(CloseableHttpClient http, String base, String ns) throws IOException {
    String cluster = http.execute(new HttpGet(base + "/admin/cluster"), res -> EntityUtils.toString(res.getEntity()));
    var nodes = io.vecstore.http.dto.JsonCodec.parse(cluster.getBytes(StandardCharsets.UTF_8)).get("nodes");
    for (var n : nodes) {
      for (var id : n.get("namespaces")) {
        if (id.asText().equals(ns)) {
          return n.get("node_id").asText();
        }
      }
    }
    throw new IllegalStateException(ns + " is placed nowhere: " + cluster);
  }

  private static long countOf(CloseableHttpClient http, String base, String ns) throws IOException {
    String stats = http.execute(new HttpGet(base + "/admin/namespaces/" + ns + "/stats"), res -> EntityUtils.toString(res.getEntity()));
    return io.vecstore.http.dto.JsonCodec.parse(stats.getBytes(StandardCharsets.UTF_8)).get("vector_count").asLong();
  }

  private static double timedQuery(CloseableHttpClient http, String base, String body) throws IOException {
    long t = System.nanoTime();
    String answer = http.execute(jsonPost(base + "/v1/namespaces/fwd/query", body), res -> {
      if (res.getCode() != 200) {
        throw new IllegalStateException("query failed: " + res.getCode());
      }
      return EntityUtils.toString(res.getEntity());
    });
    double ms = (System.nanoTime() - t) / 1e6;
    if (!answer.contains("\"results\"")) {
      throw new IllegalStateException("query failed: " + answer);
    }
    return ms;
  }

  private static void post(CloseableHttpClient http, String url, String body, int expected) throws IOException {
    http.execute(jsonPost(url, body), res -> {
      String text = EntityUtils.toString(res.getEntity());
      if (res.getCode() != expected) {
        throw new IllegalStateException(url + " answered " + res.getCode() + ": " + text);
      }
      return text;
    });
  }

  private static HttpPost jsonPost(String url, String body) {
    HttpPost post = new HttpPost(url);
    post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
    return post;
  }

  private static void print(String path, double[] ms) {
    System.out.printf(Locale.ROOT, "%-22s %9.3f %9.3f %9.3f%n", path, pct(ms, 50), pct(ms, 99), mean(ms));
  }

  private static double mean(double[] ms) {
    return Arrays.stream(ms).average().orElse(0);
  }

  private static int intFlag(List<String> args, String flag, int fallback) {
    int i = args.indexOf(flag);
    return i >= 0 ? Integer.parseInt(args.get(i + 1)) : fallback;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
