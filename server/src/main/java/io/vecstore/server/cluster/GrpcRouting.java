package io.vecstore.server.cluster;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.vecstore.cluster.ClaimResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Placement;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.grpc.GrpcErrors;
import io.vecstore.grpc.v1.GetAggregateStatsResponse;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.ListNamespacesResponse;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Routes every call of the VecStore gRPC services on a cluster node, the gRPC counterpart of
 * {@link RestRouting}: a call on a namespace (its {@code namespace} or {@code id} field) runs here
 * when this node owns it, with the route's epoch for the write check, else it is replayed on the
 * owner's gRPC address with the caller's key and its answer (message, or status and trailers)
 * returned unchanged; CreateNamespace places first; ListNamespaces and GetAggregateStats ask every
 * node and merge. Sits between the metrics and the authentication interceptors, so a namespace's
 * own keys are checked by the node that holds it. A forwarded call carries
 * {@code x-vecstore-forwarded-by} and is never forwarded again.
 *
 * <p>Thread-safe. The channels to other nodes are closed by {@link #close}.
 */
final class GrpcRouting implements ServerInterceptor, AutoCloseable {

  static final Metadata.Key<String> FORWARDED_BY =
      Metadata.Key.of(Forwarder.FORWARDED_BY.toLowerCase(java.util.Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLIENT_IP =
      Metadata.Key.of(RestRouting.CLIENT_IP.toLowerCase(java.util.Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);
  private static final long DEADLINE_SECONDS = 30;
  private static final int MAX_FORWARDS = 3;

  /** What routing a method needs. */
  private enum Kind { NAMESPACE, CREATE, LIST, AGGREGATE }

  private final Map<String, Kind> kinds = new HashMap<>();
  private final Supplier<ClusterNode> node;
  private final OwnershipCheck check;
  private final ClusterMetrics metrics;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  GrpcRouting(Supplier<ClusterNode> node, OwnershipCheck check, ClusterMetrics metrics) {
    this.node = node;
    this.check = check;
    this.metrics = metrics;
    VecStoreServiceGrpc.getServiceDescriptor().getMethods().forEach(m -> kinds.put(m.getFullMethodName(), Kind.NAMESPACE));
    VecStoreAdminServiceGrpc.getServiceDescriptor().getMethods().forEach(m -> kinds.put(m.getFullMethodName(), Kind.NAMESPACE));
    kinds.put(VecStoreAdminServiceGrpc.getCreateNamespaceMethod().getFullMethodName(), Kind.CREATE);
    kinds.put(VecStoreAdminServiceGrpc.getListNamespacesMethod().getFullMethodName(), Kind.LIST);
    kinds.put(VecStoreAdminServiceGrpc.getGetAggregateStatsMethod().getFullMethodName(), Kind.AGGREGATE);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Kind kind = kinds.get(call.getMethodDescriptor().getFullMethodName());
    if (kind == null) {
      return next.startCall(call, headers);
    }
    Routed<Q, R> routed = new Routed<>(call, headers, next, kind);
    call.request(1); // the handler, started once the request is in, asks for its own
    return routed;
  }

  /** One call: held until its request arrives, then served here, forwarded, or answered from all nodes. */
  private final class Routed<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final Metadata headers;
    private final ServerCallHandler<Q, R> next;
    private final Kind kind;
    private final boolean forwarded;
    private ServerCall.Listener<Q> delegate;
    private Q request;
    private String id;
    private long epoch = -1;
    private boolean halfClosed;
    private boolean retried;

    Routed(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, Kind kind) {
      this.call = call;
      this.headers = headers;
      this.next = next;
      this.kind = kind;
      this.forwarded = headers.containsKey(FORWARDED_BY);
    }

    @Override
    public void onMessage(Q message) {
      if (request != null) {
        return; // unary: one request; the handler refuses a second one itself
      }
      request = message;
      try {
        route();
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    private void route() {
      ClusterNode n = node.get();
      if (n == null) {
        throw UnavailableException.notOwner("?", "this node has not joined the cluster yet", 2);
      }
      switch (kind) {
        case LIST, AGGREGATE -> {
          if (forwarded) {
            serveHere(-1);
          } else {
            fanOut(n);
          }
        }
        case CREATE -> create(n);
        case NAMESPACE -> {
          id = field(request, "namespace", "id");
          if (id == null || !NamespaceIds.isValid(id)) {
            serveHere(-1); // the service answers the bad id
            return;
          }
          Route route = n.router().route(id);
          if (route instanceof Route.Unplaced) {
            route = fresh(n, id);
          }
          dispatch(n, route);
        }
      }
    }

    private void dispatch(ClusterNode n, Route route) {
      switch (route) {
        case Route.Local local -> serveHere(local.epoch());
        case Route.Remote remote -> {
          if (forwarded) {
            Route fresh = fresh(n, id);
            if (fresh instanceof Route.Local local) {
              serveHere(local.epoch());
            } else if (fresh instanceof Route.Unplaced) {
              serveHere(-1);
            } else {
              throw UnavailableException.notOwner(id, "another node owns it", 1);
            }
          } else {
            forward(n, remote, 1);
          }
        }
        case Route.OwnerDown down -> throw UnavailableException.ownerDown(id, down.nodeId(), 5);
        case Route.Unplaced unplaced -> serveHere(-1); // the service answers not found
      }
    }

    private void create(ClusterNode n) {
      id = field(request, "id");
      if (id == null || !NamespaceIds.isValid(id)) {
        serveHere(-1);
        return;
      }
      if (forwarded) {
        Route route = n.router().route(id);
        dispatch(n, route instanceof Route.Local ? route : fresh(n, id));
        return;
      }
      ClaimResult claim;
      try {
        claim = n.placements().claim(id);
      } catch (ClusterUnavailableException e) {
        throw UnavailableException.notOwner(id, "the cluster cannot place it now (" + e.getMessage() + ")", 2);
      }
      Placement placement = switch (claim) {
        case ClaimResult.Claimed c -> c.placement();
        case ClaimResult.AlreadyPlaced a -> a.existing();
      };
      if (placement == null) {
        throw new AlreadyExistsException(id);
      }
      if (placement.owner().equals(n.nodeId())) {
        serveHere(placement.epoch());
      } else if (n.router().route(id) instanceof Route.Remote remote) {
        forward(n, remote, 1);
      } else {
        throw UnavailableException.ownerDown(id, placement.owner(), 5);
      }
    }

    /** Runs the call here: the handler starts now and gets the request (and the half-close, when it came). */
    private void serveHere(long routedEpoch) {
      epoch = routedEpoch;
      ServerCall<Q, R> served = new SimpleForwardingServerCall<>(forwarded ? withClientAddress(call, headers) : call) {
        @Override
        public void close(Status status, Metadata trailers) {
          if (movedAway(status, trailers)) {
            return; // answered by the new owner instead
          }
          if (status.isOk() && id != null && getMethodDescriptor().getFullMethodName()
              .equals(VecStoreAdminServiceGrpc.getDeleteNamespaceMethod().getFullMethodName())) {
            releasePlacement(id);
          }
          super.close(status, trailers);
        }
      };
      delegate = next.startCall(served, headers);
      delegate.onMessage(request);
      if (halfClosed) {
        runHalfClose();
      }
    }

    /** A write that waited for a move and was refused: replay it on the new owner. */
    private boolean movedAway(Status status, Metadata trailers) {
      if (forwarded || retried || id == null || !isNotOwner(status, trailers)) {
        return false;
      }
      ClusterNode n = node.get();
      if (n == null || !(n.router().route(id) instanceof Route.Remote remote)) {
        return false;
      }
      retried = true;
      forward(n, remote, 1);
      return true;
    }

    @Override
    public void onHalfClose() {
      halfClosed = true;
      if (delegate != null) {
        runHalfClose();
      }
    }

    private void runHalfClose() {
      check.routedAt(epoch); // the unary handler runs the service on this thread, now
      try {
        delegate.onHalfClose();
      } finally {
        check.routedAt(-1);
      }
    }

    @Override
    public void onCancel() {
      if (delegate != null) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (delegate != null) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (delegate != null) {
        delegate.onReady();
      }
    }

    /** Replays the call on the owner; a {@code not_owner} answer routes it again from a fresh read. */
    private void forward(ClusterNode n, Route.Remote owner, int attempt) {
      if (owner.grpcAddress() == null) {
        throw UnavailableException.ownerDown(id, owner.nodeId(), 5);
      }
      ClientCall<Q, R> out = channel(owner.grpcAddress()).newCall(call.getMethodDescriptor(),
          CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
      metrics.forwarded("grpc", owner.nodeId());
      out.start(new ClientCall.Listener<>() {
        private R response;

        @Override
        public void onMessage(R message) {
          response = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          try {
            if (status.isOk()) {
              call.sendHeaders(new Metadata());
              call.sendMessage(response);
              call.close(Status.OK, new Metadata());
            } else if (attempt < MAX_FORWARDS && isNotOwner(status, trailers)) {
              Route fresh = fresh(n, id);
              if (fresh instanceof Route.Remote again) {
                forward(n, again, attempt + 1);
              } else if (fresh instanceof Route.Local local) {
                halfClosed = true;
                serveHere(local.epoch());
              } else {
                call.close(status, trailers);
              }
            } else {
              call.close(status, trailers);
            }
          } catch (RuntimeException e) {
            fail(e);
          }
        }
      }, outgoingHeaders(n));
      out.request(1);
      out.sendMessage(request);
      out.halfClose();
    }

    private Metadata outgoingHeaders(ClusterNode n) {
      Metadata out = new Metadata();
      String auth = headers.get(AUTHORIZATION);
      if (auth != null) {
        out.put(AUTHORIZATION, auth);
      }
      String apiKey = headers.get(API_KEY);
      if (apiKey != null) {
        out.put(API_KEY, apiKey);
      }
      out.put(FORWARDED_BY, n.nodeId());
      SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
        out.put(CLIENT_IP, inet.getAddress().getHostAddress());
      }
      return out;
    }

    /** ListNamespaces or GetAggregateStats: every live node answers for what it owns; merged here. */
    @SuppressWarnings("unchecked")
    private void fanOut(ClusterNode n) {
      List<com.google.common.util.concurrent.ListenableFuture<R>> answers = new ArrayList<>();
      for (NodeInfo target : n.liveNodes().values()) {
        if (target.grpcAddress() != null) {
          ClientCall<Q, R> out = channel(target.grpcAddress()).newCall(call.getMethodDescriptor(),
              CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
          answers.add(ClientCalls.futureUnaryCall(new ForwardingHeaders<>(out, outgoingHeaders(n)), request));
        }
      }
      List<R> replies = new ArrayList<>();
      for (var answer : answers) {
        try {
          replies.add(answer.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() != Status.Code.UNAVAILABLE) {
            call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
            return;
          }
          // a node that cannot answer: the listing is partial
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw UnavailableException.shuttingDown();
        } catch (java.util.concurrent.TimeoutException e) {
          // as unreachable
        }
      }
      Object merged = kind == Kind.LIST
          ? mergePages((List<ListNamespacesResponse>) replies, (ListNamespacesRequest) request)
          : sum((List<GetAggregateStatsResponse>) replies);
      call.sendHeaders(new Metadata());
      call.sendMessage((R) merged);
      call.close(Status.OK, new Metadata());
    }

    private void fail(RuntimeException e) {
      StatusRuntimeException s = GrpcErrors.of(e, call.getMethodDescriptor().getFullMethodName());
      call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
    }
  }

  private static ListNamespacesResponse mergePages(List<ListNamespacesResponse> pages, ListNamespacesRequest request) {
    int limit = request.hasLimit() ? request.getLimit() : NamespacePage.DEFAULT_LIMIT;
    List<Namespace> all = new ArrayList<>();
    long total = 0;
    boolean more = false;
    for (ListNamespacesResponse p : pages) {
      all.addAll(p.getNamespacesList());
      total += p.getTotal();
      more |= !p.getNextCursor().isEmpty();
    }
    all.sort(Comparator.comparing(Namespace::getId));
    more |= all.size() > limit;
    List<Namespace> page = all.subList(0, Math.min(limit, all.size()));
    ListNamespacesResponse.Builder b = ListNamespacesResponse.newBuilder().setTotal(total).addAllNamespaces(page);
    if (more && !page.isEmpty()) {
      b.setNextCursor(ListingMerge.cursor(page.getLast().getId()));
    }
    return b.build();
  }

  private static GetAggregateStatsResponse sum(List<GetAggregateStatsResponse> answers) {
    GetAggregateStatsResponse.Builder b = GetAggregateStatsResponse.newBuilder();
    for (GetAggregateStatsResponse a : answers) {
      b.setTotalNamespaces(b.getTotalNamespaces() + a.getTotalNamespaces())
          .setActiveNamespaces(b.getActiveNamespaces() + a.getActiveNamespaces())
          .setTotalVectors(b.getTotalVectors() + a.getTotalVectors())
          .setTotalRequests(b.getTotalRequests() + a.getTotalRequests())
          .setTotalStorageBytes(b.getTotalStorageBytes() + a.getTotalStorageBytes());
    }
    return b.build();
  }

  /** Starts a client call with extra headers (ClientCalls' helpers start calls with none). */
  private static final class ForwardingHeaders<Q, R> extends io.grpc.ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Metadata extra;

    ForwardingHeaders(ClientCall<Q, R> delegate, Metadata extra) {
      super(delegate);
      this.extra = extra;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      headers.merge(extra);
      super.start(listener, headers);
    }
  }

  /** A namespace deleted here: its placement goes (else this node's sweep of local copies releases it later). */
  private void releasePlacement(String namespaceId) {
    ClusterNode n = node.get();
    Placement p = n == null ? null : n.placements().cached(namespaceId);
    try {
      if (p != null && p.owner().equals(n.nodeId())) {
        n.placements().release(namespaceId, p.epoch());
      }
    } catch (ClusterUnavailableException e) {
      // released later
    }
  }

  private Route fresh(ClusterNode n, String namespaceId) {
    try {
      return n.router().routeFresh(namespaceId);
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(namespaceId, "ZooKeeper is not reachable to find its owner", 2);
    }
  }

  private static boolean isNotOwner(Status status, Metadata trailers) {
    return status.getCode() == Status.Code.UNAVAILABLE && trailers != null
        && UnavailableException.NOT_OWNER.equals(trailers.get(GrpcErrors.CODE));
  }

  /** The first of the named string fields the request has, or null. */
  private static String field(Object request, String... names) {
    if (request instanceof Message m) {
      for (String name : names) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f != null && f.getType() == FieldDescriptor.Type.STRING) {
          return (String) m.getField(f);
        }
      }
    }
    return null;
  }

  /** A forwarded call's client is the one the forwarding node names (when it is a node), for the failed-key limiter. */
  private <Q, R> ServerCall<Q, R> withClientAddress(ServerCall<Q, R> call, Metadata headers) {
    String ip = headers.get(CLIENT_IP);
    ClusterNode n = node.get();
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (ip == null || n == null || !ip.matches("[0-9A-Fa-f.:]{2,45}") || !(peer instanceof InetSocketAddress inet)
        || inet.getAddress() == null || !fromNode(n, inet.getAddress())) {
      return call;
    }
    InetSocketAddress client;
    try {
      client = new InetSocketAddress(InetAddress.getByName(ip), 0); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      return call;
    }
    return new SimpleForwardingServerCall<>(call) {
      @Override
      public Attributes getAttributes() {
        return super.getAttributes().toBuilder().set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, client).build();
      }
    };
  }

  private static boolean fromNode(ClusterNode n, InetAddress peer) {
    for (NodeInfo info : n.liveNodes().values()) {
      String address = info.grpcAddress();
      if (address != null) {
        String host = address.substring(0, address.lastIndexOf(':')).replace("[", "").replace("]", "");
        try {
          for (InetAddress a : InetAddress.getAllByName(host)) {
            if (a.equals(peer)) {
              return true;
            }
          }
        } catch (java.net.UnknownHostException e) {
          // not this one
        }
      }
    }
    return false;
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> {
      int colon = a.lastIndexOf(':');
      return Grpc.newChannelBuilderForAddress(a.substring(0, colon).replace("[", "").replace("]", ""),
              Integer.parseInt(a.substring(colon + 1)), InsecureChannelCredentials.create())
          .maxInboundMessageSize(Integer.MAX_VALUE)
          .build();
    });
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
