package io.vecstore.http.routes;

import io.javalin.http.Context;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.dto.QueryBody;
import io.vecstore.http.dto.Requests;
import io.vecstore.http.dto.UpsertBody;
import io.vecstore.http.dto.Views;
import io.vecstore.core.vector.VectorRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    long deleted = request.ids() != null ? manager.deleteVectors(ns, request.ids())
        : request.all() ? manager.deleteAll(ns)
        : manager.deleteByFilter(ns, request.filter());
    ctx.json(Views.count("deleted", deleted));
  }

  void listIds(Context ctx) {
    ctx.json(Views.ids(manager.listIds(ctx.pathParam("ns"), QueryParams.string(ctx, "prefix"),
        QueryParams.integer(ctx, "limit", Requests.DEFAULT_PAGE), QueryParams.string(ctx, "cursor"))));
  }

  void fetchMany(Context ctx) {
    var request = Requests.fetch(bodies.read(ctx));
    String ns = ctx.pathParam("ns");
    if (request.ids() == null) {
      ctx.json(Views.fetched(manager.fetchByFilter(ns, request.filter(), request.limit(), request.cursor())));
      return;
    }
    List<VectorRecord> found = manager.fetchMany(ns, request.ids());
    Set<String> foundIds = new HashSet<>();
    found.forEach(r -> foundIds.add(r.id()));
    List<String> missing = request.ids().stream().distinct().filter(id -> !foundIds.contains(id)).toList();
    ctx.json(Views.fetched(found, missing));
  }

  void update(Context ctx) {
    var patch = Requests.vectorPatch(bodies.read(ctx));
    ctx.json(Views.vector(manager.update(ctx.pathParam("ns"), ctx.pathParam("vid"), patch.values(), patch.metadata())));
  }

  void updateByFilter(Context ctx) {
    var request = Requests.filterUpdate(bodies.read(ctx));
    ctx.json(Views.updateCount(manager.updateByFilter(ctx.pathParam("ns"), request.filter(), request.metadata(),
        request.dryRun())));
  }
}
