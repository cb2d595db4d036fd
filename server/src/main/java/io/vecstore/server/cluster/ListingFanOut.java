package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ForwardResponse;
import io.vecstore.cluster.Forwarder;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.usage.DailyUsage;
import io.vecstore.http.dto.Views;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The cluster-wide REST listings, {@code GET /admin/namespaces}, {@code /admin/stats},
 * {@code /admin/usage}, and Pinecone's {@code GET /pinecone/namespaces} and
 * {@code POST /pinecone/describe_index_stats}: asked of every live node, this one too (each answers for what it owns,
 * and, the request being marked forwarded, does not ask the others again), then merged by
 * {@link ListingMerge}. Nodes that do not answer are named in {@link #UNREACHABLE}; a node's
 * refusal is the answer, as one node would give it.
 *
 * <p>Thread-safe (no state of its own; the client is thread-safe).
 */
final class ListingFanOut {

  /** Header naming the nodes that did not answer a cluster-wide listing (it is partial then). */
  static final String UNREACHABLE = "X-VecStore-Unreachable-Nodes";

  private final NodeClient client;
  private final long maxBodyBytes;

  ListingFanOut(NodeClient client, long maxBodyBytes) {
    this.client = client;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Whether a route is one of the cluster-wide listings. */
  static boolean isListing(String method, String template) {
    return method.equals("GET") && (template.equals("/admin/namespaces") || template.equals("/admin/stats")
        || template.equals("/admin/usage") || template.equals(PINECONE_NAMESPACES))
        || method.equals("POST") && template.equals(PINECONE_STATS);
  }

  private static final String PINECONE_NAMESPACES = "/pinecone/namespaces";
  private static final String PINECONE_STATS = "/pinecone/describe_index_stats";

  /** Asks every live node (this one too) for what it owns and merges the answers. */
  boolean fanOut(Context ctx, ClusterNode n, String template) {
    boolean usage = template.equals("/admin/usage");
    String query = ctx.queryString() == null ? "" : ctx.queryString();
    String format = ctx.queryParam("format");
    boolean csv = usage && ("csv".equals(format)
        || ((format == null || format.isEmpty()) && ctx.header("Accept") != null && ctx.header("Accept").contains("text/csv")));
    if (usage) {
      query = (query.replaceAll("(^|&)format=[^&]*", "") + "&format=json").replaceAll("^&", "");
    }
    String path = ctx.req().getRequestURI() + (query.isEmpty() ? "" : "?" + query);
    List<NodeInfo> nodes = new ArrayList<>(n.liveNodes().values());
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    byte[] body = ctx.method().name().equals("POST") ? RestForwarding.body(ctx, maxBodyBytes) : null;
    for (NodeInfo target : nodes) {
      HttpRequest.Builder request = client.request(target.advertiseUrl(), path, Duration.ofSeconds(30))
          .header(Forwarder.FORWARDED_BY, n.nodeId());
      if (body != null) {
        request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
      } else {
        request.GET();
      }
      String auth = ctx.header("Authorization");
      String apiKey = ctx.header("Api-Key");
      if (auth != null) {
        request.setHeader("Authorization", auth);
      } else if (apiKey != null) {
        request.header("Api-Key", apiKey);
      }
      calls.add(client.sendAsync(request.build()));
    }
    List<JsonNode> answers = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      HttpResponse<byte[]> response;
      try {
        response = calls.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw UnavailableException.shuttingDown();
      } catch (ExecutionException e) {
        unreachable.add(nodes.get(i).nodeId());
        continue;
      }
      if (response.statusCode() != 200) {
        // The same refusal on every node (a bad parameter): answer as one node would.
        RestForwarding.write(ctx, new ForwardResponse(response.statusCode(), response.headers().map(), response.body()));
        return true;
      }
      answers.add(ListingMerge.parse(response.body()));
    }
    if (!unreachable.isEmpty()) {
      ctx.header(UNREACHABLE, String.join(",", unreachable));
    }
    switch (template) {
      case "/admin/namespaces" -> {
        String limit = ctx.queryParam("limit");
        ctx.json(ListingMerge.page(answers, limit == null || limit.isEmpty() ? 100 : Integer.parseInt(limit)));
      }
      case "/admin/stats" -> ctx.json(ListingMerge.sum(answers));
      case PINECONE_NAMESPACES -> {
        String limit = ctx.queryParam("limit");
        ctx.json(ListingMerge.pineconeNamespaces(answers, limit == null || limit.isEmpty() ? 100 : Integer.parseInt(limit)));
      }
      case PINECONE_STATS -> ctx.json(ListingMerge.pineconeStats(answers));
      default -> usage(ctx, answers, csv);
    }
    return true;
  }

  /** The merged usage, as CSV or as JSON (the JSON answer needs a node's period: none answered, 503). */
  private static void usage(Context ctx, List<JsonNode> answers, boolean csv) {
    List<DailyUsage> days = ListingMerge.usage(answers);
    if (csv) {
      String from = answers.isEmpty() ? "" : answers.getFirst().path("from").asText();
      String to = answers.isEmpty() ? "" : answers.getFirst().path("to").asText();
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"vecstore-usage-" + from + "-" + to + ".csv\"");
      ctx.result(Views.usageCsv(days));
    } else if (answers.isEmpty()) {
      throw UnavailableException.shuttingDown();
    } else {
      ctx.json(Views.usage(LocalDate.parse(answers.getFirst().path("from").asText()),
          LocalDate.parse(answers.getFirst().path("to").asText()), days));
    }
  }
}
