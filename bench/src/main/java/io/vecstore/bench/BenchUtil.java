package io.vecstore.bench;

import java.util.Arrays;
import java.util.List;

/** Small helpers every benchmark program needs: flags, percentiles, JSON vectors. Stateless. */
public final class BenchUtil {

  private BenchUtil() {}

  /** The value after {@code name} in {@code args}, or {@code fallback} when the flag is absent. */
  public static String flag(List<String> args, String name, String fallback) {
    int i = args.indexOf(name);
    if (i < 0) {
      return fallback;
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args.get(i + 1);
  }

  /** Nearest-rank percentile {@code p} (0–100) of unsorted values. */
  public static double pct(double[] values, int p) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  /** A JSON array of the floats, shortest round-trip decimal form. */
  public static String json(float[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(v[i]);
    }
    return sb.append(']').toString();
  }

  /** The share of the true top {@code k} (fewer when fewer vectors match) found in {@code ids}. */
  public static double recall(int[] ids, int[] truth, int k) {
    int expected = Math.min(k, truth.length);
    if (expected == 0) {
      return 1.0;
    }
    int found = 0;
    for (int i = 0; i < expected; i++) {
      for (int id : ids) {
        if (id == truth[i]) {
          found++;
          break;
        }
      }
    }
    return (double) found / expected;
  }

  /** The ids of a query reply, in order: a scan for {@code "id":"…"}, enough for replies without metadata. */
  public static int[] replyIds(String reply, int k) {
    int[] ids = new int[k];
    int n = 0;
    int at = 0;
    while (n < k && (at = reply.indexOf("\"id\":\"", at)) >= 0) {
      at += 6;
      int end = reply.indexOf('"', at);
      ids[n++] = Integer.parseInt(reply, at, end, 10);
      at = end;
    }
    return java.util.Arrays.copyOf(ids, n);
  }
}
