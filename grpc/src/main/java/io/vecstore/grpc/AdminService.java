package io.vecstore.grpc;

import io.grpc.stub.StreamObserver;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.audit.Actor;
import io.vecstore.grpc.v1.ChangeNamespacePlanRequest;
import io.vecstore.grpc.v1.ChangeNamespacePlanResponse;
import io.vecstore.grpc.v1.ListNamespaceEventsRequest;
import io.vecstore.grpc.v1.ListNamespaceEventsResponse;
import io.vecstore.grpc.v1.ListPlansRequest;
import io.vecstore.grpc.v1.ListPlansResponse;
import io.vecstore.grpc.v1.UpdateNamespaceQuotaPolicyRequest;
import io.vecstore.grpc.v1.UpdateNamespaceQuotaPolicyResponse;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.CreateNamespaceResponse;
import io.vecstore.grpc.v1.DeleteNamespaceRequest;
import io.vecstore.grpc.v1.DeleteNamespaceResponse;
import io.vecstore.grpc.v1.GetAggregateStatsRequest;
import io.vecstore.grpc.v1.GetAggregateStatsResponse;
import io.vecstore.grpc.v1.GetNamespaceRequest;
import io.vecstore.grpc.v1.GetNamespaceResponse;
import io.vecstore.grpc.v1.GetNamespaceStatsRequest;
import io.vecstore.grpc.v1.GetNamespaceStatsResponse;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.ListNamespacesResponse;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest;
import io.vecstore.grpc.v1.UpdateNamespaceQuotasResponse;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpdateNamespaceStatusResponse;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;

/**
 * The guide's admin service, and plans, quota policies and audit trails: the same NamespaceManager
 * calls as the REST {@code /admin} routes.
 * Who may call it is decided before by {@link AuthInterceptor}. Stateless beyond the manager;
 * thread-safe.
 */
final class AdminService extends VecStoreAdminServiceGrpc.VecStoreAdminServiceImplBase {

  private static final QuotaPatch NO_CHANGE = GrpcRequests.quotaPatch(io.vecstore.grpc.v1.QuotaUpdate.getDefaultInstance());

  private final NamespaceManager manager;
  private final java.util.function.Predicate<String> presented;

  AdminService(NamespaceManager manager, java.util.function.Predicate<String> presented) {
    this.manager = manager;
    this.presented = presented;
  }

  @Override
  public void createNamespace(CreateNamespaceRequest r, StreamObserver<CreateNamespaceResponse> out) {
    Unary.answer(out, "CreateNamespace", () -> CreateNamespaceResponse.newBuilder()
        .setNamespace(view(manager.create(GrpcRequests.createNamespace(r)))).build());
  }

  @Override
  public void listNamespaces(ListNamespacesRequest r, StreamObserver<ListNamespacesResponse> out) {
    Unary.answer(out, "ListNamespaces", () -> {
      NamespacePage page = manager.list(
          r.hasLimit() ? r.getLimit() : NamespacePage.DEFAULT_LIMIT,
          r.getCursor().isEmpty() ? null : r.getCursor(),
          r.getPrefix().isEmpty() ? null : r.getPrefix(),
          GrpcRequests.status(r.getStatus(), r.getStatusValue(), null),
          presented);
      ListNamespacesResponse.Builder b = ListNamespacesResponse.newBuilder().setTotal(page.total());
      // listings show no deletion_due, as in REST: it would cost a look at every namespace's clock
      page.namespaces().forEach(i -> b.addNamespaces(GrpcViews.namespace(i, null)));
      if (page.nextCursor() != null) {
        b.setNextCursor(page.nextCursor());
      }
      return b.build();
    });
  }

  @Override
  public void getNamespace(GetNamespaceRequest r, StreamObserver<GetNamespaceResponse> out) {
    Unary.answer(out, "GetNamespace", () -> GetNamespaceResponse.newBuilder()
        .setNamespace(view(manager.get(r.getId()))).build());
  }

