package io.vecstore.http.routes;

import io.javalin.config.RoutesConfig;
import io.vecstore.core.namespace.NamespaceManager;

/** Every REST route of the server, declared in this one place (DESIGN.md §4). */
public final class Routes {

  private Routes() {}

  public static void register(RoutesConfig routes, NamespaceManager manager, long maxBodyBytes) {
    JsonBodies bodies = new JsonBodies(maxBodyBytes);
    AdminRoutes admin = new AdminRoutes(manager, bodies);
    DataRoutes data = new DataRoutes(manager, bodies);

    routes.post("/admin/namespaces", admin::create);
    routes.get("/admin/namespaces", admin::list);
    routes.get("/admin/namespaces/{id}", admin::get);
    routes.delete("/admin/namespaces/{id}", admin::delete);
    routes.put("/admin/namespaces/{id}/quotas", admin::updateQuotas);
    routes.put("/admin/namespaces/{id}/status", admin::updateStatus);
    routes.get("/admin/namespaces/{id}/stats", admin::stats);
    routes.get("/admin/stats", admin::aggregateStats);

    routes.post("/v1/namespaces/{ns}/vectors", data::upsert);
    routes.post("/v1/namespaces/{ns}/query", data::query);
    routes.post("/v1/namespaces/{ns}/vectors/delete", data::deleteMany);
    routes.get("/v1/namespaces/{ns}/vectors/{vid}", data::fetch);
    routes.delete("/v1/namespaces/{ns}/vectors/{vid}", data::deleteOne);
  }
}
