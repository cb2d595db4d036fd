package io.vecstore.grpc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.grpc.stub.StreamObserver;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.grpc.v1.DeleteRequest;
import io.vecstore.grpc.v1.DeleteResponse;
import io.vecstore.grpc.v1.FetchRequest;
import io.vecstore.grpc.v1.FetchResponse;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QueryResponse;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.UpsertResponse;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;

/**
 * The data service: the same NamespaceManager calls as the REST {@code /v1/namespaces/{ns}} routes,
 * so status rules, quotas, rate limits, query slots and counters are the same ones. Who may call
 * it is decided before by {@link AuthInterceptor}. Stateless beyond the manager; thread-safe.
 */
final class DataService extends VecStoreServiceGrpc.VecStoreServiceImplBase {

  private final NamespaceManager manager;

  DataService(NamespaceManager manager) {
    this.manager = manager;
  }

  @Override
  public void upsert(UpsertRequest r, StreamObserver<UpsertResponse> out) {
    Unary.answer(out, "Upsert", () -> UpsertResponse.newBuilder()
        .setUpserted(manager.upsert(r.getNamespace(), GrpcRequests.upsert(r))).build());
  }

  @Override
  public void query(QueryRequest r, StreamObserver<QueryResponse> out) {
    Unary.answer(out, "Query", () -> GrpcViews.results(manager.query(r.getNamespace(), GrpcRequests.query(r))));
  }

  @Override
  public void fetch(FetchRequest r, StreamObserver<FetchResponse> out) {
    Unary.answer(out, "Fetch", () -> FetchResponse.newBuilder()
        .setVector(GrpcViews.vector(manager.fetch(r.getNamespace(), r.getId()))).build());
  }

  @Override
  public void delete(DeleteRequest r, StreamObserver<DeleteResponse> out) {
    Unary.answer(out, "Delete", () -> {
      String ns = r.getNamespace();
      long deleted = switch (r.getSelectorCase()) {
        case IDS -> manager.deleteVectors(ns, r.getIds().getIdsList());
        case FILTER -> manager.deleteByFilter(ns, JsonNodeFactory.instance.textNode(r.getFilter()));
        case FILTER_JSON -> manager.deleteByFilter(ns, JsonStructs.toJson(r.getFilterJson(), "filter_json"));
        case SELECTOR_NOT_SET -> throw new InvalidRequestException("delete request needs exactly one of 'ids' and 'filter'");
      };
      return DeleteResponse.newBuilder().setDeleted(deleted).build();
    });
  }
}
