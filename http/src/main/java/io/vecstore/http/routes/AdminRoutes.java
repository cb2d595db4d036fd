package io.vecstore.http.routes;

import io.javalin.http.Context;
import io.vecstore.core.audit.Actor;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.http.dto.Requests;
import io.vecstore.http.dto.Views;

/** Handlers of the {@code /admin} routes (the guide's admin API). Stateless beyond its collaborators. */
final class AdminRoutes {

  static final int DEFAULT_PAGE_SIZE = io.vecstore.core.namespace.NamespacePage.DEFAULT_LIMIT;

  private final NamespaceManager manager;
  private final JsonBodies bodies;
  private final java.util.function.Predicate<String> presented;
  private final java.util.function.IntSupplier maxReplication;

  AdminRoutes(NamespaceManager manager, JsonBodies bodies, java.util.function.Predicate<String> presented,
      java.util.function.IntSupplier maxReplication) {
    this.manager = manager;
    this.bodies = bodies;
    this.presented = presented;
    this.maxReplication = maxReplication;
  }

  void create(Context ctx) {
    var created = manager.create(Requests.createNamespace(bodies.read(ctx), maxReplication.getAsInt()), actor(ctx));
    ctx.status(201).json(view(created));
  }

  /** Who is making a change, for the audit trail: the admin, or (were a route to allow one) a namespace key. */
  private static Actor actor(Context ctx) {
    return Actor.of(io.vecstore.http.auth.Authenticator.principal(ctx));
  }

  void list(Context ctx) {
    String status = ctx.queryParam("status");
    var page = manager.list(
        QueryParams.integer(ctx, "limit", DEFAULT_PAGE_SIZE),
        QueryParams.string(ctx, "cursor"),
        QueryParams.string(ctx, "prefix"),
        status == null || status.isEmpty() ? null : NamespaceStatus.parse(status),
        presented);
    ctx.json(Views.page(page, manager::deletionDue));
  }

  void get(Context ctx) {
    ctx.json(view(manager.get(ctx.pathParam("id"))));
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("id");
    manager.delete(id);
    ctx.json(Views.fields(java.util.Map.of("deleted", id)));
  }

  void updateQuotas(Context ctx) {
    Requests.QuotaUpdate update = Requests.quotaUpdate(bodies.read(ctx));
    ctx.json(view(manager.updateQuotas(ctx.pathParam("id"), update.patch(), update.override(), actor(ctx))));
  }

  void updateStatus(Context ctx) {
    ctx.json(view(manager.updateStatus(ctx.pathParam("id"), Requests.status(bodies.read(ctx)), actor(ctx))));
  }

  void changePlan(Context ctx) {
    Requests.PlanChange change = Requests.planChange(bodies.read(ctx));
    ctx.json(view(manager.changePlan(ctx.pathParam("id"), change.plan(), change.resetQuotas(), change.override(),
        actor(ctx))));
  }

  void updateQuotaPolicy(Context ctx) {
    ctx.json(view(manager.updateQuotaPolicy(ctx.pathParam("id"), Requests.quotaPolicy(bodies.read(ctx)), actor(ctx))));
  }

  void events(Context ctx) {
    ctx.json(Views.events(manager.events(ctx.pathParam("id"), QueryParams.integer(ctx, "limit", DEFAULT_PAGE_SIZE),
        QueryParams.string(ctx, "cursor"))));
  }

  void plans(Context ctx) {
    ctx.json(Views.plans(manager.plans()));
  }

  void stats(Context ctx) {
    String id = ctx.pathParam("id");
    var stats = Views.stats(manager.stats(id), manager.deletionDue(id), manager.compaction(id));
    stats.put("snapshot_bytes", manager.snapshots().bytes(id));
    ctx.json(stats);
  }

  void compact(Context ctx) {
    ctx.status(202).json(Views.compaction(manager.compact(ctx.pathParam("id"))));
  }

  void createKey(Context ctx) {
    Requests.KeyRequest request = Requests.key(bodies.read(ctx));
    ctx.status(201).json(Views.newKey(manager.keys().create(ctx.pathParam("id"), request.name(), request.role())));
  }

  void listKeys(Context ctx) {
    ctx.json(Views.keys(manager.keys().list(ctx.pathParam("id"))));
  }

