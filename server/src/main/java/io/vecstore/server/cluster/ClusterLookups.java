package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Route;
import io.vecstore.core.auth.ApiKeys;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.http.auth.Access;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.HttpError;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * What a node asks the others when a request needs something only they hold: the namespace of a
 * namespace key (known only where its namespace is; a Pinecone request with no namespace is for
 * its key's), and the settings of a namespace another node owns (a Pinecone index's dimension and
 * metric are its default namespace's). A key's namespace never changes, so found ones are kept
 * (a revoked key still fails authentication on the owner).
 *
 * <p>Thread-safe.
 */
final class ClusterLookups {

  /** The internal route that answers which local namespace holds a key id. */
  static final String KEY_ROUTE = InternalRoutes.PREFIX + "keys/{keyId}";
  private static final int MAX_KEPT = 10_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Supplier<ClusterNode> node;
  private final NamespaceManager manager;
  private final NodeClient client;
  private final Map<String, String> keyNamespaces = new ConcurrentHashMap<>();

  ClusterLookups(Supplier<ClusterNode> node, NamespaceManager manager, NodeClient client) {
    this.node = node;
    this.manager = manager;
    this.client = client;
  }

  void register(RoutesConfig routes) {
    routes.get(KEY_ROUTE, this::keyNamespace, Access.ADMIN);
  }

  private void keyNamespace(Context ctx) {
    String namespace = manager.keys().namespaceOfKeyId(ctx.pathParam("keyId"));
    if (namespace == null) {
      throw new HttpError(404, "key_not_found", "No namespace on this node has this key");
    }
    ctx.json(Map.of("namespace", namespace));
  }

  /** The namespace of a namespace key that this node does not know, asked of every other live node. */
  String namespaceOfKey(String presentedKey) {
    String keyId = ApiKeys.idOf(presentedKey);
    ClusterNode n = node.get();
    if (keyId == null || n == null) {
      return null;
    }
    String kept = keyNamespaces.get(keyId);
    if (kept != null) {
      return kept;
    }
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (NodeInfo other : n.liveNodes().values()) {
      if (!other.nodeId().equals(n.nodeId())) {
        calls.add(client.sendAsync(client.request(other.advertiseUrl(), KEY_ROUTE.replace("{keyId}", keyId), TIMEOUT)
            .header(Forwarder.FORWARDED_BY, n.nodeId()).GET().build()));
      }
    }
    for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
      JsonNode answer = answer(call);
      if (answer != null && answer.path("namespace").isTextual()) {
        if (keyNamespaces.size() >= MAX_KEPT) {
          keyNamespaces.clear();
        }
        keyNamespaces.put(keyId, answer.get("namespace").textValue());
        return answer.get("namespace").textValue();
      }
    }
    return null;
  }

  /** The namespace object of a namespace another live node owns, or null. */
  JsonNode remoteNamespace(String namespaceId) {
    ClusterNode n = node.get();
    if (n == null || !(n.router().route(namespaceId) instanceof Route.Remote remote)) {
      return null;
    }
    return answer(client.sendAsync(client.request(remote.advertiseUrl(), "/admin/namespaces/" + namespaceId, TIMEOUT)
        .header(Forwarder.FORWARDED_BY, n.nodeId()).GET().build()));
  }

  private static JsonNode answer(CompletableFuture<HttpResponse<byte[]>> call) {
    try {
      HttpResponse<byte[]> response = call.get();
      return response.statusCode() == 200 ? JsonCodec.parse(response.body()) : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | RuntimeException e) {
      return null; // a node that does not answer knows nothing we can use
    }
  }
}
