package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.ClusterHooks;
import io.vecstore.http.RequestNamespace;
import io.vecstore.http.pinecone.PineconeConfig;
import java.util.function.Supplier;

/**
 * Routes every REST request of a cluster node (see {@link ClusterHooks}):
 *
 * <ul>
 *   <li>Namespace routes ({@code /admin/namespaces/{id}/…}, {@code /v1/namespaces/{ns}/…}), before
 *       authentication: served here when this node owns the namespace (the route's epoch is noted
 *       for the write check), else replayed on the owner as they came, keys included, and its
 *       answer returned unchanged ({@link RestForwarding}); 503 {@code owner_down} when the owner
 *       is not live. A forwarded request is never forwarded again.
 *   <li>Creates and imports, after authentication: the namespace is placed first (least loaded
 *       node; an import of a local Lucene index on this node), then created on its owner
 *       ({@link RestPlacing}).
 *   <li>{@code GET /admin/namespaces}, {@code /admin/stats}, {@code /admin/usage} and Pinecone's
 *       namespace list and index statistics, after authentication: asked of every live node
 *       (each answers for what it owns) and merged ({@link ListingFanOut}).
 *   <li>Pinecone's routes route as ours: by the namespace they resolved ({@link RequestNamespace});
 *       a namespace created through them is placed like ours, and the index's create places its
 *       default namespace.
 * </ul>
 *
 * A request whose forward finds the namespace moved ({@code not_owner}) is routed again from a
 * fresh read of its placement, and so is a write here that waited for a move and was refused.
 *
 * <p>Thread-safe.
 */
final class RestRouting implements ClusterHooks {

  private final Supplier<ClusterNode> node;
  private final NamespaceManager manager;
  private final OwnershipCheck check;
  private final InternalRoutes internal;
  private final RestForwarding forwarding;
  private final RestPlacing placing;
  private final ListingFanOut listings;
  private final ClusterLookups lookups;
  private final PineconeConfig pinecone;

  RestRouting(Supplier<ClusterNode> node, NamespaceManager manager, OwnershipCheck check, ClusterMetrics metrics,
      NodeClient client, InternalRoutes internal, long maxBodyBytes, PineconeConfig pinecone) {
    this.lookups = new ClusterLookups(node, manager, client);
    this.pinecone = pinecone;
    this.node = node;
    this.manager = manager;
    this.check = check;
    this.internal = internal;
    this.forwarding = new RestForwarding(node, check, metrics, maxBodyBytes);
    this.placing = new RestPlacing(check, forwarding, maxBodyBytes);
    this.listings = new ListingFanOut(client, maxBodyBytes);
  }

  @Override
  public boolean beforeAuth(Context ctx) {
    check.routedAt(-1);
    String id = namespaceOf(ctx);
    if (id == null || isInternal(ctx) || !NamespaceIds.isValid(id)) {
      return false; // not a namespace route, or an id the handler refuses as a single server does
    }
    if (servedByAnyNode(ctx)) {
      return false;
    }
    ClusterNode n = forwarding.joined();
    Route route = n.router().route(id);
    return switch (route) {
      case Route.Local local -> {
        check.routedAt(local.epoch());
        yield false;
      }
      case Route.Remote remote -> {
        if (RestForwarding.isForwarded(ctx)) {
          yield forwarding.serveForwarded(id);
        }
        yield forwarding.forward(ctx, id, remote, forwarding.bodyLimit(ctx));
      }
      case Route.OwnerDown down -> throw UnavailableException.ownerDown(id, down.nodeId(), 5);
      case Route.Unplaced unplaced -> false; // looked up fresh after authentication (see afterAuth)
    };
  }

  @Override
  public boolean afterAuth(Context ctx) {
    String template = template(ctx);
    String method = ctx.method().name();
    boolean forwarded = RestForwarding.isForwarded(ctx);
    if (method.equals("POST") && template.equals("/admin/namespaces")) {
      JsonNode body = placing.jsonBody(ctx); // parsed once for both fields
      return placing.place(ctx, RestPlacing.idOf(body), forwarded, false, RestPlacing.replicationOf(body));
    }
    if (method.equals("POST") && template.equals("/admin/namespaces/import")) {
      return placing.place(ctx, RestPlacing.idOfImport(ctx), forwarded, false);
    }
    if (method.equals("POST") && template.equals("/admin/namespaces/import-lucene")) {
      return placing.place(ctx, RestPlacing.idOf(placing.jsonBody(ctx)), forwarded, true);
    }
    if (method.equals("POST") && template.equals(PINECONE_NAMESPACES)) {
      return placing.place(ctx, RestPlacing.textOf(placing.jsonBody(ctx), "name"), forwarded, false);
    }
    if (method.equals("POST") && template.equals(PINECONE_INDEXES) && pinecone.defaultNamespace() != null) {
      return placing.place(ctx, pinecone.defaultNamespace(), forwarded, false); // creates the default namespace
    }
    if (!forwarded && ListingFanOut.isListing(method, template) && RequestNamespace.of(ctx) == null) {
      // (a Pinecone listing with a namespace key is about its namespace only: routed to it as a namespace route)
      return listings.fanOut(ctx, forwarding.joined(), template);
    }
    String id = namespaceOf(ctx);
    if (id != null && !isInternal(ctx) && NamespaceIds.isValid(id)
        && forwarding.joined().router().route(id) instanceof Route.Unplaced) {
      // Unknown to this node's cache: maybe created a moment ago through another node.
      Route fresh = forwarding.freshRoute(id);
      if (fresh instanceof Route.Local local) {
        check.routedAt(local.epoch());
      } else if (fresh instanceof Route.Remote remote) {
        return forwarded ? forwarding.serveForwarded(id) : forwarding.forward(ctx, id, remote, forwarding.bodyLimit(ctx));
      } else if (fresh instanceof Route.OwnerDown down) {
        throw UnavailableException.ownerDown(id, down.nodeId(), 5);
      }
    }
    return false;
  }