  void revokeKey(Context ctx) {
    String name = ctx.pathParam("name");
    manager.keys().revoke(ctx.pathParam("id"), name);
    ctx.json(Views.fields(java.util.Map.of("revoked", name)));
  }

  void aggregateStats(Context ctx) {
    ctx.json(Views.aggregate(manager.aggregateStats(presented)));
  }

  /**
   * Daily usage for billing: {@code from}/{@code to} are UTC dates, both inclusive (default: this
   * month so far); {@code format=csv} or {@code Accept: text/csv} gives CSV instead of JSON.
   */
  void usage(Context ctx) {
    java.time.LocalDate to = dateParam(ctx, "to", java.time.LocalDate.now(java.time.ZoneOffset.UTC));
    java.time.LocalDate from = dateParam(ctx, "from", to.withDayOfMonth(1));
    String format = QueryParams.string(ctx, "format");
    if (format != null && !format.equals("json") && !format.equals("csv")) {
      throw new InvalidRequestException("format must be json or csv, got: " + format);
    }
    var days = manager.usageBetween(from, to, QueryParams.string(ctx, "prefix"));
    String accept = ctx.header("Accept");
    if ("csv".equals(format) || (format == null && accept != null && accept.contains("text/csv"))) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"vecstore-usage-" + from + "-" + to + ".csv\"");
      ctx.result(Views.usageCsv(days));
    } else {
      ctx.json(Views.usage(from, to, days));
    }
  }

  private static java.time.LocalDate dateParam(Context ctx, String name, java.time.LocalDate fallback) {
    String v = QueryParams.string(ctx, name);
    if (v == null) {
      return fallback;
    }
    try {
      return java.time.LocalDate.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidRequestException(name + " must be a date like 2026-11-01, got: " + v);
    }
  }

  // --- snapshots, export and import ------------------------------------------------------------

  void createSnapshot(Context ctx) {
    String name = Requests.snapshotName(bodies.readOptional(ctx));
    ctx.status(201).json(Views.snapshot(manager.snapshots().create(ctx.pathParam("id"), name)));
  }

  void listSnapshots(Context ctx) {
    ctx.json(Views.snapshots(manager.snapshots().list(ctx.pathParam("id"))));
  }

  void getSnapshot(Context ctx) {
    ctx.json(Views.snapshot(manager.snapshots().get(ctx.pathParam("id"), ctx.pathParam("name"))));
  }

  void deleteSnapshot(Context ctx) {
    String name = ctx.pathParam("name");
    manager.snapshots().delete(ctx.pathParam("id"), name);
    ctx.json(Views.fields(java.util.Map.of("deleted", name)));
  }

  void restoreSnapshot(Context ctx) {
    ctx.json(view(manager.snapshots().restore(ctx.pathParam("id"), ctx.pathParam("name"))));
  }

  /** Streams the snapshot as application/gzip; errors before the first byte are JSON as usual. */
  void exportSnapshot(Context ctx) throws java.io.IOException {
    try (var export = manager.snapshots().export(ctx.pathParam("id"), ctx.pathParam("name"))) {
      ctx.contentType("application/gzip");
      ctx.header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"");
      try (var out = ctx.res().getOutputStream()) {
        export.writeTo(out);
      }
    }
  }

  /** {@code POST /admin/namespaces/import?id=NEW} with an exported .tar.gz as the body. */
  void importSnapshot(Context ctx) throws java.io.IOException {
    String type = ctx.contentType();
    if (type != null && !isArchive(type)) {
      throw new io.vecstore.http.errors.HttpError(415, "unsupported_media_type",
          "Content-Type must be application/gzip (an exported snapshot), got: " + type);
    }
    try (var in = io.vecstore.http.CachedBody.stream(ctx)) {
      ctx.status(201).json(view(manager.snapshots().importArchive(QueryParams.string(ctx, "id"), in)));
    }
  }

  private static boolean isArchive(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return base.equals("application/gzip") || base.equals("application/x-gzip") || base.equals("application/octet-stream");
  }

  void importLucene(Context ctx) {
    var result = manager.snapshots().importLucene(Requests.luceneImport(bodies.read(ctx)));
    ctx.status(201).json(Views.luceneImport(result, manager.deletionDue(result.namespace().meta())));
  }

  private com.fasterxml.jackson.databind.node.ObjectNode view(io.vecstore.core.meta.NamespaceInfo info) {
    return Views.namespace(info, manager.deletionDue(info.meta()));
  }
}
