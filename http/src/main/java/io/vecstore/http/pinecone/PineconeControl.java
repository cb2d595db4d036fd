package io.vecstore.http.pinecone;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.http.ClusterHooks;
import io.vecstore.http.dto.PineconeBodies;
import io.vecstore.http.dto.PineconeViews;
import io.vecstore.http.errors.HttpError;
import io.vecstore.http.routes.JsonBodies;
import io.vecstore.core.namespace.NamespaceManager;
import java.util.List;
import java.util.Map;

/**
 * The part of Pinecone's control plane a client needs to find and create its index: this server
 * is one index ({@link PineconeConfig#indexName()}); its dimension and metric are those of the
 * default namespace, which creating the index creates. Its host is this server's
 * {@code /pinecone} URL as the client reached it, always with {@code http://}.
 *
 * <p>Thread-safety: stateless beyond its collaborators; safe for concurrent use.
 */
final class PineconeControl {

  /** The index's dimension (null while it has none) and metric. */
  record Shape(Integer dimension, Metric metric) {}

  private final NamespaceManager manager;
  private final JsonBodies bodies;
  private final PineconeConfig config;
  private final ClusterHooks cluster;

  PineconeControl(NamespaceManager manager, JsonBodies bodies, PineconeConfig config, ClusterHooks cluster) {
    this.manager = manager;
    this.bodies = bodies;
    this.config = config;
    this.cluster = cluster;
  }

  void list(Context ctx) {
    ctx.json(PineconeViews.indexes(List.of(model(ctx))));
  }

  void describe(Context ctx) {
    String name = ctx.pathParam("index_name");
    if (!name.equals(config.indexName())) {
      throw NotFoundException.index(name, config.indexName());
    }
    ctx.json(model(ctx));
  }

  /**
   * Creates the index, that is its default namespace with the dimension and metric asked; asked
   * again with the same dimension and metric it answers as if it had just created it (so a
   * client's create at start-up works on every start), with others it is a conflict.
   */
  void create(Context ctx) {
    PineconeBodies.CreateIndex request = PineconeBodies.createIndex(bodies.read(ctx));
    if (!request.name().equals(config.indexName())) {
      throw new InvalidRequestException("this server is the one Pinecone index '" + config.indexName()
          + "' and cannot create another ('" + request.name() + "'); create namespaces in it instead");
    }
    String namespace = config.defaultNamespace();
    if (namespace == null) {
      throw new InvalidRequestException("creating the index creates its default namespace, and this server names none: "
          + "start it with --pinecone-namespace NAME");
    }
    try {
      manager.create(new CreateNamespace(namespace, namespace, "the default namespace of Pinecone index "
          + config.indexName(), Map.of(), null, null, request.metric(), request.dimension()));
    } catch (AlreadyExistsException e) {
      Shape shape = shape();
      if (shape.metric() != request.metric() || shape.dimension() != null && shape.dimension() != request.dimension()) {
        throw AlreadyExistsException.index(config.indexName(), "Index '" + config.indexName() + "' already exists with "
            + "dimension " + shape.dimension() + " and metric " + PineconeBodies.metricName(shape.metric())
            + ", not " + request.dimension() + " and " + PineconeBodies.metricName(request.metric()));
      }
    }
    ctx.status(201).json(model(ctx));
  }

  /**
   * The index's dimension and metric: its default namespace's (in cluster mode wherever it is);
   * cosine and none before it exists.
   */
  Shape shape() {
    String namespace = config.defaultNamespace();
    if (namespace == null) {
      return new Shape(null, Metric.COSINE);
    }
    try {
      NamespaceMeta meta = manager.meta(namespace);
      return new Shape(meta.dimension(), meta.metric());
    } catch (NotFoundException e) {
      JsonNode remote = cluster.remoteNamespace(namespace);
      if (remote == null || !remote.path("metric").isTextual()) {
        return new Shape(null, Metric.COSINE);
      }
      JsonNode dimension = remote.path("dimension");
      return new Shape(dimension.isInt() ? dimension.intValue() : null, Metric.parse(remote.get("metric").textValue()));
    }
  }

  private com.fasterxml.jackson.databind.node.ObjectNode model(Context ctx) {
    Shape shape = shape();
    return PineconeViews.index(config.indexName(), "http://" + ctx.host() + PineconeRoutes.PREFIX, shape.dimension(),
        shape.metric());
  }

  /** A route of a Pinecone feature VecStore does not have: 501 with what to do instead. */
  static Handler unsupported(String message) {
    return ctx -> {
      throw new HttpError(501, "not_implemented", message);
    };
  }
}
