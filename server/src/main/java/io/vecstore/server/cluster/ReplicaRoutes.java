package io.vecstore.server.cluster;

import static io.vecstore.http.auth.Access.ADMIN;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.Placement;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.wal.WalFrames;
import io.vecstore.core.wal.WalRecord;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.HttpError;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The replica's side of replication, node-to-node routes for the admin key only, and
 * {@code GET /admin/namespaces/{id}/replication} for operators:
 *
 * <ul>
 *   <li>{@code PUT /internal/cluster/replicas/{id}?epoch=E&seq=S}: a copy from the primary at
 *       epoch E, holding its log up to S, replaces any copy here. Accepted only while the
 *       placement (read fresh) names this node a replica at epoch E.
 *   <li>{@code POST …/{id}/log?epoch=E&after=S}: the primary's records after S, applied and
 *       made durable here before the answer. Refused (409 {@code replica_out_of_step}) unless this
 *       copy was installed at epoch E and holds exactly the records up to S, and unless the
 *       placement still has E; the primary then drops this replica and builds it again.
 *   <li>{@code PUT …/{id}/meta?epoch=E}: the primary's namespace.json (settings, status, keys).
 * </ul>
 *
 * What a copy has applied is kept in memory: after a restart the primary's next records are out
 * of step, so a restarted replica is rebuilt, though until then its durable copy still counts
 * (it holds every write it confirmed).
 *
 * <p>Thread-safe: each namespace's copy is updated under its own lock.
 */
final class ReplicaRoutes {

  static final String PREFIX = InternalRoutes.PREFIX + "replicas/";

  private final Supplier<ClusterNode> node;
  private final NamespaceManager manager;
  private final Function<String, Map<String, Long>> lag;
  private final Map<String, Copy> copies = new ConcurrentHashMap<>();

  /** What this node's copy of a namespace holds of its primary's log. */
  private static final class Copy {
    final long epoch;
    long applied; // guarded by this

    Copy(long epoch, long applied) {
      this.epoch = epoch;
      this.applied = applied;
    }
  }

  ReplicaRoutes(Supplier<ClusterNode> node, NamespaceManager manager, Function<String, Map<String, Long>> lag) {
    this.node = node;
    this.manager = manager;
    this.lag = lag;
  }

  /** The path of a replica route of namespace {@code id}, then {@code suffix} (a sub-path and/or query). */
  static String path(String id, String suffix) {
    return PREFIX + id + suffix;
  }

  void register(RoutesConfig routes) {
    routes.put(PREFIX + "{id}", this::install, ADMIN);
    routes.post(PREFIX + "{id}/log", this::log, ADMIN);
    routes.put(PREFIX + "{id}/meta", this::meta, ADMIN);
    routes.get("/admin/namespaces/{id}/replication", this::replication, ADMIN);
    routes.put("/admin/namespaces/{id}/replication", this::setReplication, ADMIN);
  }

