package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.vecstore.cluster.ClaimResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.ForwardRequest;
import io.vecstore.cluster.ForwardResponse;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Placement;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.CachedBody;
import io.vecstore.http.ClusterHooks;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.HttpError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Routes every REST request of a cluster node (see {@link ClusterHooks}):
 *
 * <ul>
 *   <li>Namespace routes ({@code /admin/namespaces/{id}/…}, {@code /v1/namespaces/{ns}/…}), before
 *       authentication: served here when this node owns the namespace (the route's epoch is noted
 *       for the write check), else replayed on the owner as they came, keys included, and its
 *       answer returned unchanged; 503 {@code owner_down} when the owner is not live. A forwarded
 *       request is never forwarded again.
 *   <li>Creates and imports, after authentication: the namespace is placed first (least loaded
 *       node; an import of a local Lucene index on this node), then created on its owner.
 *   <li>{@code GET /admin/namespaces}, {@code /admin/stats}, {@code /admin/usage}, after
 *       authentication: asked of every live node (each answers for what it owns) and merged.
 * </ul>
 *
 * A request whose forward finds the namespace moved ({@code not_owner}) is routed again from a
 * fresh read of its placement, and so is a write here that waited for a move and was refused.
 *
 * <p>Thread-safe.
 */
final class RestRouting implements ClusterHooks {

  /** Header with the client's address on a forwarded request (trusted only from cluster nodes). */
  static final String CLIENT_IP = "X-VecStore-Client-IP";
  /** Header naming the nodes that did not answer a cluster-wide listing (it is partial then). */
  static final String UNREACHABLE = "X-VecStore-Unreachable-Nodes";
  private static final Set<String> NOT_COPIED = Set.of("date", "server", "content-length", "transfer-encoding", "connection");
  private static final byte[] NOT_OWNER_CODE = "\"code\":\"not_owner\"".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_FORWARDS = 3;
  private static final String CLAIMED = "vecstore.cluster.claimedEpoch";
  private static final String CLAIMED_ID = "vecstore.cluster.claimedId";

  private final Supplier<ClusterNode> node;
  private final NamespaceManager manager;
  private final OwnershipCheck check;
  private final ClusterMetrics metrics;
  private final NodeClient client;
  private final InternalRoutes internal;
  private final long maxBodyBytes;
  private final Map<String, Set<String>> resolvedHosts = new ConcurrentHashMap<>();

  RestRouting(Supplier<ClusterNode> node, NamespaceManager manager, OwnershipCheck check, ClusterMetrics metrics,
      NodeClient client, InternalRoutes internal, long maxBodyBytes) {
    this.node = node;
    this.manager = manager;
    this.check = check;
    this.metrics = metrics;
    this.client = client;
    this.internal = internal;
    this.maxBodyBytes = maxBodyBytes;
  }

  // --- hooks ---------------------------------------------------------------------------------

  @Override
  public boolean beforeAuth(Context ctx) {
    check.routedAt(-1);
    String id = namespaceOf(ctx);
    if (id == null || isInternal(ctx) || !NamespaceIds.isValid(id)) {
      return false; // not a namespace route, or an id the handler refuses as a single server does
    }
    ClusterNode n = joined();
    Route route = n.router().route(id);
    return switch (route) {
      case Route.Local local -> {
        check.routedAt(local.epoch());
        yield false;
      }
      case Route.Remote remote -> {
        if (isForwarded(ctx)) {
          yield serveForwarded(ctx, n, id);
        }
        yield forward(ctx, id, remote, bodyLimit(ctx));
      }
      case Route.OwnerDown down -> throw UnavailableException.ownerDown(id, down.nodeId(), 5);
      case Route.Unplaced unplaced -> false; // looked up fresh after authentication (see afterAuth)
    };
  }

