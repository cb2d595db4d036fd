package io.vecstore.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How this server joins a cluster, from {@code serve}'s flags: {@code --cluster HOST:PORT[,…]}
 * (ZooKeeper), {@code --node-id ID}, and optionally {@code --advertise URL} (how the other nodes
 * reach this one's REST API; default {@code http://<host>:<port>}), {@code --grpc-advertise
 * HOST:PORT} (default the advertised host and the gRPC port) and
 * {@code --cluster-session-timeout-ms N} (ZooKeeper session, default 15000).
 *
 * <p>Immutable and thread-safe. The ids and addresses are validated by the cluster module's
 * {@code ClusterConfig} when the node joins.
 *
 * @param advertise null: derived from the listening host and port
 * @param grpcAdvertise null: derived from the advertised host and the gRPC port
 * @param handOffTimeout how long a SIGTERM waits for this node's namespaces to move away
 */
public record ClusterOptions(String connect, String nodeId, URI advertise, String grpcAdvertise,
    Duration sessionTimeout, Duration handOffTimeout) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_HAND_OFF_TIMEOUT = Duration.ofMinutes(5);

  public ClusterOptions {
    Objects.requireNonNull(connect, "connect");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(handOffTimeout, "handOffTimeout");
  }
}
