package io.vecstore.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalZooKeeperTest {

  @Test
  void servesClientsOnLoopbackAndStops(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path data = dir.resolve("zk-data");
    try (LocalZooKeeper zooKeeper = new LocalZooKeeper(port, data)) {
      zooKeeper.start(Duration.ofSeconds(20));
      try (CuratorFramework client = CuratorFrameworkFactory.newClient("127.0.0.1:" + port, 5000, 5000, new RetryOneTime(100))) {
        client.start();
        assertTrue(client.blockUntilConnected(5, java.util.concurrent.TimeUnit.SECONDS));
        client.create().forPath("/hello", new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, client.getData().forPath("/hello"));
      }
      assertTrue(Files.isDirectory(data.resolve("version-2")), "transaction logs in the data directory");
    }
    try (Socket socket = new Socket()) {
      assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", port), 500), "stopped");
    }
  }

  @Test
  void rejectsABadPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalZooKeeper(0, Path.of("x")));
    assertEquals("port must be in 1..65535, got: 0", e.getMessage());
  }
}
