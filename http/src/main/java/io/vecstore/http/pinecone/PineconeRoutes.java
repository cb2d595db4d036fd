package io.vecstore.http.pinecone;

import static io.vecstore.http.auth.Access.ADMIN;
import static io.vecstore.http.auth.Access.ANY_KEY;
import static io.vecstore.http.auth.Access.DATA_READ;
import static io.vecstore.http.auth.Access.DATA_WRITE;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.ClusterHooks;
import io.vecstore.http.RequestNamespace;
import io.vecstore.http.auth.Authenticator;
import io.vecstore.http.dto.PineconeBodies;
import io.vecstore.http.errors.ErrorResponses;
import io.vecstore.http.routes.JsonBodies;
import java.util.Map;
import java.util.function.Function;

/**
 * The Pinecone-compatible API under {@code /pinecone}: one VecStore server is one Pinecone index
 * (see {@link PineconeConfig}), a Pinecone namespace is a VecStore namespace. Its routes call the
 * same core operations as our own, so keys, statuses, quotas, rate limits, usage counters and
 * metrics apply exactly as there; errors have Pinecone's body shape ({@link ErrorResponses}).
 *
 * <p>Pinecone's data routes carry their namespace in the body or the query string, not the path:
 * {@link #resolve} reads it before authentication and cluster routing, which find it through
 * {@link RequestNamespace} as they find our routes' {@code {ns}}. A request that names none (or
 * Pinecone's {@code __default__}) is for the namespace of the namespace key it presents, or for
 * the configured default namespace with the admin key.
 *
 * <p>Thread-safety: stateless beyond its collaborators; safe for concurrent use.
 */
public final class PineconeRoutes {

  static final String PREFIX = ErrorResponses.PINECONE_PREFIX;
  /** The request parsed by {@link #resolve}, or the error its parsing raised (thrown by the handler, after authentication). */
  static final String PARSED = "vecstore.pinecone.parsed";

  /**
   * Where a route's namespace is found. KEY: a listing that shows a namespace key its own
   * namespace only (and the admin key everything), so only a namespace key's namespace counts.
   */
  private enum Source { BODY_JSON, BODY_QUERY, QUERY, PATH, KEY }

  private record Resolver(Source source, Function<com.fasterxml.jackson.databind.JsonNode, Object> parser) {}

  private final JsonBodies bodies;
  private final PineconeConfig config;
  private final NamespaceManager manager;
  private final ClusterHooks cluster;
  private final String adminKey;
  private final PineconeData data;
  private final PineconeControl control;
  private final Map<String, Resolver> resolvers = Map.ofEntries(
      Map.entry("POST " + PREFIX + "/describe_index_stats", new Resolver(Source.KEY, null)),
      Map.entry("GET " + PREFIX + "/namespaces", new Resolver(Source.KEY, null)),
      Map.entry("POST " + PREFIX + "/vectors/upsert", new Resolver(Source.BODY_JSON, PineconeBodies::upsert)),
      Map.entry("POST " + PREFIX + "/query", new Resolver(Source.BODY_QUERY, null)),
      Map.entry("GET " + PREFIX + "/vectors/fetch", new Resolver(Source.QUERY, null)),
      Map.entry("POST " + PREFIX + "/vectors/fetch_by_metadata", new Resolver(Source.BODY_JSON, PineconeBodies::fetchByMetadata)),
      Map.entry("POST " + PREFIX + "/vectors/update", new Resolver(Source.BODY_JSON, PineconeBodies::update)),
      Map.entry("POST " + PREFIX + "/vectors/delete", new Resolver(Source.BODY_JSON, PineconeBodies::delete)),
      Map.entry("GET " + PREFIX + "/vectors/list", new Resolver(Source.QUERY, null)),
      Map.entry("GET " + PREFIX + "/namespaces/{namespace}", new Resolver(Source.PATH, null)),
      Map.entry("DELETE " + PREFIX + "/namespaces/{namespace}", new Resolver(Source.PATH, null)));

  /**
   * @param adminKey the admin key, or null when authentication is off
   * @param cluster which local namespaces listings and statistics show (cluster mode: those owned
   *     here), and what other nodes know: the namespace of a key, the settings of a namespace
   */
  public PineconeRoutes(NamespaceManager manager, JsonBodies bodies, PineconeConfig config, String adminKey,
      ClusterHooks cluster) {
    this.manager = manager;
    this.adminKey = adminKey;
    this.bodies = bodies;
    this.config = config;
    this.cluster = cluster;
    this.control = new PineconeControl(manager, bodies, config, cluster);
    this.data = new PineconeData(manager, bodies, control, cluster::presents);
  }

