package io.vecstore.bench.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vecstore.core.NoCallHome;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VecStore opens no connection off the machine: the bench's embedding path (DJL's tokenizer under
 * langchain4j) and the server (REST and gRPC, text namespaces with both server-side embedding
 * models) run under {@code strace -f -e trace=connect}, and any
 * connect to an address other than loopback, a Unix socket or netlink fails the test with the
 * address, the thread's name and its Java stack when it can be found.
 *
 * <p>Neither traced JVM gets the opt-out flags on its command line: the code must set them itself.
 * The checker's failure path is tested on recorded strace lines only; nothing here ever tries to
 * reach an address off loopback.
 *
 * <p>strace missing: skipped, unless {@code VECSTORE_REQUIRE_STRACE=1} (set by {@code .ci/run} and
 * {@code bin/vecstore test}, which install it) makes that a failure.
 */
class NoOutboundConnectionTest {

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  // --- the checker, on recorded lines ----------------------------------------------------------

  @Test
  void flagsTheCloudMetadataProbe() {
    ConnectTrace.Attempt a = ConnectTrace.outbound(
        "4711  connect(42, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"169.254.169.254\")}, 16) = -1 ENETUNREACH (Network is unreachable)");
    assertEquals(new ConnectTrace.Attempt(4711, "AF_INET", "169.254.169.254", 80, a.line()), a);
    assertTrue(a.toString().contains("169.254.169.254:80 from thread 4711"), a.toString());
  }

  @Test
  void flagsNameLookupsPublicIpv6AndUnfinishedCalls() {
    List<String> lines = List.of(
        "100  connect(7, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"10.0.0.2\")}, 16) = 0",
        "101  connect(9, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"2600:1f18::1\", &sin6_addr), sin6_scope_id=0}, 28 <unfinished ...>",
        "101  <... connect resumed>) = -1 ENETUNREACH (Network is unreachable)",
        "[pid   102] connect(3, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::ffff:52.94.1.1\", &sin6_addr), sin6_scope_id=0}, 28) = 0",
        "103  connect(5, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL)}, 20) = 0",
        "104  connect(5, 0x7ffd1234, 16) = -1 EFAULT (Bad address)");
    List<ConnectTrace.Attempt> found = ConnectTrace.outbound(lines);
    assertEquals(List.of("10.0.0.2", "2600:1f18::1", "::ffff:52.94.1.1", "unreadable address", "unreadable address"),
        found.stream().map(ConnectTrace.Attempt::address).toList());
    assertEquals(List.of(100L, 101L, 102L, 103L, 104L), found.stream().map(ConnectTrace.Attempt::tid).toList());
  }

