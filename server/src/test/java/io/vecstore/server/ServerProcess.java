package io.vecstore.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as a separate JVM process ({@code Main serve} on port 0), for tests that kill it or
 * send it signals. Its log is collected; the port is read from the start-up line.
 */
final class ServerProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private final Thread reader;

  private ServerProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        // process gone
      } finally {
        port.completeExceptionally(new IOException("server exited before listening:\n" + String.join("\n", log)));
      }
    }, "test-server-log");
    reader.setDaemon(true);
    reader.start();
  }

  static ServerProcess start(Path dataDir, String... extraArgs) throws IOException {
    return startWithHeap("512m", dataDir, extraArgs);
  }

  /** With a heap of {@code heap} (e.g. {@code 256m}): the cluster tests run four at once. */
  static ServerProcess startWithHeap(String heap, Path dataDir, String... extraArgs) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-Xmx" + heap,
        "-cp", System.getProperty("java.class.path"), "io.vecstore.server.Main",
        "serve", "--data", dataDir.toString(), "--port", "0", "--grpc-port", "0"));
    cmd.addAll(List.of(extraArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    return new ServerProcess(p);
  }

  /** The server's base URL once it listens. */
  String awaitBase(Duration timeout) throws Exception {
    return "http://127.0.0.1:" + port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within " + timeout + ":\n" + log());
    }
    reader.join(10_000); // the log's last lines are still in the pipe
    return process.exitValue();
  }

  /** Waits for the process to end by itself (a refusal at start), then its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("server still running after " + timeout + ":\n" + log());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
