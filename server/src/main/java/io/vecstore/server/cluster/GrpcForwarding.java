package io.vecstore.server.cluster;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.grpc.GrpcErrors;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A gRPC call between nodes. Sending: a call is replayed on another node's gRPC address (one
 * channel per address, kept) with the caller's key, this node's id in {@link #FORWARDED_BY} and
 * the client's address in {@link #CLIENT_IP}. Receiving: a forwarded call's client address is
 * believed only when the call comes from a live node's host.
 *
 * <p>Thread-safe. The channels are closed by {@link #close}.
 */
final class GrpcForwarding implements AutoCloseable {

  static final Metadata.Key<String> FORWARDED_BY =
      Metadata.Key.of(Forwarder.FORWARDED_BY.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CLIENT_IP =
      Metadata.Key.of(RestForwarding.CLIENT_IP.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
  /** How long a call sent to another node may take. */
  static final long DEADLINE_SECONDS = 30;
  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

  /** How a forwarded call ended: its one response (null if none came), status and trailers. */
  interface Answer<R> {
    void closed(R response, Status status, Metadata trailers);
  }

  private final Supplier<ClusterNode> node;
  private final ClusterMetrics metrics;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  GrpcForwarding(Supplier<ClusterNode> node, ClusterMetrics metrics) {
    this.node = node;
    this.metrics = metrics;
  }

  /** Replays unary {@code call} with its {@code request} on {@code owner} (which has a gRPC address). */
  <Q, R> void send(ServerCall<Q, R> call, Metadata headers, ClusterNode n, Route.Remote owner, Q request, Answer<R> answer) {
    ClientCall<Q, R> out = newCall(owner.grpcAddress(), call.getMethodDescriptor());
    metrics.forwarded("grpc", owner.nodeId());
    out.start(new ClientCall.Listener<>() {
      private R response;

      @Override
      public void onMessage(R message) {
        response = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        answer.closed(response, status, trailers);
      }
    }, outgoingHeaders(call, headers, n));
    out.request(1);
    out.sendMessage(request);
    out.halfClose();
  }

  /** A call of {@code method} on the node at {@code address}, within the deadline. */
  <Q, R> ClientCall<Q, R> newCall(String address, MethodDescriptor<Q, R> method) {
    return channel(address).newCall(method, CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
  }

  /** The headers of a call sent on: the caller's key, this node as the forwarder, the caller's address. */
  static Metadata outgoingHeaders(ServerCall<?, ?> call, Metadata headers, ClusterNode n) {
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

  /** A refusal with {@code not_owner}: the namespace moved on from the node that answered. */
  static boolean isNotOwner(Status status, Metadata trailers) {
    return status.getCode() == Status.Code.UNAVAILABLE && trailers != null
        && UnavailableException.NOT_OWNER.equals(trailers.get(GrpcErrors.CODE));
  }

  /** A forwarded call's client is the one the forwarding node names (when it is a node), for the failed-key limiter. */
  <Q, R> ServerCall<Q, R> withClientAddress(ServerCall<Q, R> call, Metadata headers) {
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
    } catch (UnknownHostException e) {
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
        try {
          for (InetAddress a : InetAddress.getAllByName(host(address))) {
            if (a.equals(peer)) {
              return true;
            }
          }
        } catch (UnknownHostException e) {
          // not this one
        }
      }
    }
    return false;
  }

  private ManagedChannel channel(String address) {
    return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilderForAddress(host(a),
            Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)), InsecureChannelCredentials.create())
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .build());
  }

  /** The host of a gRPC address {@code host:port} (an IPv6 literal without its brackets). */
  private static String host(String address) {
    return address.substring(0, address.lastIndexOf(':')).replace("[", "").replace("]", "");
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