  @Test
  void letsLocalConnectionsPass() {
    List<String> lines = List.of(
        "5735  connect(4, {sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}, 110) = -1 ENOENT (No such file or directory)",
        "5798  connect(5, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 EINPROGRESS",
        "5799  connect(5, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.45.0.9\")}, 16) = 0",
        "5802  connect(5, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0",
        "5803  connect(5, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::ffff:127.0.0.1\", &sin6_addr), sin6_scope_id=0}, 28) = 0",
        "5804  connect(6, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0",
        "5805  connect(6, {sa_family=AF_UNSPEC, sa_data=\"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"}, 16) = 0",
        "5741  +++ exited with 0 +++",
        "5735  --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---");
    assertEquals(List.of(), ConnectTrace.outbound(lines));
    assertNull(ConnectTrace.outbound("5806  connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"));
  }

  @Test
  void findsTheJavaStackOfTheConnectingThread() {
    String dump = """
        2026-12-06 02:00:00
        Full thread dump OpenJDK 64-Bit Server VM (25.0.3+9-LTS mixed mode, sharing):

        "main" #1 [4700] prio=5 os_prio=0 cpu=812.10ms elapsed=2.31s tid=0x00007f nid=4700 waiting on condition  [0x00007f]
           java.lang.Thread.State: TIMED_WAITING (sleeping)
        \tat java.lang.Thread.sleep0(java.base@25.0.3/Native Method)

        "djl-telemetry" #31 [4711] daemon prio=5 os_prio=0 cpu=3.20ms elapsed=1.02s tid=0x00007e nid=4711 runnable  [0x00007e]
           java.lang.Thread.State: RUNNABLE
        \tat sun.nio.ch.Net.connect0(java.base@25.0.3/Native Method)
        \tat ai.djl.util.Ec2Utils.readMetadata(Ec2Utils.java:90)
        """;
    String section = ThreadDumps.threadWithNativeId(dump, 4711);
    assertTrue(section.startsWith("\"djl-telemetry\"") && section.contains("Ec2Utils.readMetadata"), section);
    assertEquals("", ThreadDumps.threadWithNativeId(dump, 4712));
    assertTrue(ThreadDumps.threadWithNativeId("\"old\" #2 prio=5 tid=0x1 nid=0x1267 runnable\n\tat X.y(X.java:1)", 4711).startsWith("\"old\""));
  }

  // --- the launcher passes the same opt-outs as the code ---------------------------------------

  @Test
  void launcherPassesEveryNoCallHomeProperty() throws IOException {
    String launcher = Files.readString(ROOT.resolve("bin/vecstore"));
    Matcher flags = Pattern.compile("(?s)JVM_FLAGS=\\((.*?)\\)").matcher(launcher);
    assertTrue(flags.find(), "JVM_FLAGS=(…) in bin/vecstore");
    for (Map.Entry<String, String> p : NoCallHome.SYSTEM_PROPERTIES.entrySet()) {
      String flag = "-D" + p.getKey() + "=" + p.getValue();
      assertTrue(flags.group(1).contains(flag), "bin/vecstore's JVM_FLAGS lack " + flag + ": " + flags.group(1));
    }
  }

  // --- the real thing under strace ---------------------------------------------------------------

  @Test
  void embeddingPathOpensNoOutboundConnection() throws Exception {
    requireStrace();
    List<String> cmd = javaCommand();
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vecstore.bench.dataset.Embedder",
        "a vector database for many tenants", "Lucene indexes text and vectors", "the quick brown fox"));
    try (TracedProcess p = TracedProcess.start(dir.resolve("embed.trace"), cmd)) {
      p.awaitOutput(l -> l.equals("embedded 3 texts"), Duration.ofMinutes(3));
      assertNoOutbound(p, "the embedding path");
      p.stdin().close();
      assertEquals(0, p.waitFor(Duration.ofMinutes(1)), p.output());
      assertNoOutbound(p, "the embedding path, at exit");
    }
  }

  @Test
  void serverOpensNoOutboundConnection() throws Exception {
    requireStrace();
    Path jar = ROOT.resolve("server/target/vecstore.jar");
    assertTrue(Files.isRegularFile(jar), "the server jar is built before the bench module's tests: " + jar);
    int grpcPort = freePort();
    List<String> cmd = javaCommand();
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--data", dir.resolve("data").toString(),
        "--port", "0", "--grpc-port", Integer.toString(grpcPort)));
    try (TracedProcess p = TracedProcess.start(dir.resolve("server.trace"), cmd)) {
      Matcher listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)")
          .matcher(p.awaitOutput(l -> l.contains("VecStore listening on http://"), Duration.ofMinutes(2)));
      assertTrue(listening.find());
      p.awaitOutput(l -> l.contains("gRPC listening"), Duration.ofMinutes(1));
      exerciseRest(listening.group(1));
      exerciseGrpc(grpcPort);
      assertNoOutbound(p, "the server");
      p.traced().orElseThrow().destroy(); // SIGTERM: the shutdown commits every namespace
      assertEquals(0, p.waitFor(Duration.ofMinutes(1)), p.output());
      assertNoOutbound(p, "the server, through shutdown");
    }
  }

  private static void exerciseRest(String base) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<String[]> calls = new ArrayList<>();
    calls.add(new String[] {"GET", "/health", null});
    calls.add(new String[] {"GET", "/ready", null});
    calls.add(new String[] {"POST", "/admin/namespaces", "{\"id\":\"t1\",\"name\":\"T1\"}"});
    calls.add(new String[] {"POST", "/v1/namespaces/t1/vectors",
        "{\"vectors\":[{\"id\":\"a\",\"values\":[0.1,0.2,0.3],\"metadata\":{\"tag\":\"x\"}},{\"id\":\"b\",\"values\":[0.3,0.2,0.1]}]}"});
    calls.add(new String[] {"POST", "/v1/namespaces/t1/query", "{\"vector\":[0.1,0.2,0.3],\"k\":2,\"filter\":\"tag = 'x'\"}"});
    calls.add(new String[] {"GET", "/v1/namespaces/t1/vectors/a", null});
    calls.add(new String[] {"POST", "/admin/namespaces/t1/snapshots", "{\"name\":\"s1\"}"});
    calls.add(new String[] {"GET", "/admin/namespaces/t1/stats", null});
    calls.add(new String[] {"GET", "/admin/stats", null});
    calls.add(new String[] {"GET", "/admin/usage", null});
    calls.add(new String[] {"GET", "/metrics", null});
    calls.add(new String[] {"GET", "/ui/", null});
    calls.add(new String[] {"DELETE", "/v1/namespaces/t1/vectors/b", null});
    // The server's embedding path: both models load (and their tokenizers with them) and run.
    for (String model : List.of("all-minilm-l6-v2", "bge-small-en-v1.5")) {
      String ns = "text-" + model.replace('.', '-');
      calls.add(new String[] {"POST", "/admin/namespaces",
          "{\"id\":\"" + ns + "\",\"text\":{\"analyzer\":\"english\"},\"embedding\":{\"model\":\"" + model + "\"}}"});
      calls.add(new String[] {"POST", "/v1/namespaces/" + ns + "/vectors",
          "{\"vectors\":[{\"id\":\"a\",\"text\":\"a vector database for many tenants\"},{\"id\":\"b\",\"text\":\"the quick brown fox\"}]}"});
      calls.add(new String[] {"POST", "/v1/namespaces/" + ns + "/query", "{\"text\":\"tenant databases\",\"k\":2}"});
    }
    for (String[] c : calls) {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + c[1])).timeout(Duration.ofSeconds(30));
      r = c[2] == null ? r.method(c[0], HttpRequest.BodyPublishers.noBody())
          : r.header("Content-Type", "application/json").method(c[0], HttpRequest.BodyPublishers.ofString(c[2]));
      HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(response.statusCode() < 300, c[0] + " " + c[1] + " -> " + response.statusCode() + " " + response.body());
    }
  }

  private static void exerciseGrpc(int port) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      var results = VecStoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .query(QueryRequest.newBuilder().setNamespace("t1").addVector(0.1f).addVector(0.2f).addVector(0.3f).setK(1).build());
      assertEquals("a", results.getResults(0).getId());
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void assertNoOutbound(TracedProcess p, String what) throws IOException {
    List<ConnectTrace.Attempt> attempts = p.outbound();
    if (!attempts.isEmpty()) {
      throw new AssertionError(what + " tried to connect off the machine:\n" + p.explain(attempts));
    }
  }

  /** This JVM's java with the server's module flags, but none of the opt-out properties. */
  private static List<String> javaCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void requireStrace() {
    if ("1".equals(System.getenv("VECSTORE_REQUIRE_STRACE"))) {
      assertTrue(TracedProcess.available(), "strace is required (VECSTORE_REQUIRE_STRACE=1) but cannot trace here");
    } else {
      Assumptions.assumeTrue(TracedProcess.available(), "strace is not installed or cannot trace; install Debian's strace");
    }
  }
}
