package io.vecstore.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How this node joins a cluster: where ZooKeeper is, who this node is, where others reach it,
 * and the timings of the coordination layer. Built by the server's {@code Main} from its flags
 * ({@code --cluster}, {@code --node-id}, {@code --advertise}); start with {@link #of} and
 * adjust with the {@code with…} methods.
 *
 * <p>Immutable and thread-safe.
 *
 * @param connectString ZooKeeper servers, {@code host:port[,host:port…]}
 * @param nodeId this node's id, unique among live nodes, {@code ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$}
 * @param advertiseUrl the http(s) base URL of this node's REST API, as other nodes reach it
 * @param grpcAddress {@code host:port} of this node's gRPC server as other nodes reach it, or null
 * @param sessionTimeout ZooKeeper session timeout (default 15 s): how long after losing contact
 *     this node counts as gone; the server may negotiate it into its own bounds
 * @param connectionTimeout how long one ZooKeeper operation waits for a connection (default 5 s)
 * @param rootPath the znode under which the cluster lives (default {@code /vecstore})
 * @param loadPublishInterval how often the node's load is published when changed (default 2 s)
 * @param balanceInterval how often the leader runs the balancer besides membership changes
 *     (default 30 s)
 * @param forwardTimeout connect and response timeout of one forwarded request (default 30 s)
 */
public record ClusterConfig(
    String connectString,
    String nodeId,
    URI advertiseUrl,
    String grpcAddress,
    Duration sessionTimeout,
    Duration connectionTimeout,
    String rootPath,
    Duration loadPublishInterval,
    Duration balanceInterval,
    Duration forwardTimeout) {

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._-]+:\\d{1,5}|\\[[0-9A-Fa-f:.]+\\]:\\d{1,5}");
  private static final Pattern ROOT = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  public ClusterConfig {
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException("connectString must be host:port[,host:port…], got: " + Ids.quote(connectString));
    }
    for (String server : connectString.split(",")) {
      if (!HOST_PORT.matcher(server.trim()).matches()) {
        throw new IllegalArgumentException(
            "connectString must be host:port[,host:port…], got: " + Ids.quote(connectString));
      }
    }
    Ids.requireNodeId("nodeId", nodeId);
    requireHttpUrl(advertiseUrl);
    if (grpcAddress != null) {
      requireHostPort("grpcAddress", grpcAddress);
    }
    requirePositive("sessionTimeout", sessionTimeout);
    requirePositive("connectionTimeout", connectionTimeout);
    requirePositive("loadPublishInterval", loadPublishInterval);
    requirePositive("balanceInterval", balanceInterval);
    requirePositive("forwardTimeout", forwardTimeout);
    if (rootPath == null || !ROOT.matcher(rootPath).matches() || rootPath.startsWith("/zookeeper")) {
      throw new IllegalArgumentException(
          "rootPath must be an absolute znode path like /vecstore (no trailing slash, not under /zookeeper), got: "
              + Ids.quote(rootPath));
    }
  }

  /** A configuration with the default timings and root path, and no gRPC address. */
  public static ClusterConfig of(String connectString, String nodeId, URI advertiseUrl) {
    return new ClusterConfig(
        connectString,
        nodeId,
        advertiseUrl,
        null,
        Duration.ofSeconds(15),
        Duration.ofSeconds(5),
        "/vecstore",
        Duration.ofSeconds(2),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  public ClusterConfig withGrpcAddress(String address) {
    return new ClusterConfig(connectString, nodeId, advertiseUrl, address, sessionTimeout, connectionTimeout,
        rootPath, loadPublishInterval, balanceInterval, forwardTimeout);
  }

  public ClusterConfig withTimeouts(Duration session, Duration connection) {
    return new ClusterConfig(connectString, nodeId, advertiseUrl, grpcAddress, session, connection,
        rootPath, loadPublishInterval, balanceInterval, forwardTimeout);
  }

  public ClusterConfig withRootPath(String root) {
    return new ClusterConfig(connectString, nodeId, advertiseUrl, grpcAddress, sessionTimeout, connectionTimeout,
        root, loadPublishInterval, balanceInterval, forwardTimeout);
  }

  public ClusterConfig withIntervals(Duration loadPublish, Duration balance) {
    return new ClusterConfig(connectString, nodeId, advertiseUrl, grpcAddress, sessionTimeout, connectionTimeout,
        rootPath, loadPublish, balance, forwardTimeout);
  }

  public ClusterConfig withForwardTimeout(Duration timeout) {
    return new ClusterConfig(connectString, nodeId, advertiseUrl, grpcAddress, sessionTimeout, connectionTimeout,
        rootPath, loadPublishInterval, balanceInterval, timeout);
  }

  static URI requireHttpUrl(URI url) {
    if (url == null
        || !url.isAbsolute()
        || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
        || url.getHost() == null
        || url.getRawQuery() != null
        || url.getRawFragment() != null
        || url.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "advertiseUrl must be an http(s) base URL like http://host:8080 (no query, fragment or user), got: "
              + (url == null ? "null" : Ids.quote(url.toString())));
    }
    return url;
  }

  static String requireHostPort(String name, String value) {
    if (!HOST_PORT.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must be host:port, got: " + Ids.quote(value));
    }
    return value;
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got: " + value);
    }
  }
}
