package io.vecstore.server.cluster;

import io.javalin.http.Context;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ForwardRequest;
import io.vecstore.cluster.ForwardResponse;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.http.CachedBody;
import io.vecstore.http.errors.HttpError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A REST request between nodes. Sending: the request is replayed on its namespace's owner as it
 * came (keys included, and the client's address in {@link #CLIENT_IP}) and the owner's answer is
 * written back unchanged; when the owner says the namespace is not its own any more it goes where
 * a fresh read of the placement says. Receiving: a forwarded request is served here only when a
 * fresh read says this node owns the namespace (or that it is nowhere: the handler's 404), and its
 * client address is believed only from a live node.
 *
 * <p>Thread-safe; its one piece of state, the resolved addresses of the nodes' hosts, is a
 * concurrent map.
 */
final class RestForwarding {

  /** Header with the client's address on a forwarded request (trusted only from cluster nodes). */
  static final String CLIENT_IP = "X-VecStore-Client-IP";
  private static final Set<String> NOT_COPIED = Set.of("date", "server", "content-length", "transfer-encoding", "connection");
  private static final byte[] NOT_OWNER_CODE = "\"code\":\"not_owner\"".getBytes(StandardCharsets.UTF_8);

  private final Supplier<ClusterNode> node;
  private final OwnershipCheck check;
  private final ClusterMetrics metrics;
  private final long maxBodyBytes;
  private final Map<String, Set<String>> resolvedHosts = new ConcurrentHashMap<>();

  RestForwarding(Supplier<ClusterNode> node, OwnershipCheck check, ClusterMetrics metrics, long maxBodyBytes) {
    this.node = node;
    this.check = check;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** This node in the cluster; until it has joined, requests that need it are answered 503 {@code not_ready}. */
  ClusterNode joined() {
    ClusterNode n = node.get();
    if (n == null) {
      throw new HttpError(503, "not_ready", "This node has not joined the cluster yet");
    }
    return n;
  }

  /**
   * Replays the request on {@code owner} and writes its answer here. When the owner says the
   * namespace is not its own any more, the placement is read fresh and the request goes where it
   * says (here: returns false, the handler serves it from the kept body).
   */
  boolean forward(Context ctx, String id, Route.Remote owner, long bodyLimit) {
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
      if (attempt < RoutingSteps.MAX_FORWARDS && (response == null || isNotOwner(response))) {
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

  /**
   * A request another node forwarded here although this node's cache says the namespace is
   * elsewhere: returns false for the handler to serve it (or answer 404), else refuses it.
   */
  boolean serveForwarded(String id) {
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

  Route freshRoute(String id) {
    return RoutingSteps.fresh(joined(), id);
  }

  /** A 503 {@code not_owner}: the namespace moved on from the node the request was sent to. */
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

  /** Writes another node's answer as this node's (headers that belong to that connection left out). */
  static void write(Context ctx, ForwardResponse response) {
    ctx.status(response.status());
    response.headers().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("content-type")) {
        ctx.contentType(values.getFirst()); // replaces Javalin's default rather than adding a second one
      } else if (!NOT_COPIED.contains(lower)) {
        values.forEach(v -> ctx.res().addHeader(name, v));
      }
    });
    ctx.result(response.body());
  }

  private static Map<String, List<String>> headers(Context ctx) {
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
  static byte[] body(Context ctx, long limit) {
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
  long bodyLimit(Context ctx) {
    return RestRouting.template(ctx).equals("/admin/namespaces/import") ? -1 : maxBodyBytes;
  }

  static boolean isForwarded(Context ctx) {
    return ctx.header(Forwarder.FORWARDED_BY) != null;
  }

  /** The client address a forwarding node names, believed only on a forwarded request from a live node; else null. */
  String clientIp(Context ctx) {
    String claimed = ctx.header(CLIENT_IP);
    if (claimed == null || !isForwarded(ctx) || !fromNode(ctx.req().getRemoteAddr())) {
      return null;
    }
    return claimed;
  }

  /** Whether a connection comes from a live node's advertised host (so its client-address header is believed). */
  private boolean fromNode(String remoteAddress) {
    ClusterNode n = node.get();
    if (n == null) {
      return false;
    }
    for (NodeInfo info : n.liveNodes().values()) {
      String host = info.advertiseUrl().getHost();
      if (resolvedHosts.computeIfAbsent(host, RestForwarding::resolve).contains(remoteAddress)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> resolve(String host) {
    try {
      Set<String> addresses = new HashSet<>();
      for (InetAddress a : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
        addresses.add(a.getHostAddress());
      }
      return addresses;
    } catch (UnknownHostException e) {
      return Set.of();
    }
  }
}
