package io.vecstore.bench.outbound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command run under {@code strace -f -e trace=connect}: every connect of every thread and child
 * goes to a trace file, which {@link #outbound()} checks. {@link #explain} adds, for a bad attempt,
 * the thread's name and, while the JVM still runs, its Java stack (from {@code jcmd Thread.print}).
 *
 * <p>Thread-safety: one test thread uses it; its output reader is its own named thread. Closing
 * kills the process if it still runs.
 */
final class TracedProcess implements AutoCloseable {

  private final Process strace;
  private final Path trace;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private TracedProcess(Process strace, Path trace) {
    this.strace = strace;
    this.trace = trace;
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(strace.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "traced-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static TracedProcess start(Path trace, List<String> command) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=connect", "-o", trace.toString()));
    cmd.addAll(command);
    return new TracedProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), trace);
  }

  /** Whether strace can trace here (it is installed and ptrace is allowed). */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=connect", "-o", "/dev/null", "true")
          .redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until a line of the command's output (stdout and stderr) matches. */
  String awaitOutput(Predicate<String> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (output) {
        for (String line : output) {
          if (match.test(line)) {
            return line;
          }
        }
      }
      if (!strace.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no expected output line within " + timeout + "; output:\n" + output());
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** The traced program's process (strace's child), once it has started. */
  Optional<ProcessHandle> traced() {
    return strace.toHandle().children().findFirst();
  }

  OutputStream stdin() {
    return strace.getOutputStream();
  }

  /** Connect attempts so far that left the machine. */
  List<ConnectTrace.Attempt> outbound() throws IOException {
    return ConnectTrace.outbound(Files.exists(trace) ? Files.readAllLines(trace) : List.of());
  }

  /** The attempts with each thread's name and, if the JVM still runs, its Java stack. */
  String explain(List<ConnectTrace.Attempt> attempts) {
    StringBuilder out = new StringBuilder();
    Optional<ProcessHandle> jvm = traced();
    String threadDump = jvm.filter(ProcessHandle::isAlive).map(h -> threadDump(h.pid())).orElse("");
    for (ConnectTrace.Attempt a : attempts) {
      out.append("outbound connect: ").append(a).append('\n');
      jvm.map(h -> threadName(h.pid(), a.tid())).ifPresent(n -> out.append("  thread name: ").append(n).append('\n'));
      String stack = ThreadDumps.threadWithNativeId(threadDump, a.tid());
      out.append(stack.isEmpty() ? "  Java stack: not found (the thread ended, or the JVM has exited)\n" : stack.indent(2));
    }
    return out.toString();
  }

  private static String threadName(long pid, long tid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "comm")).strip();
    } catch (IOException e) {
      return "(thread " + tid + " has ended)";
    }
  }

  private static String threadDump(long pid) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
      String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return dump;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Waits for the process (strace exits with its child). */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!strace.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process did not exit within " + timeout + "; output:\n" + output());
    }
    return strace.exitValue();
  }

  @Override
  public void close() {
    traced().ifPresent(ProcessHandle::destroyForcibly);
    strace.destroyForcibly();
  }
}
