package io.vecstore.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * A single ZooKeeper server on 127.0.0.1 for trying cluster mode on one machine, run with
 * ZooKeeper's own server classes ({@link ZooKeeperServerMain}, {@link ServerConfig}). Its admin
 * (HTTP) server is off. Not for production: one server has no replicas.
 *
 * <pre>java -cp … io.vecstore.cluster.LocalZooKeeper --port 2181 --data ./zk-data</pre>
 *
 * <p>Prints {@code ZooKeeper listening on 127.0.0.1:PORT} once it accepts connections and stops
 * on SIGTERM (or Ctrl-C). As a class: {@link #start} then {@link #close}; thread-safe; whoever
 * starts it closes it. ZooKeeper reads the admin-server switch from a system property only:
 * {@link #main} sets {@code zookeeper.admin.enableServer=false}; a program that embeds this class
 * with Jetty on its class path must set it in its own main.
 */
public final class LocalZooKeeper implements AutoCloseable {

  private final int port;
  private final Path dataDir;
  private final Server server = new Server();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread thread;

  /**
   * @param port the client port on 127.0.0.1 (1..65535)
   * @param dataDir where snapshots and transaction logs go; created if missing
   */
  public LocalZooKeeper(int port, Path dataDir) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got: " + port);
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir must not be null, got: null");
    }
    this.port = port;
    this.dataDir = dataDir;
  }

  public static void main(String[] args) throws Exception {
    int port = 2181;
    Path data = Path.of("zk-data");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--data" -> data = Path.of(value(args, ++i, "--data"));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: --port 2181 --data ./zk-data");
      }
    }
    // The admin server is an HTTP endpoint on port 8080 by default: not wanted here.
    System.setProperty("zookeeper.admin.enableServer", "false");
    LocalZooKeeper zooKeeper = new LocalZooKeeper(port, data);
    Runtime.getRuntime().addShutdownHook(new Thread(zooKeeper::close, "vecstore-zookeeper-shutdown"));
    zooKeeper.start(Duration.ofSeconds(30));
    System.out.println("ZooKeeper listening on 127.0.0.1:" + port);
    zooKeeper.thread.join();
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  /** Starts the server and waits until it accepts connections. */
  public synchronized void start(Duration timeout) throws Exception {
    if (thread != null) {
      throw new IllegalStateException("already started on 127.0.0.1:" + port);
    }
    Files.createDirectories(dataDir);
    Properties properties = new Properties();
    properties.setProperty("dataDir", dataDir.toAbsolutePath().toString());
    properties.setProperty("clientPortAddress", "127.0.0.1");
    properties.setProperty("clientPort", Integer.toString(port));
    properties.setProperty("tickTime", "2000");
    properties.setProperty("maxSessionTimeout", "60000");
    QuorumPeerConfig peerConfig = new QuorumPeerConfig();
    peerConfig.parseProperties(properties);
    ServerConfig config = new ServerConfig();
    config.readFrom(peerConfig);
    thread = new Thread(() -> {
      try {
        server.runFromConfig(config);
      } catch (Throwable e) {
        failure.set(e);
        server.started.countDown();
      }
    }, "vecstore-zookeeper");
    thread.start();
    if (!server.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new IOException("ZooKeeper did not start on 127.0.0.1:" + port + " within " + timeout);
    }
    if (failure.get() != null) {
      throw new IOException("ZooKeeper could not start on 127.0.0.1:" + port, failure.get());
    }
    awaitListening(timeout);
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("ZooKeeper is not listening on 127.0.0.1:" + port, e);
        }
        Thread.sleep(50);
      }
    }
  }

  public int port() {
    return port;
  }

  /** Stops the server. Idempotent. */
  @Override
  public synchronized void close() {
    if (thread == null) {
      return;
    }
    server.shutdownNow();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Exposes the start signal and the shutdown of ZooKeeper's standalone server. */
  private static final class Server extends ZooKeeperServerMain {
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    protected void serverStarted() {
      super.serverStarted();
      started.countDown();
    }

    void shutdownNow() {
      shutdown();
    }
  }
}
