package io.vecstore.server.cluster;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.Placement;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.grpc.GrpcErrors;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import java.util.function.Supplier;

/**
 * One gRPC call routed by {@link GrpcRouting}: held until its request arrives (the namespace is a
 * field of it), then served here at the route's epoch, forwarded to the owner through
 * {@link GrpcForwarding}, or answered from every node by {@link GrpcFanOut}. A call served here
 * that is refused {@code not_owner} (a write that waited for a move) is replayed on the new owner
 * once; a namespace deleted here has its placement released.
 *
 * <p>Not thread-safe: confined to its call. gRPC delivers the call's events one at a time; once the
 * call is forwarded, the forwarded call's answer (on a channel thread) carries it on.
 */
final class RoutedCall<Q, R> extends ServerCall.Listener<Q> {

  private final ServerCall<Q, R> call;
  private final Metadata headers;
  private final ServerCallHandler<Q, R> next;
  private final GrpcRouting.Kind kind;
  private final boolean forwarded;
  private final Supplier<ClusterNode> node;
  private final OwnershipCheck check;
  private final GrpcForwarding forwarding;
  private final GrpcFanOut fanOut;
  private ServerCall.Listener<Q> delegate;
  private Q request;
  private String id;
  private long epoch = -1;
  private boolean halfClosed;
  private boolean retried;

  RoutedCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, GrpcRouting.Kind kind,
      Supplier<ClusterNode> node, OwnershipCheck check, GrpcForwarding forwarding, GrpcFanOut fanOut) {
    this.call = call;
    this.headers = headers;
    this.next = next;
    this.kind = kind;
    this.forwarded = headers.containsKey(GrpcForwarding.FORWARDED_BY);
    this.node = node;
    this.check = check;
    this.forwarding = forwarding;
    this.fanOut = fanOut;
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
          fanOut.fanOut(call, headers, n, request, kind == GrpcRouting.Kind.LIST);
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
          route = RoutingSteps.fresh(n, id);
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
          Route fresh = RoutingSteps.fresh(n, id);
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
      dispatch(n, route instanceof Route.Local ? route : RoutingSteps.fresh(n, id));
      return;
    }
    Placement placement = RoutingSteps.placement(RoutingSteps.claim(n, id, false), id);
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
    ServerCall<Q, R> served = new SimpleForwardingServerCall<>(forwarded ? forwarding.withClientAddress(call, headers) : call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (movedAway(status, trailers)) {
          return; // answered by the new owner instead
        }
        if (status.isOk() && id != null && getMethodDescriptor().getFullMethodName()
            .equals(VecStoreAdminServiceGrpc.getDeleteNamespaceMethod().getFullMethodName())) {
          ClusterNode n = node.get();
          if (n != null) {
            RoutingSteps.release(n, id);
          }
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
    if (forwarded || retried || id == null || !GrpcForwarding.isNotOwner(status, trailers)) {
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
    forwarding.send(call, headers, n, owner, request, (response, status, trailers) -> {
      try {
        if (status.isOk()) {
          call.sendHeaders(new Metadata());
          call.sendMessage(response);
          call.close(Status.OK, new Metadata());
        } else if (attempt < RoutingSteps.MAX_FORWARDS && GrpcForwarding.isNotOwner(status, trailers)) {
          Route fresh = RoutingSteps.fresh(n, id);
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
    });
  }

  private void fail(RuntimeException e) {
    StatusRuntimeException s = GrpcErrors.of(e, call.getMethodDescriptor().getFullMethodName());
    call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
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
}
