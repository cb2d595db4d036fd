package io.vecstore.bench.querypath;

import io.vecstore.bench.ServerOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The VecStore server as its own process, as a user starts it: {@code java <flags> -jar
 * vecstore.jar serve --data DIR --port 0 --grpc-port 0} (durability {@code request}, the default;
 * gRPC off). The bench links none of the server's classes: it talks to the process over HTTP and
 * reads one log line, {@code listening on http://127.0.0.1:PORT}. The jar is copied into the work
 * directory first, so a build that rewrites the original during the run cannot pull classes from
 * under the running server.
 *
 * <p>The process's output goes to {@code server.log} in the work directory; the last lines are
 * kept for error messages. Thread-safety: a named daemon thread reads the output; the other
 * methods are meant for one thread. The caller closes it: SIGTERM, a clean shutdown waited for
 * (the server commits every namespace), then a kill if it is still running.
 */
final class ServerProcess implements AutoCloseable {

  /** The launcher's JVM flags (bin/vecstore: SIMD vector code, Lucene's madvise, no library calling home). */
  static final List<String> LAUNCHER_FLAGS = List.of("--add-modules", "jdk.incubator.vector",
      "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-DRUST_FLAVOR=cpu");

  private static final int START_SECONDS = 120;
  private static final int STOP_SECONDS = 60;

  private final Process process;
  private final List<String> command;
  private final Tail tail;
  private final int port;
  private int exitStatus = Integer.MIN_VALUE;

  private ServerProcess(Process process, List<String> command, Tail tail, int port) {
    this.process = process;
    this.command = List.copyOf(command);
    this.tail = tail;
    this.port = port;
  }

  /**
   * Starts the server on a copy of {@code jar} in {@code workDir}, with a fresh data directory
   * there, and waits (at most two minutes) for its listening line.
   */
  static ServerProcess start(Path jar, List<String> javaOptions, Path workDir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("server jar " + jar + " does not exist: build it with 'bin/vecstore build' "
          + "(or 'mvn -pl http -am package -DskipTests'), or pass --server-jar");
    }
    Path copy = workDir.resolve("vecstore.jar");
    Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
    Path data = Files.createDirectories(workDir.resolve("server-data"));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(LAUNCHER_FLAGS);
    command.addAll(javaOptions);
    command.addAll(List.of("-jar", copy.toString(), "serve", "--data", data.toString(), "--host", "127.0.0.1",
        "--port", "0", "--grpc-port", "0"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // Without an admin key the server has no authentication, which this loopback bench wants; an
    // inherited key would turn every request into a 401.
    pb.environment().remove("VECSTORE_ADMIN_KEY");
    Process process = pb.start();
    Tail tail = new Tail();
    PrintWriter log = new PrintWriter(Files.newBufferedWriter(workDir.resolve("server.log"), StandardCharsets.UTF_8), true);
    CompletableFuture<Integer> port = ServerOutput.follow(process, "bench-server-log", line -> {
      log.println(line);
      tail.add(line);
    }, log);
    try {
      return new ServerProcess(process, command, tail, port.get(START_SECONDS, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      throw new IllegalStateException("the server did not log 'listening on http://127.0.0.1:PORT' within " + START_SECONDS
          + " s (" + (process.isAlive() ? "still running" : "exit status " + process.exitValue()) + "); command: "
          + String.join(" ", command) + "\nlast lines:\n" + tail, e);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  List<String> command() {
    return command;
  }

  /** The last lines the server wrote, for error messages. */
  String lastLines() {
    return tail.toString();
  }

  /** Fails with the server's last lines when the process is gone. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the server process exited with status " + process.exitValue() + "; last lines:\n" + tail);
    }
  }

  /** The exit status after {@link #close}: 0 for a clean shutdown (Integer.MIN_VALUE before close). */
  int exitStatus() {
    return exitStatus;
  }

  /** SIGTERM, then waits for the clean shutdown; kills the process if it takes over a minute. Idempotent. */
  @Override
  public void close() throws InterruptedException {
    if (exitStatus != Integer.MIN_VALUE) {
      return;
    }
    process.destroy(); // SIGTERM on Linux: the server's shutdown hook commits and exits 0
    if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
      System.out.println("the server did not stop within " + STOP_SECONDS + " s of SIGTERM: killing it");
      process.destroyForcibly();
      process.waitFor(STOP_SECONDS, TimeUnit.SECONDS);
    }
    exitStatus = process.isAlive() ? -1 : process.exitValue();
  }

  /** The last lines of output. Thread-safe. */
  private static final class Tail {
    private static final int LINES = 40;
    private final Deque<String> lines = new ArrayDeque<>();

    synchronized void add(String line) {
      lines.addLast(line);
      if (lines.size() > LINES) {
        lines.removeFirst();
      }
    }

    @Override
    public synchronized String toString() {
      return String.join("\n", lines);
    }
  }
}