  @Override
  public void updateNamespaceQuotas(UpdateNamespaceQuotasRequest r, StreamObserver<UpdateNamespaceQuotasResponse> out) {
    Unary.answer(out, "UpdateNamespaceQuotas", () -> UpdateNamespaceQuotasResponse.newBuilder()
        .setNamespace(view(manager.updateQuotas(r.getId(), r.hasQuotas() ? GrpcRequests.quotaPatch(r.getQuotas()) : NO_CHANGE,
            r.getOverride(), Actor.ADMIN)))
        .build());
  }

  @Override
  public void listPlans(ListPlansRequest r, StreamObserver<ListPlansResponse> out) {
    Unary.answer(out, "ListPlans", () -> {
      ListPlansResponse.Builder b = ListPlansResponse.newBuilder();
      manager.plans().all().forEach(p -> b.addPlans(GrpcViews.plan(p)));
      return b.build();
    });
  }

  @Override
  public void changeNamespacePlan(ChangeNamespacePlanRequest r, StreamObserver<ChangeNamespacePlanResponse> out) {
    Unary.answer(out, "ChangeNamespacePlan", () -> {
      if (r.getPlan().isEmpty()) {
        throw new io.vecstore.core.error.InvalidRequestException("plan is required in plan change"); // REST's wording
      }
      return ChangeNamespacePlanResponse.newBuilder()
          .setNamespace(view(manager.changePlan(r.getId(), r.getPlan(), r.getResetQuotas(), r.getOverride(), Actor.ADMIN)))
          .build();
    });
  }

  @Override
  public void updateNamespaceQuotaPolicy(UpdateNamespaceQuotaPolicyRequest r,
      StreamObserver<UpdateNamespaceQuotaPolicyResponse> out) {
    Unary.answer(out, "UpdateNamespaceQuotaPolicy", () -> UpdateNamespaceQuotaPolicyResponse.newBuilder()
        .setNamespace(view(manager.updateQuotaPolicy(r.getId(),
            r.hasQuotaPolicy() ? GrpcRequests.quotaPolicy(r.getQuotaPolicy()) : null, Actor.ADMIN)))
        .build());
  }

  @Override
  public void listNamespaceEvents(ListNamespaceEventsRequest r, StreamObserver<ListNamespaceEventsResponse> out) {
    Unary.answer(out, "ListNamespaceEvents", () -> GrpcViews.events(manager.events(r.getId(),
        r.hasLimit() ? r.getLimit() : NamespacePage.DEFAULT_LIMIT, r.getCursor().isEmpty() ? null : r.getCursor())));
  }

  @Override
  public void updateNamespaceStatus(UpdateNamespaceStatusRequest r, StreamObserver<UpdateNamespaceStatusResponse> out) {
    Unary.answer(out, "UpdateNamespaceStatus", () -> UpdateNamespaceStatusResponse.newBuilder()
        .setNamespace(view(manager.updateStatus(r.getId(),
            GrpcRequests.status(r.getStatus(), r.getStatusValue(), "status request"))))
        .build());
  }

  @Override
  public void deleteNamespace(DeleteNamespaceRequest r, StreamObserver<DeleteNamespaceResponse> out) {
    Unary.answer(out, "DeleteNamespace", () -> {
      manager.delete(r.getId());
      return DeleteNamespaceResponse.newBuilder().setDeleted(r.getId()).build();
    });
  }

  @Override
  public void getNamespaceStats(GetNamespaceStatsRequest r, StreamObserver<GetNamespaceStatsResponse> out) {
    Unary.answer(out, "GetNamespaceStats", () -> GetNamespaceStatsResponse.newBuilder()
        .setStats(GrpcViews.stats(manager.stats(r.getId()), manager.deletionDue(r.getId()), manager.compaction(r.getId())))
        .build());
  }

  @Override
  public void getAggregateStats(GetAggregateStatsRequest r, StreamObserver<GetAggregateStatsResponse> out) {
    Unary.answer(out, "GetAggregateStats", () -> GrpcViews.aggregate(manager.aggregateStats(presented)));
  }

  private Namespace view(NamespaceInfo info) {
    return GrpcViews.namespace(info, manager.deletionDue(info.meta()));
  }
}