  @Override
  public boolean afterAuth(Context ctx) {
    String template = template(ctx);
    String method = ctx.method().name();
    boolean forwarded = isForwarded(ctx);
    if (method.equals("POST") && template.equals("/admin/namespaces")) {
      return place(ctx, idOfJsonBody(ctx), forwarded, false);
    }
    if (method.equals("POST") && template.equals("/admin/namespaces/import")) {
      return place(ctx, idOfImport(ctx), forwarded, false);
    }
    if (method.equals("POST") && template.equals("/admin/namespaces/import-lucene")) {
      return place(ctx, idOfJsonBody(ctx), forwarded, true);
    }
    if (method.equals("GET") && !forwarded
        && (template.equals("/admin/namespaces") || template.equals("/admin/stats") || template.equals("/admin/usage"))) {
      return fanOut(ctx, template);
    }
    String id = namespaceOf(ctx);
    if (id != null && !isInternal(ctx) && NamespaceIds.isValid(id) && joined().router().route(id) instanceof Route.Unplaced) {
      // Unknown to this node's cache: maybe created a moment ago through another node.
      Route fresh = freshRoute(id);
      if (fresh instanceof Route.Local local) {
        check.routedAt(local.epoch());
      } else if (fresh instanceof Route.Remote remote) {
        return forwarded ? serveForwarded(ctx, joined(), id) : forward(ctx, id, remote, bodyLimit(ctx));
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
    Long claimed = ctx.attribute(CLAIMED);
    String template = template(ctx);
    String id;
    if (n == null) {
      return;
    }
    if (ctx.method().name().equals("DELETE") && template.equals("/admin/namespaces/{id}") && ctx.statusCode() == 200
        && (id = namespaceOf(ctx)) != null) {
      release(n, id);
    } else if (claimed != null && ctx.statusCode() / 100 == 4 && ctx.statusCode() != 409
        && (id = ctx.attribute(CLAIMED_ID)) != null && !manager.ids().contains(id)) {
      release(n, id);
    }
  }

  private static void release(ClusterNode n, String id) {
    Placement p = n.placements().cached(id);
    try {
      if (p != null && p.owner().equals(n.nodeId())) {
        n.placements().release(id, p.epoch());
      }
    } catch (ClusterUnavailableException e) {
      // This node's sweep of local copies releases it later (owned here, not on disk).
    }
  }

  @Override
  public boolean retryElsewhere(Context ctx, UnavailableException refusal) {
    String id = namespaceOf(ctx);
    ClusterNode n = node.get();
    if (id == null || n == null || isForwarded(ctx) || !NamespaceIds.isValid(id)) {
      return false; // the node that forwarded it routes it again
    }
    if (n.router().route(id) instanceof Route.Remote remote) {
      return forward(ctx, id, remote, bodyLimit(ctx));
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
    String claimed = ctx.header(CLIENT_IP);
    if (claimed == null || !isForwarded(ctx) || !fromNode(ctx.req().getRemoteAddr())) {
      return null;
    }
    return claimed;
  }

  @Override
  public void addRoutes(RoutesConfig routes) {
    internal.register(routes);
  }

  // --- placing new namespaces ----------------------------------------------------------------

  /**
   * A create or import of {@code id}: claims its placement (on the least loaded node, or on this
   * one for a Lucene import of files here) and serves it where it landed. Returns whether it
   * answered; false lets the handler run here (also when the request is invalid: its 400).
   */
  private boolean place(Context ctx, String id, boolean forwarded, boolean onThisNode) {
    if (id == null || !NamespaceIds.isValid(id)) {
      return false;
    }
    ClusterNode n = joined();
    if (forwarded) {
      Route route = n.router().route(id);
      if (!(route instanceof Route.Local)) {
        route = freshRoute(id); // the placement was made by the sender a moment ago
      }
      if (route instanceof Route.Local local) {
        check.routedAt(local.epoch());
        return false;
      }
      throw UnavailableException.notOwner(id, "it was placed on another node", 1);
    }
    ClaimResult claim;
    try {
      claim = onThisNode ? n.placements().claimOn(id, n.nodeId()) : n.placements().claim(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "the cluster cannot place it now (" + e.getMessage() + ")", 2);
    }
    boolean claimedNow = claim instanceof ClaimResult.Claimed;
    Placement placement = switch (claim) {
      case ClaimResult.Claimed c -> c.placement();
      case ClaimResult.AlreadyPlaced a -> a.existing();
    };
    if (placement == null) {
      throw new AlreadyExistsException(id);
    }
    if (placement.owner().equals(n.nodeId())) {
      check.routedAt(placement.epoch());
      if (claimedNow) {
        ctx.attribute(CLAIMED, placement.epoch());
        ctx.attribute(CLAIMED_ID, id);
      }
      return false; // created here (or 409 here, if it exists)
    }
    if (onThisNode) {
      throw new AlreadyExistsException(id); // its files are here, the namespace is elsewhere
    }
    Route route = n.router().route(id);
    if (route instanceof Route.Remote remote) {
      boolean answered = forward(ctx, id, remote, -1);
      if (claimedNow && ctx.statusCode() / 100 == 4 && ctx.statusCode() != 409) {
        n.placements().release(id, placement.epoch()); // refused as invalid: nothing was created
      }
      return answered;
    }
    if (route instanceof Route.OwnerDown down) {
      throw UnavailableException.ownerDown(id, down.nodeId(), 5);
    }
    throw new AlreadyExistsException(id);
  }

  private String idOfJsonBody(Context ctx) {
    byte[] body = body(ctx, maxBodyBytes);
    try {
      JsonNode id = JsonCodec.MAPPER.readTree(body).get("id");
      return id != null && id.isTextual() ? id.asText() : null;
    } catch (IOException | RuntimeException e) {
      return null; // the handler reports the malformed body
    }
  }

  /** {@code ?id=}, else the id in the archive's namespace.json (the whole body is read for it). */
  private String idOfImport(Context ctx) {
    String id = ctx.queryParam("id");
    if (id != null && !id.isEmpty()) {
      return id;
    }
    byte[] body = body(ctx, -1);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(body)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().equals("namespace.json")) {
          JsonNode meta = JsonCodec.MAPPER.readTree(tar.readAllBytes());
          return meta.path("id").isTextual() ? meta.get("id").asText() : null;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not an archive: the handler says so
    }
    return null;
  }

  // --- forwarding ----------------------------------------------------------------------------

  /**
   * Replays the request on {@code owner} and writes its answer here. When the owner says the
   * namespace is not its own any more, the placement is read fresh and the request goes where it
   * says (here: returns false, the handler serves it from the kept body).
   */
  private boolean forward(Context ctx, String id, Route.Remote owner, long bodyLimit) {
    ClusterNode n = joined();
    ForwardRequest request = new ForwardRequest(ctx.method().name(), pathAndQuery(ctx), headers(ctx), body(ctx, bodyLimit));
    Route.Remote target = owner;
    for (int attempt = 1; ; attempt++) {
      ForwardResponse response;
      try {
        response = n.forwarder().forward(target, request);
        metrics.forwarded("rest", target.nodeId());
      } catch (IOException e) {
        throw UnavailableException.ownerDown(id, target.nodeId(), 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw UnavailableException.ownerDown(id, target.nodeId(), 2);
      } catch (IllegalArgumentException notLive) {
        response = null; // it left since the route was taken
      }
      if (attempt < MAX_FORWARDS && (response == null || isNotOwner(response))) {
        Route fresh = freshRoute(id);
        if (fresh instanceof Route.Local local) {
          check.routedAt(local.epoch());
          return false;
        }
        if (fresh instanceof Route.Remote again) {
          target = again;
          continue;
        }
        if (fresh instanceof Route.OwnerDown down) {
          throw UnavailableException.ownerDown(id, down.nodeId(), 5);
        }
      }
      if (response == null) {
        throw UnavailableException.ownerDown(id, target.nodeId(), 2);
      }
      write(ctx, response);
      return true;
    }
  }

  /** A request another node forwarded here although this node's cache says it is elsewhere. */
  private boolean serveForwarded(Context ctx, ClusterNode n, String id) {
    Route fresh = freshRoute(id);
    if (fresh instanceof Route.Local local) {
      check.routedAt(local.epoch());
      return false;
    }
    if (fresh instanceof Route.Unplaced) {
      return false; // the handler answers 404
    }
    throw UnavailableException.notOwner(id, "another node owns it", 1);
  }

  private Route freshRoute(String id) {
    try {
      return joined().router().routeFresh(id);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(id, "ZooKeeper is not reachable to find its owner", 2);
    }
  }

  private static boolean isNotOwner(ForwardResponse response) {
    if (response.status() != 503) {
      return false;
    }
    byte[] body = response.body();
    outer:
    for (int i = 0; i + NOT_OWNER_CODE.length <= body.length; i++) {
      for (int j = 0; j < NOT_OWNER_CODE.length; j++) {
        if (body[i + j] != NOT_OWNER_CODE[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static void write(Context ctx, ForwardResponse response) {
    ctx.status(response.status());
    response.headers().forEach((name, values) -> {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.equals("content-type")) {
        ctx.contentType(values.getFirst()); // replaces Javalin's default rather than adding a second one
      } else if (!NOT_COPIED.contains(lower)) {
        values.forEach(v -> ctx.res().addHeader(name, v));
      }
    });
    ctx.result(response.body());
  }

  private Map<String, List<String>> headers(Context ctx) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      if (!name.equalsIgnoreCase(CLIENT_IP)) {
        out.put(name, Collections.list(ctx.req().getHeaders(name)));
      }
    }
    out.put(CLIENT_IP, List.of(ctx.ip()));
    return out;
  }

  static String pathAndQuery(Context ctx) {
    String query = ctx.queryString();
    return ctx.req().getRequestURI() + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  /**
   * The body, read once and kept (the handler may still need it); over {@code limit} bytes (-1:
   * no limit, imports) it is a 413 as the owner would answer.
   */
  private static byte[] body(Context ctx, long limit) {
    byte[] kept = CachedBody.get(ctx);
    if (kept != null) {
      return kept;
    }
    if (limit >= 0 && ctx.contentLength() > limit) {
      throw HttpError.payloadTooLarge(limit);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int r; (r = in.read(buf)) != -1; ) {
        total += r;
        if (limit >= 0 && total > limit) {
          throw HttpError.payloadTooLarge(limit);
        }
        out.write(buf, 0, r);
      }
      byte[] body = out.toByteArray();
      CachedBody.put(ctx, body);
      return body;
    } catch (IOException e) {
      throw HttpError.unreadableBody(e);
    }
  }

  /** JSON routes are bound by the body limit; archive imports are not (as on a single server). */
  private long bodyLimit(Context ctx) {
    return template(ctx).equals("/admin/namespaces/import") ? -1 : maxBodyBytes;
  }

  // --- cluster-wide listings -----------------------------------------------------------------

  /** Asks every live node (this one too) for what it owns and merges the answers. */
  private boolean fanOut(Context ctx, String template) {
    ClusterNode n = joined();
    boolean usage = template.equals("/admin/usage");
    String query = ctx.queryString() == null ? "" : ctx.queryString();
    String format = ctx.queryParam("format");
    boolean csv = usage && ("csv".equals(format)
        || ((format == null || format.isEmpty()) && ctx.header("Accept") != null && ctx.header("Accept").contains("text/csv")));
    if (usage) {
      query = (query.replaceAll("(^|&)format=[^&]*", "") + "&format=json").replaceAll("^&", "");
    }
    String path = ctx.req().getRequestURI() + (query.isEmpty() ? "" : "?" + query);
    List<NodeInfo> nodes = new ArrayList<>(n.liveNodes().values());
    List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (NodeInfo target : nodes) {
      var request = client.request(target.advertiseUrl(), path, java.time.Duration.ofSeconds(30))
          .header(Forwarder.FORWARDED_BY, n.nodeId()).GET();
      String auth = ctx.header("Authorization");
      String apiKey = ctx.header("Api-Key");
      if (auth != null) {
        request.setHeader("Authorization", auth);
      } else if (apiKey != null) {
        request.header("Api-Key", apiKey);
      }
      calls.add(client.sendAsync(request.build()));
    }
    List<JsonNode> answers = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      java.net.http.HttpResponse<byte[]> response;
      try {
        response = calls.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw UnavailableException.shuttingDown();
      } catch (java.util.concurrent.ExecutionException e) {
        unreachable.add(nodes.get(i).nodeId());
        continue;
      }
      if (response.statusCode() != 200) {
        // The same refusal on every node (a bad parameter): answer as one node would.
        write(ctx, new ForwardResponse(response.statusCode(), response.headers().map(), response.body()));
        return true;
      }
      answers.add(ListingMerge.parse(response.body()));
    }
    if (!unreachable.isEmpty()) {
      ctx.header(UNREACHABLE, String.join(",", unreachable));
    }
    switch (template) {
      case "/admin/namespaces" -> {
        String limit = ctx.queryParam("limit");
        ctx.json(ListingMerge.page(answers, limit == null || limit.isEmpty() ? 100 : Integer.parseInt(limit)));
      }
      case "/admin/stats" -> ctx.json(ListingMerge.sum(answers));
      default -> {
        var days = ListingMerge.usage(answers);
        if (csv) {
          String from = answers.isEmpty() ? "" : answers.getFirst().path("from").asText();
          String to = answers.isEmpty() ? "" : answers.getFirst().path("to").asText();
          ctx.contentType("text/csv; charset=utf-8");
          ctx.header("Content-Disposition", "attachment; filename=\"vecstore-usage-" + from + "-" + to + ".csv\"");
          ctx.result(io.vecstore.http.dto.Views.usageCsv(days));
        } else if (answers.isEmpty()) {
          throw UnavailableException.shuttingDown();
        } else {
          ctx.json(io.vecstore.http.dto.Views.usage(java.time.LocalDate.parse(answers.getFirst().path("from").asText()),
              java.time.LocalDate.parse(answers.getFirst().path("to").asText()), days));
        }
      }
    }
    return true;
  }

  // --- helpers -------------------------------------------------------------------------------

  private ClusterNode joined() {
    ClusterNode n = node.get();
    if (n == null) {
      throw new HttpError(503, "not_ready", "This node has not joined the cluster yet");
    }
    return n;
  }

  private static String template(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint(); // set before the before-matched handlers run
    return endpoint == null ? "" : endpoint.path;
  }

  private static boolean isInternal(Context ctx) {
    return template(ctx).startsWith(InternalRoutes.PREFIX);
  }

  /** The namespace of a namespace route ({@code {id}} of an admin route, {@code {ns}} of a data route), else null. */
  static String namespaceOf(Context ctx) {
    Map<String, String> params = ctx.pathParamMap();
    String id = params.get("ns");
    if (id == null && template(ctx).startsWith("/admin/namespaces/{id}")) {
      id = params.get("id");
    }
    return id;
  }

  static boolean isForwarded(Context ctx) {
    return ctx.header(Forwarder.FORWARDED_BY) != null;
  }

  /** Whether a connection comes from a live node's advertised host (so its client-address header is believed). */
  private boolean fromNode(String remoteAddress) {
    ClusterNode n = node.get();
    if (n == null) {
      return false;
    }
    for (NodeInfo info : n.liveNodes().values()) {
      String host = info.advertiseUrl().getHost();
      if (resolvedHosts.computeIfAbsent(host, RestRouting::resolve).contains(remoteAddress)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> resolve(String host) {
    try {
      Set<String> addresses = new java.util.HashSet<>();
      for (InetAddress a : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
        addresses.add(a.getHostAddress());
      }
      return addresses;
    } catch (UnknownHostException e) {
      return Set.of();
    }
  }
}
