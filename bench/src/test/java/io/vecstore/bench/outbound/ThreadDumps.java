package io.vecstore.bench.outbound;

import java.util.regex.Pattern;

/** Reads one thread's section out of a {@code jcmd PID Thread.print} dump. Stateless. */
final class ThreadDumps {

  private ThreadDumps() {}

  /**
   * The section of the thread whose native (OS) id is {@code tid}, or "" if none: JDK 19+ prints
   * it as {@code [tid]} and {@code nid=tid}, older JDKs as {@code nid=0x<hex>}.
   */
  static String threadWithNativeId(String dump, long tid) {
    Pattern header = Pattern.compile("\\[" + tid + "\\]|nid=(?:" + tid + "|0x" + Long.toHexString(tid) + ")\\b");
    for (String section : dump.split("\\n\\s*\\n")) {
      String first = section.strip().lines().findFirst().orElse("");
      if (first.startsWith("\"") && header.matcher(first).find()) {
        return section.strip();
      }
    }
    return "";
  }
}
