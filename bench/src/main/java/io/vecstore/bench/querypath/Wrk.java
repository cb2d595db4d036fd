package io.vecstore.bench.querypath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The out-of-process load client: Debian's {@code wrk} (C, epoll, one connection per thread
 * here), installed with apt-get when missing. A client in the server's JVM, or in the bench's on
 * the same 2 cores, would charge its own cost to the server; wrk's is a few microseconds per
 * request.
 *
 * <p>Static methods only; thread-safe (each call runs its own process).
 */
public final class Wrk {

  /** Debian's package and command name. */
  static final String PACKAGE = "wrk";

  /**
   * One round's figures.
   *
   * @param latency what the report uses: mean = time per request (connections ÷ requests/s, from
   *     wrk's counters); p50, p99 and max from wrk's latency distribution, which wrk corrects for
   *     coordinated omission (for every stall it adds the samples a fixed-rate client would have
   *     seen, so one 30 ms pause weighs like hundreds of slow requests)
   * @param wrkMeanUs wrk's own mean, of that corrected distribution
   * @param uncorrected the script's own timing of each request cycle (request() to the next
   *     request() of the same connection), without correction: what each request took
   * @param statusErrors replies with a status above 399 (wrk's own counter)
   * @param non2xxStrict replies whose status is not 2xx, counted by the script's {@code response()} (strict rounds only, else 0)
   * @param socketErrors connect, read and write errors and timeouts
   */
  public record Round(Latency latency, double wrkMeanUs, Latency uncorrected, long statusErrors, long non2xxStrict,
      long socketErrors) {
    /** Every reply that was not a 2xx success, or did not come. */
    public long failures() {
      return statusErrors + non2xxStrict + socketErrors;
    }
  }

  private Wrk() {}

  /** wrk's version line, or null when it cannot be run. */
  public static String version() {
    try {
      Process p = new ProcessBuilder(PACKAGE, "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      String first = out.lines().findFirst().orElse("");
      int copyright = first.indexOf(" Copyright");
      return first.startsWith("wrk ") ? (copyright > 0 ? first.substring(0, copyright) : first) : null;
    } catch (IOException e) {
      return null; // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Installs Debian's wrk when it is missing (idempotent; through sudo when not root): first
   * from the package lists as they are, then after an {@code apt-get update}. Returns its version.
   */
  public static String ensureInstalled() throws IOException, InterruptedException {
    String version = version();
    if (version != null) {
      return version;
    }
    System.out.println("installing the load client: apt-get install -y " + PACKAGE);
    List<String> sudo = "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo");
    List<String> install = concat(sudo, List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE));
    if (apt(install) != 0) {
      int update = apt(concat(sudo, List.of("apt-get", "update", "-q")));
      if (update != 0 || apt(install) != 0) {
        throw new IllegalStateException("could not install Debian's " + PACKAGE + " (" + String.join(" ", install)
            + " failed); install it by hand");
      }
    }
    version = version();
    if (version == null) {
      throw new IllegalStateException(PACKAGE + " was installed but '" + PACKAGE + " -v' does not run");
    }
    return version;
  }

  private static int apt(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    return pb.start().waitFor();
  }

  /**
   * One round: {@code wrk -t C -c C -d Ns --latency} with the script against {@code url};
   * {@code strict} makes the script count every non-2xx reply (see {@link WrkScript}).
   */
  public static Round run(Path script, String url, int connections, int seconds, boolean strict)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PACKAGE, "-t", Integer.toString(connections), "-c",
        Integer.toString(connections), "-d", seconds + "s", "--latency", "--timeout", "10s", "-s", script.toString(), url));
    if (strict) {
      command.addAll(List.of("--", "strict"));
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // wrk's output is a few lines; reading it to the end is also waiting for the process.
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish: " + String.join(" ", command));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("wrk exited with status " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
    }
    return parse(out, command, connections);
  }

  /** Reads the script's {@value WrkScript#MARKER} line of a run with {@code connections} connections. */
  static Round parse(String out, List<String> command, int connections) {
    String line = out.lines().filter(l -> l.startsWith(WrkScript.MARKER + " ")).findFirst().orElseThrow(
        () -> new IllegalStateException("no " + WrkScript.MARKER + " line in the output of " + String.join(" ", command) + ":\n" + out));
    Map<String, String> v = new HashMap<>();
    for (String pair : line.substring(WrkScript.MARKER.length() + 1).strip().split(" ")) {
      int eq = pair.indexOf('=');
      v.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    long requests = Long.parseLong(v.get("requests"));
    long rawCount = Long.parseLong(v.get("raw_count"));
    if (requests < 1 || rawCount < 1) {
      throw new IllegalStateException("wrk completed " + requests + " requests (" + rawCount + " timed by the script): "
          + String.join(" ", command) + "\n" + out);
    }
    double seconds = Long.parseLong(v.get("duration_us")) / 1e6;
    double perSecond = requests / seconds;
    Latency latency = new Latency(connections * 1e6 / perSecond, num(v, "p50_us"), num(v, "p99_us"), num(v, "max_us"),
        perSecond, requests);
    Latency uncorrected = new Latency(num(v, "raw_mean_us"), num(v, "raw_p50_us"), num(v, "raw_p99_us"), num(v, "raw_max_us"),
        perSecond, rawCount);
    long socket = Long.parseLong(v.get("connect_errors")) + Long.parseLong(v.get("read_errors"))
        + Long.parseLong(v.get("write_errors")) + Long.parseLong(v.get("timeouts"));
    return new Round(latency, num(v, "mean_us"), uncorrected, Long.parseLong(v.get("status_errors")),
        Long.parseLong(v.get("non2xx_strict")), socket);
  }

  private static double num(Map<String, String> values, String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalStateException("wrk's result line lacks " + key + ": " + values);
    }
    return Double.parseDouble(v);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
