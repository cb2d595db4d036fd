package io.vecstore.server.cluster;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.grpc.v1.GetAggregateStatsResponse;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.ListNamespacesResponse;
import io.vecstore.grpc.v1.Namespace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster-wide gRPC listings, ListNamespaces and GetAggregateStats: asked of every live node
 * with a gRPC address, this one too (each answers for what it owns, and, the call being marked
 * forwarded, does not ask the others again), then merged as {@link ListingMerge} merges the REST
 * ones. A node that is unavailable or too slow is left out (the answer is partial); any other
 * refusal is the answer.
 *
 * <p>Thread-safe (no state of its own; the forwarding's channels are thread-safe).
 */
final class GrpcFanOut {

  private final GrpcForwarding forwarding;

  GrpcFanOut(GrpcForwarding forwarding) {
    this.forwarding = forwarding;
  }

  /** Answers {@code call} (ListNamespaces when {@code namespaces}, else GetAggregateStats) from every live node. */
  @SuppressWarnings("unchecked")
  <Q, R> void fanOut(ServerCall<Q, R> call, Metadata headers, ClusterNode n, Q request, boolean namespaces) {
    List<ListenableFuture<R>> answers = new ArrayList<>();
    for (NodeInfo target : n.liveNodes().values()) {
      if (target.grpcAddress() != null) {
        ClientCall<Q, R> out = forwarding.newCall(target.grpcAddress(), call.getMethodDescriptor());
        Metadata extra = GrpcForwarding.outgoingHeaders(call, headers, n);
        answers.add(ClientCalls.futureUnaryCall(new ForwardingHeaders<>(out, extra), request));
      }
    }
    List<R> replies = new ArrayList<>();
    for (ListenableFuture<R> answer : answers) {
      try {
        replies.add(answer.get(GrpcForwarding.DEADLINE_SECONDS, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
          return;
        }
        // a node that cannot answer: the listing is partial
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw UnavailableException.shuttingDown();
      } catch (TimeoutException e) {
        // as unreachable
      }
    }
    Object merged = namespaces
        ? mergePages((List<ListNamespacesResponse>) replies, (ListNamespacesRequest) request)
        : sum((List<GetAggregateStatsResponse>) replies);
    call.sendHeaders(new Metadata());
    call.sendMessage((R) merged);
    call.close(Status.OK, new Metadata());
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
  private static final class ForwardingHeaders<Q, R> extends SimpleForwardingClientCall<Q, R> {
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
}