  /**
   * After a request served here: a deleted namespace's placement is released; a namespace placed
   * for a create or import that failed here as invalid is released again.
   */
  @Override
  public void after(Context ctx) {
    ClusterNode n = node.get();
    Long claimed = ctx.attribute(RestPlacing.CLAIMED);
    String template = template(ctx);
    String id;
    if (n == null) {
      return;
    }
    boolean deleted = template.equals("/admin/namespaces/{id}") && ctx.statusCode() == 200
        || template.equals(PINECONE_NAMESPACES + "/{namespace}") && ctx.statusCode() == 202;
    if (ctx.method().name().equals("DELETE") && deleted && (id = namespaceOf(ctx)) != null) {
      RoutingSteps.release(n, id);
    } else if (claimed != null && ctx.statusCode() / 100 == 4 && ctx.statusCode() != 409
        && (id = ctx.attribute(RestPlacing.CLAIMED_ID)) != null && !manager.ids().contains(id)) {
      RoutingSteps.release(n, id);
    }
  }

  @Override
  public boolean retryElsewhere(Context ctx, UnavailableException refusal) {
    String id = namespaceOf(ctx);
    ClusterNode n = node.get();
    if (id == null || n == null || RestForwarding.isForwarded(ctx) || !NamespaceIds.isValid(id)) {
      return false; // the node that forwarded it routes it again
    }
    if (n.router().route(id) instanceof Route.Remote remote) {
      return forwarding.forward(ctx, id, remote, forwarding.bodyLimit(ctx));
    }
    return false;
  }

  @Override
  public boolean presents(String namespaceId) {
    ClusterNode n = node.get();
    return n != null && n.router().route(namespaceId) instanceof Route.Local;
  }

  @Override
  public String clientIp(Context ctx) {
    return forwarding.clientIp(ctx);
  }

  @Override
  public int maxReplicationFactor() {
    ClusterNode n = forwarding.joined();
    return Math.min(io.vecstore.cluster.Placement.MAX_REPLICATION_FACTOR, Math.max(1, n.liveNodeCount()));
  }

  @Override
  public String namespaceNamedBy(String presentedKey) {
    return lookups.namespaceOfKey(presentedKey);
  }

  @Override
  public JsonNode remoteNamespace(String namespaceId) {
    return lookups.remoteNamespace(namespaceId);
  }

  @Override
  public void addRoutes(RoutesConfig routes) {
    internal.register(routes);
    lookups.register(routes);
  }

  private static final String PINECONE_NAMESPACES = "/pinecone/namespaces";
  private static final String PINECONE_INDEXES = "/pinecone/indexes";

  /** The matched route's template, or "" (never the raw path: it holds namespace ids). */
  static String template(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint(); // set before the before-matched handlers run
    return endpoint == null ? "" : endpoint.path;
  }

  /**
   * Answered by the node asked: the replication of a namespace (any node's view; a change is a
   * versioned write to ZooKeeper from any node), and a read
   * of this node's own copy ({@code X-VecStore-Local: true} on a GET: a replica's copy too, for
   * operators checking copies; the route's own authentication applies).
   */
  private static boolean servedByAnyNode(Context ctx) {
    String method = ctx.method().name();
    return template(ctx).equals("/admin/namespaces/{id}/replication") && (method.equals("GET") || method.equals("PUT"))
        || method.equals("GET") && "true".equals(ctx.header(LOCAL_READ));
  }

  /** Header asking a node to read its own copy of a namespace instead of routing to the primary. */
  static final String LOCAL_READ = "X-VecStore-Local";

  private static boolean isInternal(Context ctx) {
    return template(ctx).startsWith(InternalRoutes.PREFIX);
  }

  /**
   * The namespace of a namespace route ({@code {id}} of an admin route, {@code {ns}} of a data
   * route, the resolved namespace of a Pinecone route), else null.
   */
  static String namespaceOf(Context ctx) {
    String id = RequestNamespace.of(ctx);
    if (id == null && template(ctx).startsWith("/admin/namespaces/{id}")) {
      id = ctx.pathParamMap().get("id");
    }
    return id;
  }
}
