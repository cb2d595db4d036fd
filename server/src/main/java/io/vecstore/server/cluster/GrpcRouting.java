package io.vecstore.server.cluster;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.util.HashMap;
import java.util.Map;
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
 * <p>This class decides what routing each method needs; each call is then routed by a
 * {@link RoutedCall}, which forwards through {@link GrpcForwarding} and fans out through
 * {@link GrpcFanOut}.
 *
 * <p>Thread-safe. The channels to other nodes are closed by {@link #close}.
 */
final class GrpcRouting implements ServerInterceptor, AutoCloseable {

  /** What routing a method needs. */
  enum Kind { NAMESPACE, CREATE, LIST, AGGREGATE }

  private final Map<String, Kind> kinds = new HashMap<>();
  private final Supplier<ClusterNode> node;
  private final OwnershipCheck check;
  private final GrpcForwarding forwarding;
  private final GrpcFanOut fanOut;

  GrpcRouting(Supplier<ClusterNode> node, OwnershipCheck check, ClusterMetrics metrics) {
    this.node = node;
    this.check = check;
    this.forwarding = new GrpcForwarding(node, metrics);
    this.fanOut = new GrpcFanOut(forwarding);
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
    RoutedCall<Q, R> routed = new RoutedCall<>(call, headers, next, kind, node, check, forwarding, fanOut);
    call.request(1); // the handler, started once the request is in, asks for its own
    return routed;
  }

  @Override
  public void close() {
    forwarding.close();
  }
}
