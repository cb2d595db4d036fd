package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.vecstore.core.config.Capacity;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.index.IndexFiles;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.metrics.HttpMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data disk fills while writers run (a real 32 MiB tmpfs, and a filler file that takes part of
 * it): writes are refused with 507 insufficient_storage, nothing acknowledged is lost, reads go on
 * all the while, and writes succeed again by themselves once space returns. CheckIndex is clean.
 *
 * <p>Needs to mount a tmpfs (root, and a sandbox that allows it): skipped otherwise, unless
 * {@code VECSTORE_REQUIRE_TMPFS=1} makes that a failure.
 */
class DiskFullTest {

  private static final long MIB = 1024 * 1024;
  private static final int DIM = 64;

  @TempDir Path dir;

  @Test
  void writesAreRefusedWhenTheDiskFillsAndResumeWhenSpaceReturns() throws Exception {
    Path mount = dir.resolve("disk");
    Files.createDirectories(mount);
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount.toString()) == 0;
    if ("1".equals(System.getenv("VECSTORE_REQUIRE_TMPFS"))) {
      assertTrue(mounted, "VECSTORE_REQUIRE_TMPFS=1 but a tmpfs cannot be mounted here");
    }
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root and a sandbox that allows mounts)");
    try {
      fillAndRecover(mount);
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  private void fillAndRecover(Path mount) throws Exception {
    Path filler = mount.resolve("filler");
    Files.write(filler, new byte[(int) (12 * MIB)]);
    ServerConfig config = ServerConfig.defaults(mount.resolve("data")).withPort(0);
    Capacity defaults = Capacity.defaults();
    ManagerConfig managerConfig = config.managerConfig().withCapacity(
        new Capacity(defaults.maxOpenNamespaces(), defaults.idleClose(), defaults.maxNamespaces(), 6 * MIB));
    Map<String, Float> acknowledged = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean spaceReturned = new AtomicBoolean();
    AtomicInteger writesAfterSpaceReturned = new AtomicInteger();
    try (NamespaceManager manager = new NamespaceManager(managerConfig)) {
      Javalin app = App.create(config, manager, new HttpMetrics(manager::usage), new Readiness(1)).start("127.0.0.1", 0);
      String base = "http://127.0.0.1:" + app.port();
      HttpClient http = HttpClient.newHttpClient();
      try {
        assertEquals(201, send(http, "POST", base + "/admin/namespaces", "{\"id\":\"full\",\"tier\":\"unlimited\"}").statusCode());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          int writer = w;
          threads.add(Thread.ofPlatform().name("disk-full-writer-" + w).start(() -> {
            Random random = new Random(writer);
            for (int batch = 0; !stop.get(); batch++) {
              String prefix = "w" + writer + "-" + batch + "-";
              float first = random.nextFloat();
              HttpResponse<String> r = send(http, "POST", base + "/v1/namespaces/full/vectors", batch(prefix, first, random));
              if (r.statusCode() == 200) {
                for (int i = 0; i < 20; i++) {
                  acknowledged.put(prefix + i, i == 0 ? first : Float.NaN);
                }
                if (spaceReturned.get()) {
                  writesAfterSpaceReturned.incrementAndGet();
                }
              } else if (r.statusCode() == 507 && r.body().contains("\"insufficient_storage\"")) {
                refused.incrementAndGet();
                sleep(20);
              } else {
                problems.add("write: " + r.statusCode() + " " + r.body());
              }
            }
          }));
        }
        threads.add(Thread.ofPlatform().name("disk-full-reader").start(() -> {
          while (!stop.get()) {
            HttpResponse<String> q = send(http, "POST", base + "/v1/namespaces/full/query",
                "{\"vector\":" + vector(new Random(), 0.5f) + ",\"k\":5}");
            if (q.statusCode() != 200) {
              problems.add("read: " + q.statusCode() + " " + q.body());
            }
            sleep(5);
          }
        }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (refused.get() < 20 && System.nanoTime() < deadline && problems.isEmpty()) {
          Thread.sleep(50);
        }
        assertTrue(refused.get() >= 20, "the disk never filled: " + refused + " refusals, " + acknowledged.size()
            + " vectors acknowledged; problems: " + problems);
        Files.delete(filler); // space returns
        spaceReturned.set(true);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writesAfterSpaceReturned.get() < 5 && System.nanoTime() < deadline && problems.isEmpty()) {
          Thread.sleep(50);
        }
        stop.set(true);
        for (Thread t : threads) {
          t.join(30_000);
        }
        assertEquals(List.of(), List.copyOf(problems), "every answer was 200 or 507 insufficient_storage, and every read 200");
        assertTrue(writesAfterSpaceReturned.get() >= 5, "writes did not resume once space returned");
        // Nothing acknowledged is lost.
        JsonNode stats = TestServer.JSON.readTree(send(http, "GET", base + "/admin/namespaces/full/stats", null).body());
        assertEquals(acknowledged.size(), stats.get("vector_count").asLong());
        for (Map.Entry<String, Float> e : acknowledged.entrySet()) {
          HttpResponse<String> f = send(http, "GET", base + "/v1/namespaces/full/vectors/" + e.getKey(), null);
          assertEquals(200, f.statusCode(), e.getKey());
          if (!Float.isNaN(e.getValue())) {
            assertEquals(e.getValue(), TestServer.JSON.readTree(f.body()).get("values").get(0).floatValue(), e.getKey());
          }
        }
      } finally {
        app.stop();
      }
    }
    assertTrue(IndexFiles.check(mount.resolve("data/full/index"), 3, null).clean(), "CheckIndex after the disk filled");
  }

  /** 20 vectors with ~1 KiB of metadata each; the first one's first value is {@code first}. */
  private static String batch(String prefix, float first, Random random) {
    StringBuilder b = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < 20; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(prefix).append(i).append("\",\"values\":")
          .append(vector(random, i == 0 ? first : random.nextFloat())).append(",\"metadata\":{\"text\":\"")
          .append("x".repeat(1000)).append("\"}}");
    }
    return b.append("]}").toString();
  }

  private static String vector(Random random, float first) {
    StringBuilder b = new StringBuilder("[").append(first);
    for (int i = 1; i < DIM; i++) {
      b.append(',').append(random.nextFloat());
    }
    return b.append(']').toString();
  }

  private static HttpResponse<String> send(HttpClient http, String method, String url, String body) {
    try {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
      r = body == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
          : r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
      return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + url + " failed: " + e, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
