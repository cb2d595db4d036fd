package io.vecstore.server.cluster;

import static io.vecstore.http.auth.Access.ADMIN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.ClusterView;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Placement;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.wal.WalFrames;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.HttpError;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /admin/cluster} and the node-to-node routes of moves, all for the admin key only
 * (a namespace key opens none of them):
 *
 * <pre>
 * PUT    /internal/cluster/namespaces/{id}           body: the move archive (.tar.gz)    201 installed here, incoming
 * POST   /internal/cluster/namespaces/{id}/log       body: log frames (WalFrames)       200 {"applied": n}
 * PUT    /internal/cluster/namespaces/{id}/meta      body: the source's namespace.json  200
 * POST   /internal/cluster/namespaces/{id}/activate  body: {"requests",…} counted late  200
 * DELETE /internal/cluster/namespaces/{id}           drop an incoming copy (move abandoned) 200
 * </pre>
 *
 * Each is accepted only while this node's view says the namespace is moving here (read fresh
 * from ZooKeeper when the cached view disagrees), or, for activate, is owned here.
 *
 * <p>Thread-safe.
 */
final class InternalRoutes {

  private final ReplicaRoutes replicas;
  private final ReplicaShipping shipping;

  static final String PREFIX = "/internal/cluster/";

  private final Supplier<ClusterNode> node;
  private final NamespaceManager manager;

  InternalRoutes(Supplier<ClusterNode> node, NamespaceManager manager, ReplicaRoutes replicas, ReplicaShipping shipping) {
    this.replicas = replicas;
    this.shipping = shipping;
    this.node = node;
    this.manager = manager;
  }

  void register(RoutesConfig routes) {
    routes.get("/admin/cluster", this::cluster, ADMIN);
    routes.put(PREFIX + "namespaces/{id}", this::install, ADMIN);
    routes.post(PREFIX + "namespaces/{id}/log", this::log, ADMIN);
    routes.put(PREFIX + "namespaces/{id}/meta", this::meta, ADMIN);
    routes.post(PREFIX + "namespaces/{id}/activate", this::activate, ADMIN);
    routes.post(PREFIX + "namespaces/{id}/follow", this::follow, ADMIN);
    routes.delete(PREFIX + "namespaces/{id}", this::discard, ADMIN);
    replicas.register(routes);
  }

  private void install(Context ctx) throws IOException {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    requireMovingHere(id);
    replicas.forget(id); // a replica's copy here is replaced: the primary's next records are out of step
    try (InputStream in = ctx.bodyInputStream()) {
      var info = manager.moves().install(id, in);
      ctx.status(201).json(Map.of("installed", id, "vector_count", info.vectorCount()));
    }
  }

  private void log(Context ctx) throws IOException {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    requireIncoming(id);
    List<io.vecstore.core.wal.WalRecord> records;
    try (InputStream in = ctx.bodyInputStream()) {
      records = WalFrames.decode(in);
    } catch (IOException e) {
      throw new InvalidRequestException("log frames are damaged: " + e.getMessage());
    }
    ctx.json(Map.of("applied", manager.moves().applyLog(id, records)));
  }

  /**
   * {@code POST …/namespaces/{id}/follow?replica=NODE&epoch=E&after=S}: the move's source keeps
   * its copy as a replica; once this node owns the namespace at epoch E it ships that node the
   * records after S (its copy here must end at S).
   */
  private void follow(Context ctx) {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    requireIncoming(id);
    NodeInfo replica = node().view().node(ctx.queryParam("replica"));
    if (replica == null) {
      throw new InvalidRequestException("replica must be a live node, got: " + ctx.queryParam("replica"));
    }
    try {
      shipping.follow(id, replica, Long.parseLong(ctx.queryParam("epoch")), Long.parseLong(ctx.queryParam("after")));
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("epoch and after must be integers, got: " + ctx.queryString());
    } catch (IllegalStateException e) {
      throw new HttpError(409, "replica_out_of_step", e.getMessage());
    }
    ctx.json(Map.of("following", id, "replica", replica.nodeId()));
  }

  private void meta(Context ctx) {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    requireIncoming(id);
    var info = manager.moves().adoptMeta(id, ctx.bodyAsBytes());
    ctx.json(Map.of("adopted", id, "vector_count", info.vectorCount()));
  }

