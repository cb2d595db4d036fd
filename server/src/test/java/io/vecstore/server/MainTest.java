package io.vecstore.server;

import io.vecstore.http.ServerConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.wal.Durability;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags, defaults and the refusal to expose a server without a key. */
class MainTest {

  @TempDir Path dir;

  private static ServerConfig parse(String... args) {
    return Main.parseServe(new ArrayDeque<>(List.of(args)));
  }

  @Test
  void defaultsAreLoopbackPort8080AndDataDirectory() {
    ServerConfig c = parse();
    assertEquals("127.0.0.1", c.host());
    assertEquals(8080, c.port());
    assertEquals(Path.of("data"), c.dataDir());
    assertEquals(Durability.REQUEST, c.durability());
  }

  @Test
  void refusesANonLoopbackAddressWithoutAnAdminKey() {
    assumeNoAdminKeyInEnvironment();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--host", "0.0.0.0"));
    assertTrue(e.getMessage().startsWith("Refusing to listen on 0.0.0.0 without an admin key"), e.getMessage());
  }

  @Test
  void adminKeyFileOpensNonLoopbackAndIsNeverPrinted() throws Exception {
    Path keyFile = dir.resolve("admin.key");
    Files.writeString(keyFile, "  a-long-enough-admin-key-123\n");
    ServerConfig c = parse("--host", "0.0.0.0", "--admin-key-file", keyFile.toString(), "--durability", "async");
    assertEquals("a-long-enough-admin-key-123", c.adminKey());
    assertEquals(Durability.ASYNC, c.durability());
    assertTrue(!c.toString().contains("a-long-enough-admin-key-123"));
    Files.writeString(keyFile, "short");
    assertThrows(IllegalArgumentException.class, () -> parse("--admin-key-file", keyFile.toString()));
  }

  @Test
  void badFlagsPrintUsageAndExit2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    int status = Main.run(new String[] {"serve", "--port", "99999"}, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--port must be an integer between 0 and 65535, got: 99999"));
    assertEquals(2, Main.run(new String[] {"serve", "--colour"}, out, out));
    assertEquals(2, Main.run(new String[] {"serve", "--deletion-grace-hours", "-1"}, out, out));
    assertEquals(2, Main.run(new String[] {"serve", "--durability", "sometimes"}, out, out));
    assertEquals(java.time.Duration.ofHours(2), parse("--deletion-grace-hours", "2").deletionGrace());
    assertEquals(0, Main.run(new String[] {"--help"}, out, out));
    assertNull(parse("--help"));
  }

  @Test
  void aPlansFileAddsPlansAndABadOneStopsTheServerNamingPlanFieldAndValue() throws Exception {
    Path plans = dir.resolve("plans.json");
    Files.writeString(plans, "{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":10000},\"ceilings\":{\"max_vectors\":20000}}}}");
    ServerConfig c = parse("--plans", plans.toString());
    assertEquals(List.of("free", "pro", "unlimited", "starter"), c.plans().all().stream().map(p -> p.name()).toList());
    assertEquals(20_000L, c.managerConfig().plans().get("starter").ceilings().maxVectors());

    Files.writeString(plans, "{\"plans\":{\"starter\":{\"quotas\":{\"max_vectors\":10000},\"ceilings\":{\"max_vectors\":5000}}}}");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, Main.run(new String[] {"serve", "--plans", plans.toString()}, out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("--plans " + plans + ": plan starter: ceilings.max_vectors must be "
        + "at least the plan's own max_vectors (10000), got: 5000"), err.toString(StandardCharsets.UTF_8));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> parse("--plans", dir.resolve("nope.json").toString()));
    assertTrue(missing.getMessage().startsWith("--plans " + dir.resolve("nope.json") + " cannot be read"), missing.getMessage());
    Files.writeString(plans, "{\"plans\":");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("--plans", plans.toString())).getMessage()
        .startsWith("--plans " + plans + ": not valid JSON"));
    assertEquals(List.of("free", "pro", "unlimited"), parse().plans().all().stream().map(p -> p.name()).toList());
  }

  private static void assumeNoAdminKeyInEnvironment() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("VECSTORE_ADMIN_KEY") == null,
        "VECSTORE_ADMIN_KEY is set in this environment");
  }
}
