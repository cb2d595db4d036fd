package io.vecstore.http;

import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.wal.Durability;
import io.vecstore.http.pinecone.PineconeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the HTTP server runs, built by {@link Main} from flags.
 *
 * @param maxBodyBytes largest request body; larger ones get 413
 * @param adminKey the key that opens every route, or null for no authentication (loopback only)
 * @param metricsPublic whether /metrics needs no key even when an admin key is set
 * @param deletionGrace how long pending_deletion lasts before the namespace is deleted
 * @param grpcPort port of the gRPC services (same host), 0 for none
 * @param pinecone how the Pinecone-compatible routes present this server
 * @param plans the plans namespaces may be on: the built-in ones and those of {@code --plans}
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    long maxBodyBytes,
    Durability durability,
    Duration asyncFsyncInterval,
    String adminKey,
    boolean metricsPublic,
    Duration deletionGrace,
    int grpcPort,
    PineconeConfig pinecone,
    Plans plans) {

  /** Shortest admin key accepted: shorter ones are guessable. */
  public static final int MIN_ADMIN_KEY_LENGTH = 16;

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;
  /** gRPC's customary port; {@code --grpc-port 0} turns gRPC off. */
  public static final int DEFAULT_GRPC_PORT = 50051;

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got: " + port);
    }
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(deletionGrace, "deletionGrace");
    Objects.requireNonNull(asyncFsyncInterval, "asyncFsyncInterval");
    if (adminKey != null && adminKey.length() < MIN_ADMIN_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "the admin key must be at least " + MIN_ADMIN_KEY_LENGTH + " characters, got: " + adminKey.length());
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got: " + maxBodyBytes);
    }
    if (grpcPort < 0 || grpcPort > 65535) {
      throw new IllegalArgumentException("grpcPort must be between 0 and 65535, got: " + grpcPort);
    }
    Objects.requireNonNull(pinecone, "pinecone");
    Objects.requireNonNull(plans, "plans");
  }

  /** With the built-in plans only. */
  public ServerConfig(String host, int port, Path dataDir, long maxBodyBytes, Durability durability,
      Duration asyncFsyncInterval, String adminKey, boolean metricsPublic, Duration deletionGrace, int grpcPort,
      PineconeConfig pinecone) {
    this(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace,
        grpcPort, pinecone, Plans.builtIn());
  }

  /** With the default Pinecone presentation. */
  public ServerConfig(String host, int port, Path dataDir, long maxBodyBytes, Durability durability,
      Duration asyncFsyncInterval, String adminKey, boolean metricsPublic, Duration deletionGrace, int grpcPort) {
    this(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace,
        grpcPort, PineconeConfig.DEFAULT);
  }

  /** Without a gRPC port: the default one. */
  public ServerConfig(String host, int port, Path dataDir, long maxBodyBytes, Durability durability,
      Duration asyncFsyncInterval, String adminKey, boolean metricsPublic, Duration deletionGrace) {
    this(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace,
        DEFAULT_GRPC_PORT);
  }

  public ServerConfig withGrpcPort(int newPort) {
    return new ServerConfig(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace, newPort, pinecone, plans);
  }

  /** Defaults for everything but the data directory; port 0 picks a free port (tests). */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, dataDir, DEFAULT_MAX_BODY_BYTES, Durability.REQUEST,
        Duration.ofMillis(100), null, false, Duration.ofDays(7));
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace, grpcPort, pinecone, plans);
  }

  public ServerConfig withMaxBodyBytes(long bytes) {
    return new ServerConfig(host, port, dataDir, bytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace, grpcPort, pinecone, plans);
  }

  public ServerConfig withDeletionGrace(Duration grace) {
    return new ServerConfig(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, grace, grpcPort, pinecone, plans);
  }

  public ServerConfig withPinecone(PineconeConfig p) {
    return new ServerConfig(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace, grpcPort, p, plans);
  }

  public ServerConfig withAdminKey(String key) {
    return new ServerConfig(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, key, metricsPublic, deletionGrace, grpcPort, pinecone, plans);
  }

  public ServerConfig withPlans(Plans p) {
    return new ServerConfig(host, port, dataDir, maxBodyBytes, durability, asyncFsyncInterval, adminKey, metricsPublic, deletionGrace, grpcPort, pinecone, p);
  }

  /** The admin key as text safe for logs: never the key. */
  @Override
  public String toString() {
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", durability=" + durability
        + ", adminKey=" + (adminKey == null ? "none" : "set") + ", metricsPublic=" + metricsPublic + ", grpcPort=" + grpcPort + "]";
  }

  /** The core's configuration for this server. */
  public ManagerConfig managerConfig() {
    ManagerConfig defaults = ManagerConfig.defaults(dataDir);
    return defaults.withIndexSettings(defaults.indexSettings().withDurability(durability))
        .withAsyncSyncInterval(asyncFsyncInterval)
        .withDeletionGrace(deletionGrace)
        .withPlans(plans);
  }
}
