package io.vecstore.bench.querypath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine other work used while the bench ran: the machine's busy CPU time
 * ({@code /proc/stat}, hypervisor steal included) minus that of this process tree (this JVM, its
 * reaped children such as wrk and the stopped server, and running children named when sampling).
 * A load average cannot tell: the bench's own threads and the server raise it too.
 *
 * <p>Linux only; elsewhere every sample is empty and the share unknown. Immutable samples; static
 * methods; thread-safe.
 */
public final class CpuShare {

  /** A point in time: the machine's busy and total CPU ticks, and this process tree's ticks. */
  public record Sample(long busy, long total, long own) {
    static final Sample NONE = new Sample(-1, -1, -1);
  }

  private CpuShare() {}

  /** Samples now; {@code livePids} are running children whose CPU time is not yet in this process's children's time. */
  public static Sample sample(long... livePids) {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst();
      String[] f = cpu.strip().split("\\s+"); // cpu user nice system idle iowait irq softirq steal guest guest_nice
      long busy = 0;
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i != 4 && i != 5) { // idle and iowait are not work
          busy += v;
        }
      }
      long own = processTicks(Path.of("/proc/self/stat"), true);
      for (long pid : livePids) {
        own += processTicks(Path.of("/proc/" + pid + "/stat"), false);
      }
      return new Sample(busy, total, own);
    } catch (IOException | RuntimeException e) {
      return Sample.NONE;
    }
  }

  /** utime + stime (+ cutime + cstime of reaped children), in clock ticks. */
  private static long processTicks(Path stat, boolean withChildren) throws IOException {
    String s = Files.readString(stat);
    // fields after the command name, which is in parentheses and may hold spaces: state is field 3
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15
    if (withChildren) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16, 17
    }
    return ticks;
  }

  /** The share (0..1) of the machine's CPU capacity between two samples that others used, or NaN when unknown. */
  public static double othersShare(Sample from, Sample to) {
    if (from.total() < 0 || to.total() <= from.total()) {
      return Double.NaN;
    }
    long others = (to.busy() - from.busy()) - (to.own() - from.own());
    return Math.max(0, (double) others / (to.total() - from.total()));
  }
}
