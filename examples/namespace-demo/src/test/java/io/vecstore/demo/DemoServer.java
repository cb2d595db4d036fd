package io.vecstore.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server, {@code io.vecstore.server.Main serve} (what {@code bin/vecstore serve} runs),
 * in a child JVM on this test's class path, on an ephemeral loopback port, without gRPC. Its log
 * is kept for failure messages; the URL is read from its start-up line.
 */
final class DemoServer implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<String> url = new CompletableFuture<>();
  private final Thread reader;

  private DemoServer(Process process) {
    this.process = process;
    this.reader = new Thread(this::readLog, "demo-server-log");
    reader.setDaemon(true);
    reader.start();
  }

  static DemoServer start(Path dataDir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.vecstore.server.Main",
        "serve", "--data", dataDir.toString(), "--host", "127.0.0.1", "--port", "0", "--grpc-port", "0");
    return new DemoServer(new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  private void readLog() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        log.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          url.complete(m.group(1));
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      url.completeExceptionally(new IOException("the server exited before listening:\n" + log()));
    }
  }

  /** The server's base URL once it listens. */
  String awaitUrl(Duration timeout) throws Exception {
    return url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  /** SIGTERM, as Ctrl-C would; returns the exit status. */
  int stop(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within " + timeout + ":\n" + log());
    }
    return process.exitValue();
  }

  /** Kills the server if it still runs (a test that failed before {@link #stop}). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
