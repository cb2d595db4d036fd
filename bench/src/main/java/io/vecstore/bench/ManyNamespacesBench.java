package io.vecstore.bench;

import static io.vecstore.bench.BenchUtil.pct;

import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.quota.Tier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Many mostly idle namespaces on one server (issue 8): fills N namespaces of 100 vectors, then
 * starts the real server as its own process on that data and measures start-up time, resident
 * memory, open file descriptors and threads, the first query of namespaces not yet open (cold),
 * queries of one open namespace (hot), and a burst of queries over 2,000 random namespaces.
 */
final class ManyNamespacesBench {

  private static final int DIM = 64;
  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private ManyNamespacesBench() {}

  static void run(int namespaces, int vectorsEach) throws Exception {
    System.out.printf(Locale.ROOT, "%n== %,d namespaces × %d vectors (%d-d) ==%n", namespaces, vectorsEach, DIM);
    Path dir = Files.createTempDirectory("vecstore-many");
    Random random = new Random(7);
    long start = System.nanoTime();
    try (NamespaceManager m = new NamespaceManager(ManagerConfig.defaults(dir))) {
      for (int n = 0; n < namespaces; n++) {
        String id = "tenant-" + n;
        m.create(new CreateNamespace(id, id, null, Map.of(), Tier.UNLIMITED, null, null, null));
        List<VectorRecord> batch = new ArrayList<>(vectorsEach);
        for (int i = 0; i < vectorsEach; i++) {
          batch.add(new VectorRecord("v" + i, vector(random), null));
        }
        m.upsert(id, batch);
      }
    }
    System.out.printf(Locale.ROOT, "filled in %.1f s, %,d MB on disk%n", (System.nanoTime() - start) / 1e9, sizeOf(dir) >> 20);

    String javaBin = ProcessHandle.current().info().command().orElse("java");
    long t0 = System.nanoTime();
    Process server = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
        "io.vecstore.server.Main", "serve", "--data", dir.toString(), "--port", "0")
        .redirectErrorStream(true).start();
    try {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            Matcher mm = LISTENING.matcher(line);
            if (mm.find()) {
              port.complete(Integer.parseInt(mm.group(1)));
            }
          }
        } catch (IOException e) {
          port.completeExceptionally(e);
        }
      }, "bench-server-log");
      reader.setDaemon(true);
      reader.start();
      String base = "http://127.0.0.1:" + port.get(120, TimeUnit.SECONDS);
      HttpClient client = HttpClient.newHttpClient();
      while (get(client, base + "/ready") != 200) {
        Thread.sleep(5);
      }
      double startup = (System.nanoTime() - t0) / 1e9;
      long pid = server.pid();
      System.out.printf(Locale.ROOT, "start-up to ready: %.2f s (JVM start included)%n", startup);
      System.out.printf(Locale.ROOT, "idle after start:  %s%n", processFigures(pid));

      List<String> order = new ArrayList<>();
      for (int n = 0; n < namespaces; n++) {
        order.add("tenant-" + n);
      }
      java.util.Collections.shuffle(order, random);
      int coldCount = Math.min(500, namespaces / 2);
      double[] cold = new double[coldCount];
      for (int i = 0; i < coldCount; i++) {
        cold[i] = query(client, base, order.get(i), random);
      }
      System.out.printf(Locale.ROOT, "cold first query (%d namespaces): p50 %.2f ms, p99 %.2f ms%n", coldCount, pct(cold, 50), pct(cold, 99));
      double[] hot = new double[1000];
      for (int i = 0; i < hot.length; i++) {
        hot[i] = query(client, base, order.get(0), random);
      }
      System.out.printf(Locale.ROOT, "hot namespace:      p50 %.2f ms, p99 %.2f ms%n", pct(hot, 50), pct(hot, 99));

      int burst = Math.min(2000, namespaces);
      double[] lat = new double[burst * 2];
      AtomicInteger next = new AtomicInteger();
      long burstStart = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random r = new Random(t);
        Thread th = new Thread(() -> {
          for (int i; (i = next.getAndIncrement()) < lat.length; ) {
            lat[i] = query(client, base, order.get(r.nextInt(burst)), r);
          }
        }, "bench-burst-" + t);
        threads.add(th);
        th.start();
      }
      for (Thread th : threads) {
        th.join();
      }
      double seconds = (System.nanoTime() - burstStart) / 1e9;
      System.out.printf(Locale.ROOT, "burst over %,d random namespaces, 4 clients: %.0f queries/s, p50 %.2f ms, p99 %.2f ms%n",
          burst, lat.length / seconds, pct(lat, 50), pct(lat, 99));
      System.out.printf(Locale.ROOT, "after the burst:   %s%n", processFigures(pid));
    } finally {
      server.toHandle().destroy();
      server.waitFor(60, TimeUnit.SECONDS);
      deleteRecursively(dir);
    }
  }

  private static double query(HttpClient client, String base, String ns, Random random) {
    StringBuilder body = new StringBuilder("{\"vector\":[");
    float[] v = vector(random);
    for (int i = 0; i < v.length; i++) {
      body.append(i == 0 ? "" : ",").append(v[i]);
    }
    body.append("],\"k\":10}");
    long t = System.nanoTime();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/namespaces/" + ns + "/query"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(ns + " -> " + r.statusCode() + " " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return (System.nanoTime() - t) / 1e6;
  }

  private static int get(HttpClient client, String url) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Resident memory, threads and open file descriptors of a process, from /proc. */
  private static String processFigures(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
    long rssKb = field(status, "VmRSS");
    long threads = field(status, "Threads");
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      fds = s.count();
    }
    long maps;
    try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/maps"))) {
      maps = lines.count();
    }
    return String.format(Locale.ROOT, "RSS %,d MB, %d threads, %d file descriptors, %,d memory maps", rssKb >> 10, threads, fds, maps);
  }

  private static long field(String status, String name) {
    Matcher m = Pattern.compile("^" + name + ":\\s+(\\d+)", Pattern.MULTILINE).matcher(status);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