  private void activate(Context ctx) {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    Placement p = placement(id);
    if (p == null || !p.owner().equals(node().nodeId())) {
      p = fresh(id); // the transfer was just written: this node's cache may not have heard yet
    }
    if (p == null || !p.owner().equals(node().nodeId())) {
      throw UnavailableException.notOwner(id, "it is not owned by this node", 1);
    }
    JsonNode body = JsonCodec.parse(ctx.bodyAsBytes());
    manager.moves().activate(id, new Usage(body.path("requests").asLong(), body.path("queries").asLong(),
        body.path("upserts").asLong(), body.path("deletes").asLong()));
    ctx.json(Map.of("activated", id));
  }

  private void discard(Context ctx) {
    String id = io.vecstore.core.meta.NamespaceIds.requireValid(ctx.pathParam("id"));
    Placement p = placement(id);
    if (p != null && p.owner().equals(node().nodeId())) {
      throw new AlreadyExistsException(id); // it is this node's now: never drop it this way
    }
    if (manager.moves().incoming(id)) {
      manager.moves().discard(id);
    }
    ctx.json(Map.of("discarded", id));
  }

  /** {@code GET /admin/cluster}: the nodes, their load and namespaces, and what is moving or orphaned. */
  private void cluster(Context ctx) {
    ClusterNode n = node();
    ClusterView view = n.view();
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    out.put("node_id", n.nodeId());
    out.put("leader", view.selfIsLeader());
    out.put("writes_allowed", n.fence().isOpen());
    out.put("live_nodes", view.nodes().size());
    out.put("namespaces_total", view.placements().size());
    ArrayNode nodes = out.putArray("nodes");
    for (NodeInfo info : view.nodes().values()) {
      ObjectNode o = nodes.addObject();
      o.put("node_id", info.nodeId());
      o.put("advertise_url", info.advertiseUrl().toString());
      o.put("grpc_address", info.grpcAddress());
      o.put("state", info.leaving() ? "leaving" : "active");
      o.put("started_at", info.startedAt().toString());
      o.put("this_node", info.nodeId().equals(n.nodeId()));
      ObjectNode load = o.putObject("load");
      load.put("vectors", info.load().vectors());
      load.put("storage_bytes", info.load().storageBytes());
      load.put("namespaces", info.load().namespaces());
      List<String> owned = view.namespacesOf(info.nodeId());
      o.put("namespace_count", owned.size());
      ArrayNode ids = o.putArray("namespaces");
      owned.stream().limit(1000).forEach(ids::add);
      o.put("namespaces_truncated", owned.size() > 1000);
      o.put("replica_count", view.placements().values().stream().filter(p -> p.isReplica(info.nodeId())).count());
    }
    int others = Math.max(0, view.nodes().size() - 1);
    out.put("under_replicated", view.placements().values().stream()
        .filter(p -> p.inSync().size() < Math.min(p.replicationFactor() - 1, others)).count());
    ArrayNode moving = out.putArray("moving");
    for (Placement p : view.placements().values()) {
      if (p.state() == Placement.State.MOVING) {
        moving.addObject().put("namespace", p.namespaceId()).put("from", p.owner()).put("to", p.target());
      }
    }
    ArrayNode orphaned = out.putArray("owner_down");
    view.orphaned().stream().limit(1000)
        .forEach(p -> orphaned.addObject().put("namespace", p.namespaceId()).put("owner", p.owner()));
    ctx.json(out);
  }

  private void requireMovingHere(String id) {
    Placement p = placement(id);
    if (p == null || p.state() != Placement.State.MOVING || !node().nodeId().equals(p.target())) {
      p = fresh(id);
    }
    if (p == null || p.state() != Placement.State.MOVING || !node().nodeId().equals(p.target())) {
      throw new HttpError(409, "not_moving_here", "Namespace " + id + " is not moving to node " + node().nodeId());
    }
  }

  private void requireIncoming(String id) {
    requireMovingHere(id);
    if (!manager.moves().incoming(id)) {
      throw new HttpError(409, "not_moving_here", "Namespace " + id + " has no incoming copy on node " + node().nodeId());
    }
  }

  private Placement placement(String id) {
    return node().placements().cached(id);
  }

  private Placement fresh(String id) {
    try {
      return node().placements().current(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable", 2);
    }
  }

  private ClusterNode node() {
    ClusterNode n = node.get();
    if (n == null) {
      throw new HttpError(503, "not_ready", "This node has not joined the cluster yet");
    }
    return n;
  }
}
