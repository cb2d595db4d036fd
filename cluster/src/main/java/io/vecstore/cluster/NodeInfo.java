package io.vecstore.cluster;

import java.net.URI;
import java.time.Instant;

/**
 * A live node as its ephemeral znode describes it: where to reach it, what it carries, and
 * whether it is leaving (handing its namespaces off before it stops; a leaving node receives no
 * new namespaces).
 *
 * <p>Immutable and thread-safe.
 *
 * @param grpcAddress {@code host:port} of its gRPC server, or null when it serves none
 */
public record NodeInfo(
    String nodeId, URI advertiseUrl, String grpcAddress, Load load, Instant startedAt, boolean leaving) {

  public NodeInfo {
    Ids.requireNodeId("nodeId", nodeId);
    ClusterConfig.requireHttpUrl(advertiseUrl);
    if (grpcAddress != null) {
      ClusterConfig.requireHostPort("grpcAddress", grpcAddress);
    }
    if (load == null) {
      throw new IllegalArgumentException("load must not be null, got: null (node " + nodeId + ")");
    }
    if (startedAt == null) {
      throw new IllegalArgumentException("startedAt must not be null, got: null (node " + nodeId + ")");
    }
  }

  NodeInfo withLoad(Load newLoad) {
    return new NodeInfo(nodeId, advertiseUrl, grpcAddress, newLoad, startedAt, leaving);
  }

  NodeInfo asLeaving() {
    return new NodeInfo(nodeId, advertiseUrl, grpcAddress, load, startedAt, true);
  }
}