  /**
   * {@code PUT /admin/namespaces/{id}/replication} {@code {"replication_factor": n}}: changes the
   * copies wanted; the leader assigns or unassigns replicas, the primary builds new ones.
   */
  private void setReplication(Context ctx) {
    String id = NamespaceIds.requireValid(ctx.pathParam("id"));
    var body = JsonCodec.parse(ctx.bodyAsBytes());
    var factorNode = body.get("replication_factor");
    if (body.size() != 1 || factorNode == null || !factorNode.isIntegralNumber() || !factorNode.canConvertToInt()) {
      throw new InvalidRequestException("body must be {\"replication_factor\": <whole number>}, got: " + body);
    }
    int factor = factorNode.intValue();
    ClusterNode n = node();
    try {
      n.placements().requireReplicationFactor(factor);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    Placement p = n.placements().cached(id);
    if (p == null) {
      throw NotFoundException.namespace(id);
    }
    io.vecstore.cluster.CasResult result;
    try {
      result = n.placements().updateCopies(id, p.owner(), p.epoch(), q -> {
        List<String> keep = new java.util.ArrayList<>(q.inSync());
        q.replicas().stream().filter(r -> !keep.contains(r)).forEach(keep::add);
        List<String> replicas = keep.subList(0, Math.min(keep.size(), factor - 1));
        return q.withCopies(factor, replicas, q.inSync().stream().filter(replicas::contains).toList());
      });
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable", 2);
    }
    if (!(result instanceof io.vecstore.cluster.CasResult.Done)) {
      throw UnavailableException.notOwner(id, "its owner changed meanwhile; try again", 1);
    }
    replication(ctx);
  }

  /**
   * This node's copy (a move's source) holds the log up to {@code applied} and will be the
   * replica of the new owner at {@code epoch}.
   */
  void expect(String id, long epoch, long applied) {
    copies.put(id, new Copy(epoch, applied));
  }

  /** This node's copy of the namespace is no longer the replica's (a move replaces it). */
  void forget(String id) {
    copies.remove(id);
  }

  private void install(Context ctx) throws IOException {
    String id = NamespaceIds.requireValid(ctx.pathParam("id"));
    long epoch = longParam(ctx, "epoch");
    long seq = longParam(ctx, "seq");
    synchronized (LocalCopies.COPY_LIFECYCLE) {
      requireReplicaHere(id, epoch);
      copies.remove(id);
      try (InputStream in = ctx.bodyInputStream()) {
        var info = manager.moves().install(id, in);
        copies.put(id, new Copy(epoch, seq));
        ctx.status(201).json(Map.of("installed", id, "vector_count", info.vectorCount()));
      }
    }
  }

  private void log(Context ctx) throws IOException {
    String id = NamespaceIds.requireValid(ctx.pathParam("id"));
    long epoch = longParam(ctx, "epoch");
    long after = longParam(ctx, "after");
    Copy copy = copyFor(id, epoch, after);
    List<WalRecord> records;
    try (InputStream in = ctx.bodyInputStream()) {
      records = WalFrames.decode(in);
    } catch (IOException e) {
      throw new InvalidRequestException("log frames are damaged: " + e.getMessage());
    }
    synchronized (copy) {
      if (copy.applied != after) {
        throw outOfStep(id, "it holds the log up to " + copy.applied + ", not " + after);
      }
      if (!records.isEmpty()) {
        manager.moves().applyLog(id, records);
        long last = manager.moves().lastLoggedSeq(id);
        if (last != records.getLast().seq()) {
          copies.remove(id, copy); // numbered unlike the primary's log: it cannot follow it, it is rebuilt
          throw outOfStep(id, "its log ends at " + last + " after applying up to " + records.getLast().seq());
        }
        copy.applied = last;
      }
      ctx.json(Map.of("applied_to", copy.applied));
    }
  }

  /**
   * This node's copy that follows the primary at {@code epoch}, checked against the placement
   * (read fresh when the cached one does not agree yet). After a restart the copy's own log tells
   * where it is: it resumes if the placement still names it in sync at that epoch and its log ends
   * at {@code after} (its records are the primary's, in the same numbering).
   */
  private Copy copyFor(String id, long epoch, long after) {
    String self = node().nodeId();
    Placement p = node().placements().cached(id);
    if (p == null || p.epoch() != epoch || !p.isReplica(self)) {
      p = fresh(id);
    }
    if (p == null || p.epoch() != epoch || !p.isReplica(self)) {
      throw outOfStep(id, "its placement is " + (p == null ? "gone" : "at epoch " + p.epoch() + ", replicas " + p.replicas()));
    }
    Copy copy = copies.get(id);
    if (copy != null && copy.epoch == epoch) {
      return copy;
    }
    if (p.inSync().contains(self) && manager.moves().incoming(id) && manager.moves().lastLoggedSeq(id) == after) {
      Copy resumed = new Copy(epoch, after);
      Copy raced = copies.putIfAbsent(id, resumed);
      return raced != null && raced.epoch == epoch ? raced : resumed;
    }
    throw outOfStep(id, "it holds no copy from the primary at epoch " + epoch);
  }

  private Placement fresh(String id) {
    try {
      return node().placements().current(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable", 2);
    }
  }

  private void meta(Context ctx) {
    String id = NamespaceIds.requireValid(ctx.pathParam("id"));
    long epoch = longParam(ctx, "epoch");
    Copy copy = copies.get(id);
    if (copy == null || copy.epoch != epoch) {
      throw outOfStep(id, "it holds no copy from the primary at epoch " + epoch);
    }
    var info = manager.moves().adoptMeta(id, ctx.bodyAsBytes());
    ctx.json(Map.of("adopted", id, "vector_count", info.vectorCount()));
  }

  /** {@code GET /admin/namespaces/{id}/replication}: the copies as this node's view has them; lag on the primary. */
  private void replication(Context ctx) {
    String id = NamespaceIds.requireValid(ctx.pathParam("id"));
    ClusterNode n = node();
    Placement p = n.placements().cached(id);
    if (p == null) {
      throw NotFoundException.namespace(id);
    }
    ObjectNode out = JsonCodec.MAPPER.createObjectNode();
    out.put("namespace", id);
    out.put("replication_factor", p.replicationFactor());
    out.put("primary", p.owner());
    out.put("primary_live", n.liveNodes().containsKey(p.owner()));
    out.put("epoch", p.epoch());
    p.replicas().forEach(out.putArray("replicas")::add);
    p.inSync().forEach(out.putArray("in_sync")::add);
    if (p.owner().equals(n.nodeId())) {
      ObjectNode lagNode = out.putObject("lag");
      lag.apply(id).forEach(lagNode::put);
    }
    out.put("answered_by", n.nodeId());
    ctx.json(out);
  }

  private void requireReplicaHere(String id, long epoch) {
    Placement p;
    try {
      p = node().placements().current(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable", 2);
    }
    if (p == null || p.epoch() != epoch || !p.isReplica(node().nodeId())) {
      throw outOfStep(id, "the placement does not name node " + node().nodeId() + " a replica at epoch " + epoch
          + (p == null ? " (not placed)" : " (epoch " + p.epoch() + ", replicas " + p.replicas() + ")"));
    }
  }

  private static HttpError outOfStep(String id, String why) {
    return new HttpError(409, "replica_out_of_step", "Namespace " + id + ": this copy is out of step with the primary: " + why);
  }

  private static long longParam(Context ctx, String name) {
    String value = ctx.queryParam(name);
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name + " must be an integer, got: " + value);
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
