package io.vecstore.http.routes;

import io.javalin.config.RoutesConfig;
import static io.vecstore.http.auth.Access.ADMIN;
import static io.vecstore.http.auth.Access.DATA_READ;
import static io.vecstore.http.auth.Access.DATA_WRITE;

import io.vecstore.core.namespace.NamespaceManager;

/** Every REST route of the server with who may call it, declared in this one place (DESIGN.md §4). */
public final class Routes {

  private Routes() {}

  public static void register(RoutesConfig routes, NamespaceManager manager, long maxBodyBytes) {
    register(routes, manager, maxBodyBytes, id -> true, () -> 1);
  }

  /**
   * With the listings and totals over the local namespaces {@code presented} accepts (cluster
   * mode: those owned here), and creates allowed up to {@code maxReplication} copies.
   */
  public static void register(RoutesConfig routes, NamespaceManager manager, long maxBodyBytes,
      java.util.function.Predicate<String> presented, java.util.function.IntSupplier maxReplication) {
    JsonBodies bodies = new JsonBodies(maxBodyBytes);
    AdminRoutes admin = new AdminRoutes(manager, bodies, presented, maxReplication);
    DataRoutes data = new DataRoutes(manager, bodies);

    routes.post("/admin/namespaces", admin::create, ADMIN);
    routes.get("/admin/namespaces", admin::list, ADMIN);
    routes.get("/admin/namespaces/{id}", admin::get, ADMIN);
    routes.delete("/admin/namespaces/{id}", admin::delete, ADMIN);
    routes.put("/admin/namespaces/{id}/quotas", admin::updateQuotas, ADMIN);
    routes.put("/admin/namespaces/{id}/status", admin::updateStatus, ADMIN);
    routes.put("/admin/namespaces/{id}/plan", admin::changePlan, ADMIN);
    routes.put("/admin/namespaces/{id}/quota-policy", admin::updateQuotaPolicy, ADMIN);
    routes.get("/admin/namespaces/{id}/events", admin::events, ADMIN);
    routes.get("/admin/plans", admin::plans, ADMIN);
    routes.get("/admin/namespaces/{id}/stats", admin::stats, ADMIN);
    routes.post("/admin/namespaces/{id}/compact", admin::compact, ADMIN);
    routes.post("/admin/namespaces/{id}/keys", admin::createKey, ADMIN);
    routes.get("/admin/namespaces/{id}/keys", admin::listKeys, ADMIN);
    routes.delete("/admin/namespaces/{id}/keys/{name}", admin::revokeKey, ADMIN);
    routes.get("/admin/stats", admin::aggregateStats, ADMIN);
    routes.get("/admin/usage", admin::usage, ADMIN);
    routes.post("/admin/namespaces/import", admin::importSnapshot, ADMIN);
    routes.post("/admin/namespaces/import-lucene", admin::importLucene, ADMIN);
    routes.post("/admin/namespaces/{id}/snapshots", admin::createSnapshot, ADMIN);
    routes.get("/admin/namespaces/{id}/snapshots", admin::listSnapshots, ADMIN);
    routes.get("/admin/namespaces/{id}/snapshots/{name}", admin::getSnapshot, ADMIN);
    routes.delete("/admin/namespaces/{id}/snapshots/{name}", admin::deleteSnapshot, ADMIN);
    routes.post("/admin/namespaces/{id}/snapshots/{name}/restore", admin::restoreSnapshot, ADMIN);
    routes.get("/admin/namespaces/{id}/snapshots/{name}/export", admin::exportSnapshot, ADMIN);

    routes.post("/v1/namespaces/{ns}/vectors", data::upsert, DATA_WRITE);
    routes.post("/v1/namespaces/{ns}/query", data::query, DATA_READ);
    routes.post("/v1/namespaces/{ns}/vectors/delete", data::deleteMany, DATA_WRITE);
    routes.get("/v1/namespaces/{ns}/vectors/{vid}", data::fetch, DATA_READ);
    routes.delete("/v1/namespaces/{ns}/vectors/{vid}", data::deleteOne, DATA_WRITE);
    routes.patch("/v1/namespaces/{ns}/vectors/{vid}", data::update, DATA_WRITE);
    routes.get("/v1/namespaces/{ns}/vectors", data::listIds, DATA_READ);
    routes.post("/v1/namespaces/{ns}/vectors/fetch", data::fetchMany, DATA_READ);
    routes.post("/v1/namespaces/{ns}/vectors/update", data::updateByFilter, DATA_WRITE);
  }
}
