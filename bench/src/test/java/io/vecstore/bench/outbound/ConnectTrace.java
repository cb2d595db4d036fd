package io.vecstore.bench.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code strace -f -e trace=connect -o FILE} and finds every connection
 * attempt that leaves the machine: anything but a loopback address, a Unix socket, netlink (the
 * kernel) or AF_UNSPEC (how a UDP socket is disconnected). It fails closed: a {@code connect} line
 * whose address it cannot read counts as leaving.
 *
 * <p>Thread-safety: stateless; the methods may be called from any thread.
 */
final class ConnectTrace {

  /** One connect attempt that was not to this machine. {@code tid} is the thread (task) id. */
  record Attempt(long tid, String family, String address, int port, String line) {
    @Override
    public String toString() {
      return family + " " + address + (port >= 0 ? ":" + port : "") + " from thread " + tid + "\n  " + line;
    }
  }

  private static final Pattern CONNECT = Pattern.compile("^(?:\\[pid\\s+)?(\\d+)\\]?\\s+connect\\((.*)$");
  private static final Pattern FAMILY = Pattern.compile("sa_family=(AF_[A-Z0-9]+)");
  private static final Pattern INET = Pattern.compile("sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"([^\"]*)\"\\)");
  private static final Pattern INET6 = Pattern.compile("sin6_port=htons\\((\\d+)\\).*inet_pton\\(AF_INET6, \"([^\"]*)\"");

  private ConnectTrace() {}

  /** The attempts in these strace lines that left the machine, in order. */
  static List<Attempt> outbound(List<String> lines) {
    List<Attempt> out = new ArrayList<>();
    for (String line : lines) {
      Attempt a = outbound(line);
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  /** The attempt in one strace line if it left the machine; null for other lines and local ones. */
  static Attempt outbound(String line) {
    Matcher m = CONNECT.matcher(line.strip());
    if (!m.matches()) {
      return null; // another syscall, a signal, an exit, or "<... connect resumed>" (its address was on the first half)
    }
    long tid = Long.parseLong(m.group(1));
    String args = m.group(2);
    Matcher family = FAMILY.matcher(args);
    if (!family.find()) {
      return new Attempt(tid, "unknown", "unreadable address", -1, line);
    }
    return switch (family.group(1)) {
      case "AF_UNIX", "AF_LOCAL", "AF_NETLINK", "AF_UNSPEC" -> null;
      case "AF_INET" -> inet(tid, "AF_INET", INET.matcher(args), line);
      case "AF_INET6" -> inet(tid, "AF_INET6", INET6.matcher(args), line);
      default -> new Attempt(tid, family.group(1), "unreadable address", -1, line);
    };
  }

  private static Attempt inet(long tid, String family, Matcher m, String line) {
    if (!m.find()) {
      return new Attempt(tid, family, "unreadable address", -1, line);
    }
    String address = m.group(2);
    return isLoopback(address) ? null : new Attempt(tid, family, address, Integer.parseInt(m.group(1)), line);
  }

  /** 127.0.0.0/8, ::1, and IPv4-mapped 127.x; written as strace prints them (no name lookups). */
  static boolean isLoopback(String address) {
    String a = address.toLowerCase(java.util.Locale.ROOT);
    if (a.startsWith("::ffff:")) {
      a = a.substring("::ffff:".length());
    }
    return a.equals("::1") || a.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