  public void register(RoutesConfig routes) {
    routes.post(PREFIX + "/vectors/upsert", data::upsert, DATA_WRITE);
    routes.post(PREFIX + "/query", data::query, DATA_READ);
    routes.get(PREFIX + "/vectors/fetch", data::fetch, DATA_READ);
    routes.post(PREFIX + "/vectors/fetch_by_metadata", data::fetchByMetadata, DATA_READ);
    routes.post(PREFIX + "/vectors/update", data::update, DATA_WRITE);
    routes.post(PREFIX + "/vectors/delete", data::delete, DATA_WRITE);
    routes.get(PREFIX + "/vectors/list", data::list, DATA_READ);
    routes.post(PREFIX + "/describe_index_stats", data::stats, ANY_KEY);
    routes.get(PREFIX + "/namespaces", data::listNamespaces, ANY_KEY);
    routes.post(PREFIX + "/namespaces", data::createNamespace, ADMIN);
    routes.get(PREFIX + "/namespaces/{namespace}", data::describeNamespace, DATA_READ);
    routes.delete(PREFIX + "/namespaces/{namespace}", data::deleteNamespace, ADMIN);

    routes.get(PREFIX + "/indexes", control::list, ANY_KEY);
    routes.post(PREFIX + "/indexes", control::create, ADMIN);
    routes.get(PREFIX + "/indexes/{index_name}", control::describe, ANY_KEY);

    // Pinecone features VecStore does not have: a clear refusal rather than a bare 404.
    routes.delete(PREFIX + "/indexes/{index_name}", PineconeControl.unsupported(
        "Deleting the index is not supported: this server is the index. Delete its namespaces instead "
            + "(DELETE /pinecone/namespaces/{namespace})"), ADMIN);
    routes.patch(PREFIX + "/indexes/{index_name}", PineconeControl.unsupported(
        "Configuring the index is not supported: set quotas and statuses per namespace with VecStore's admin API"), ADMIN);
    routes.post(PREFIX + "/indexes/create-for-model", PineconeControl.unsupported(
        "Integrated inference is not supported: send vectors (values) rather than text"), ADMIN);
    String inference = "Integrated inference (records with text embedded by the server) is not supported: upsert and query vectors";
    routes.post(PREFIX + "/records/namespaces/{namespace}/upsert", PineconeControl.unsupported(inference), ANY_KEY);
    routes.post(PREFIX + "/records/namespaces/{namespace}/search", PineconeControl.unsupported(inference), ANY_KEY);
    String bulk = "Bulk import from object storage is not supported: upsert in batches, or import a VecStore snapshot "
        + "(POST /admin/namespaces/import)";
    routes.post(PREFIX + "/bulk/imports", PineconeControl.unsupported(bulk), ANY_KEY);
    routes.get(PREFIX + "/bulk/imports", PineconeControl.unsupported(bulk), ANY_KEY);
    routes.get(PREFIX + "/bulk/imports/{id}", PineconeControl.unsupported(bulk), ANY_KEY);
    routes.delete(PREFIX + "/bulk/imports/{id}", PineconeControl.unsupported(bulk), ANY_KEY);
  }

  /**
   * Before authentication on every matched route: for a Pinecone data route, parses its body (the
   * parse error, if any, is kept for the handler, so a bad key is still a 401 first) and records
   * the namespace it is for.
   */
  public void resolve(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    Resolver resolver = endpoint == null || !endpoint.path.startsWith(PREFIX) ? null
        : resolvers.get(ctx.method().name() + " " + endpoint.path);
    if (resolver == null) {
      return;
    }
    String keyNamespace = keyNamespace(ctx);
    if (resolver.source() == Source.KEY) {
      if (keyNamespace != null) {
        RequestNamespace.set(ctx, keyNamespace);
      }
      return;
    }
    String given = switch (resolver.source()) {
      case KEY -> throw new IllegalStateException("handled above");
      case PATH -> ctx.pathParam("namespace");
      case QUERY -> ctx.queryParam("namespace");
      // A body is read before authentication only for a key that may pass it (the admin key, or
      // a namespace key known to the cluster): anyone else is refused without the server reading it.
      case BODY_JSON, BODY_QUERY -> mayPass(ctx, keyNamespace) ? parsedNamespace(ctx, resolver) : null;
    };
    String namespace = given == null || given.isEmpty() || given.equals(PineconeBodies.DEFAULT_NAMESPACE)
        ? (keyNamespace != null ? keyNamespace : config.defaultNamespace()) : given;
    if (namespace != null) {
      RequestNamespace.set(ctx, namespace);
    }
  }

  /** Whether the request's key may pass authentication: none is needed, it is the admin key, or a namespace key's id is known. */
  private boolean mayPass(Context ctx, String keyNamespace) {
    if (adminKey == null || keyNamespace != null) {
      return true;
    }
    String key = Authenticator.credentials(ctx);
    return key != null && io.vecstore.core.auth.ApiKeys.secretEquals(adminKey, key);
  }

  private String parsedNamespace(Context ctx, Resolver resolver) {
    Object parsed;
    try {
      parsed = resolver.source() == Source.BODY_QUERY ? PineconeBodies.query(bodies.readBytes(ctx))
          : resolver.parser().apply(bodies.read(ctx));
    } catch (RuntimeException e) {
      ctx.attribute(PARSED, e);
      return null;
    }
    ctx.attribute(PARSED, parsed);
    return ((PineconeBodies.Namespaced) parsed).namespace();
  }

  /** The namespace the request's namespace key names (asked of the cluster when not known here), or null. */
  private String keyNamespace(Context ctx) {
    String key = Authenticator.credentials(ctx);
    String named = manager.keys().namespaceNamedBy(key);
    if (named == null && key != null && io.vecstore.core.auth.ApiKeys.idOf(key) != null) {
      named = cluster.namespaceNamedBy(key);
    }
    return named;
  }
}
