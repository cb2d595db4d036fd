package io.vecstore.http.pinecone;

import io.javalin.http.Context;
import io.vecstore.core.auth.Principal;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.namespace.NamespacePage;
import io.vecstore.http.RequestNamespace;
import io.vecstore.http.auth.Authenticator;
import io.vecstore.http.dto.PineconeBodies;
import io.vecstore.http.dto.PineconeViews;
import io.vecstore.http.routes.JsonBodies;
import io.vecstore.http.routes.QueryParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Handlers of Pinecone's data plane: each reads the request {@link PineconeRoutes#resolve} parsed
 * and the namespace it resolved, and calls the core operation our own route calls.
 *
 * <p>Thread-safety: stateless beyond its collaborators; safe for concurrent use.
 */
final class PineconeData {

  /** Pages of namespaces are read this large when a listing gathers all of them (statistics). */
  private static final int SCAN_PAGE = 1000;

  private final NamespaceManager manager;
  private final JsonBodies bodies;
  private final PineconeControl control;
  private final Predicate<String> presented;

  PineconeData(NamespaceManager manager, JsonBodies bodies, PineconeControl control, Predicate<String> presented) {
    this.manager = manager;
    this.bodies = bodies;
    this.control = control;
    this.presented = presented;
  }

  void upsert(Context ctx) {
    var request = parsed(ctx, PineconeBodies.Upsert.class);
    manager.upsert(namespace(ctx), request.vectors());
    ctx.json(PineconeViews.upserted(request.vectors().size()));
  }

  void query(Context ctx) {
    var request = parsed(ctx, PineconeBodies.Query.class);
    String ns = namespace(ctx);
    float[] vector = request.vector() != null ? request.vector() : manager.fetch(ns, request.id()).values();
    var hits = manager.query(ns, request.request(vector));
    ctx.contentType("application/json").result(PineconeViews.matches(hits, ns, manager.meta(ns).metric()));
  }

  void fetch(Context ctx) {
    String ns = namespace(ctx);
    List<String> ids = ctx.queryParams("ids");
    if (ids.isEmpty()) {
      throw new InvalidRequestException("ids is required: one or more ?ids=ID parameters");
    }
    ctx.json(PineconeViews.fetched(manager.fetchMany(ns, ids), ns));
  }

  void fetchByMetadata(Context ctx) {
    var request = parsed(ctx, PineconeBodies.FetchByMetadata.class);
    String ns = namespace(ctx);
    ctx.json(PineconeViews.fetched(manager.fetchByFilter(ns, request.filter(), request.limit(), request.paginationToken()), ns));
  }

  void update(Context ctx) {
    var request = parsed(ctx, PineconeBodies.Update.class);
    String ns = namespace(ctx);
    if (request.id() != null) {
      try {
        manager.update(ns, request.id(), request.values(), request.setMetadata());
      } catch (NotFoundException e) {
        if (!e.code().equals("vector_not_found")) {
          throw e;
        }
        // Pinecone's update does not check that the id exists: a missing one is a no-op, 200.
      }
      ctx.json(PineconeViews.empty());
    } else {
      var count = manager.updateByFilter(ns, request.filter(), request.setMetadata(), request.dryRun());
      ctx.json(PineconeViews.matchedRecords(count.matched()));
    }
  }

  void delete(Context ctx) {
    var request = parsed(ctx, PineconeBodies.Delete.class);
    String ns = namespace(ctx);
    if (request.ids() != null) {
      manager.deleteVectors(ns, request.ids());
    } else if (request.all()) {
      manager.deleteAll(ns);
    } else {
      manager.deleteByFilter(ns, request.filter());
    }
    ctx.json(PineconeViews.empty());
  }

  void list(Context ctx) {
    String ns = namespace(ctx);
    var page = manager.listIds(ns, QueryParams.string(ctx, "prefix"),
        QueryParams.integer(ctx, "limit", PineconeBodies.DEFAULT_LIST_LIMIT), QueryParams.string(ctx, "paginationToken"));
    ctx.json(PineconeViews.ids(page, ns));
  }

  /** Vectors per namespace the caller may see: every namespace for the admin key, its own for a namespace key. */
  void stats(Context ctx) {
    PineconeBodies.stats(bodies.readOptional(ctx));
    Map<String, Long> counts = new TreeMap<>();
    double fullness = 0;
    PineconeControl.Shape shape;
    if (Authenticator.principal(ctx) instanceof Principal.NamespaceKey(var key)) {
      NamespaceInfo info = manager.get(key.namespace());
      if (info.available()) {
        counts.put(key.namespace(), info.vectorCount());
        fullness = info.quotaUtilization();
      }
      shape = new PineconeControl.Shape(info.meta().dimension(), info.meta().metric());
    } else {
      String cursor = null;
      do {
        NamespacePage page = manager.list(SCAN_PAGE, cursor, null, null, presented);
        for (NamespaceInfo info : page.namespaces()) {
          if (info.available()) {
            counts.put(info.meta().id(), info.vectorCount());
            fullness = Math.max(fullness, info.quotaUtilization());
          }
        }
        cursor = page.nextCursor();
      } while (cursor != null);
      shape = control.shape();
    }
    ctx.json(PineconeViews.stats(counts, fullness, shape.dimension(), shape.metric()));
  }

  void listNamespaces(Context ctx) {
    int limit = QueryParams.integer(ctx, "limit", PineconeBodies.DEFAULT_LIST_LIMIT);
    String token = QueryParams.string(ctx, "paginationToken");
    String prefix = QueryParams.string(ctx, "prefix");
    Predicate<String> visible = Authenticator.principal(ctx) instanceof Principal.NamespaceKey(var key)
        ? key.namespace()::equals : presented;
    NamespacePage page = manager.list(limit, token, prefix, null, visible);
    Map<String, Long> entries = new LinkedHashMap<>();
    page.namespaces().forEach(info -> entries.put(info.meta().id(), info.available() ? info.vectorCount() : null));
    ctx.json(PineconeViews.namespaces(entries, page.nextCursor(), page.total()));
  }

  /** Creates a namespace with the index's dimension and metric (and the server's default quotas). */
  void createNamespace(Context ctx) {
    String name = PineconeBodies.createNamespace(bodies.read(ctx));
    PineconeControl.Shape shape = control.shape();
    manager.create(new CreateNamespace(name, name, null, Map.of(), null, null, shape.metric(), shape.dimension()));
    ctx.status(201).json(PineconeViews.namespace(name, 0L));
  }

  void describeNamespace(Context ctx) {
    String ns = namespace(ctx);
    NamespaceInfo info = manager.get(ns);
    ctx.json(PineconeViews.namespace(ns, info.available() ? info.vectorCount() : null));
  }

  void deleteNamespace(Context ctx) {
    manager.delete(namespace(ctx));
    ctx.status(202).json(PineconeViews.empty());
  }

  /** The request {@link PineconeRoutes#resolve} parsed; its parse error, if it had one. */
  private static <T> T parsed(Context ctx, Class<T> type) {
    Object parsed = ctx.attribute(PineconeRoutes.PARSED);
    if (parsed instanceof RuntimeException e) {
      throw e;
    }
    if (parsed == null) {
      throw new IllegalStateException("a Pinecone body was not read before its request passed authentication");
    }
    return type.cast(parsed);
  }

  private static String namespace(Context ctx) {
    String ns = RequestNamespace.of(ctx);
    if (ns == null) {
      throw new InvalidRequestException("no namespace given, and the admin key has no default namespace: name one "
          + "(namespace), or start the server with --pinecone-namespace NAME");
    }
    return ns;
  }
}
