package io.vecstore.http.routes;

import io.javalin.http.Context;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.dto.QueryBody;
import io.vecstore.http.dto.Requests;
import io.vecstore.http.dto.UpsertBody;
import io.vecstore.http.dto.Views;

/** Handlers of the {@code /v1/namespaces/{ns}} data routes. Stateless beyond its collaborators. */
final class DataRoutes {

  private final NamespaceManager manager;
  private final JsonBodies bodies;

  DataRoutes(NamespaceManager manager, JsonBodies bodies) {
    this.manager = manager;
    this.bodies = bodies;
  }

  void upsert(Context ctx) {
    var batch = UpsertBody.parse(bodies.readBytes(ctx));
    ctx.json(Views.count("upserted", manager.upsert(ctx.pathParam("ns"), batch)));
  }

  void query(Context ctx) {
    var request = QueryBody.parse(bodies.readBytes(ctx));
    ctx.contentType("application/json").result(Views.resultsJson(manager.query(ctx.pathParam("ns"), request)));
  }

  void fetch(Context ctx) {
    ctx.json(Views.vector(manager.fetch(ctx.pathParam("ns"), ctx.pathParam("vid"))));
  }

  void deleteOne(Context ctx) {
    manager.deleteVector(ctx.pathParam("ns"), ctx.pathParam("vid"));
    ctx.json(Views.count("deleted", 1));
  }

  void deleteMany(Context ctx) {
    var request = Requests.delete(bodies.read(ctx));
    String ns = ctx.pathParam("ns");
    long deleted = request.ids() != null
        ? manager.deleteVectors(ns, request.ids())
        : manager.deleteByFilter(ns, request.filter());
    ctx.json(Views.count("deleted", deleted));
  }
}
