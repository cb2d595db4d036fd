package io.vecstore.bench.hybrid;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This JVM's CPU use, to wait until it is quiet: the in-process server keeps merging and
 * committing after the last reply to a run of upserts, which would otherwise be charged to
 * whatever is measured next. Static methods only; thread-safe.
 */
final class ProcessCpu {

  /** Length of one observation window. */
  private static final long WINDOW_MILLIS = 50;
  /** Below this many busy cores over a window the process counts as quiet (an idle server ticks, a merge takes a core). */
  private static final double QUIET_CORES = 0.25;

  private ProcessCpu() {}

  /**
   * Waits until one window passes with the process under {@value #QUIET_CORES} busy cores, at most
   * {@code maxSeconds}; returns the seconds before that window began (0 when already quiet).
   */
  static double awaitQuiet(int maxSeconds) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean bean) || bean.getProcessCpuTime() < 0) {
      return 0; // unknown on this JVM: no wait
    }
    long start = System.nanoTime();
    long deadline = start + maxSeconds * 1_000_000_000L;
    while (true) {
      long t0 = System.nanoTime();
      long c0 = bean.getProcessCpuTime();
      try {
        Thread.sleep(WINDOW_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return (t0 - start) / 1e9;
      }
      double cores = (double) (bean.getProcessCpuTime() - c0) / (System.nanoTime() - t0);
      if (cores < QUIET_CORES || System.nanoTime() > deadline) {
        return (t0 - start) / 1e9;
      }
    }
  }
}
