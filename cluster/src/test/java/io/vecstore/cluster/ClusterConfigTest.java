package io.vecstore.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static final URI URL = URI.create("http://node-1.example:8080");

  @Test
  void hasTheDocumentedDefaults() {
    ClusterConfig config = ClusterConfig.of("zk1:2181,zk2:2181", "node-1", URL);
    assertEquals(Duration.ofSeconds(15), config.sessionTimeout());
    assertEquals(Duration.ofSeconds(5), config.connectionTimeout());
    assertEquals("/vecstore", config.rootPath());
    assertEquals(Duration.ofSeconds(2), config.loadPublishInterval());
    assertEquals(Duration.ofSeconds(30), config.balanceInterval());
    assertNull(config.grpcAddress());
    assertEquals("node-1:9090", config.withGrpcAddress("node-1:9090").grpcAddress());
  }

  @Test
  void rejectsBadValuesNamingTheValue() {
    assertMessage("nodeId must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got: '-x'",
        () -> ClusterConfig.of("zk:2181", "-x", URL));
    assertMessage("nodeId must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got: '" + "n".repeat(65) + "'",
        () -> ClusterConfig.of("zk:2181", "n".repeat(65), URL));
    assertMessage("connectString must be host:port[,host:port…], got: 'zk'", () -> ClusterConfig.of("zk", "n1", URL));
    assertMessage("advertiseUrl must be an http(s) base URL like http://host:8080 (no query, fragment or user), got: 'ftp://h/'",
        () -> ClusterConfig.of("zk:2181", "n1", URI.create("ftp://h/")));
    assertMessage("advertiseUrl must be an http(s) base URL like http://host:8080 (no query, fragment or user), got: null",
        () -> ClusterConfig.of("zk:2181", "n1", null));
    assertMessage("grpcAddress must be host:port, got: 'h'",
        () -> ClusterConfig.of("zk:2181", "n1", URL).withGrpcAddress("h"));
    assertMessage("sessionTimeout must be a positive duration, got: PT0S",
        () -> ClusterConfig.of("zk:2181", "n1", URL).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
    assertMessage("rootPath must be an absolute znode path like /vecstore (no trailing slash, not under /zookeeper), got: 'vecstore/'",
        () -> ClusterConfig.of("zk:2181", "n1", URL).withRootPath("vecstore/"));
  }

  @Test
  void recordsValidateTheirFields() {
    assertMessage("epoch must be at least 1, got: 0", () -> new Placement("ns", "a", 0, Placement.State.OWNED, null));
    assertMessage("target must differ from owner, got: 'a'",
        () -> new Placement("ns", "a", 1, Placement.State.MOVING, "a"));
    assertMessage("target must be null unless moving, got: 'b'", () -> new Placement("ns", "a", 1, Placement.State.OWNED, "b"));
    assertMessage("vectors must be at least 0, got: -1", () -> new NamespaceLoad(-1, 0));
    assertMessage("to must differ from from, got: 'a'", () -> new Move("ns", "a", "a", 1));
    assertMessage("retryAfterSeconds must be at least 1, got: 0", () -> new FenceResult.NotOwner(null, 0));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
  }
}
