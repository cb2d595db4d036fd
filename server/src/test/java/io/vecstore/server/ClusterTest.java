package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.vecstore.grpc.v1.GetAggregateStatsRequest;
import io.vecstore.grpc.v1.GetNamespaceRequest;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.grpc.v1.Vector;
import io.vecstore.testdata.Seeded;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode end to end: a real ZooKeeper (curator-test's TestingServer, in this JVM, on
 * 127.0.0.1) and real VecStore processes on loopback ports, each its own JVM with its own data
 * directory. One test walks a cluster through placement, routing of every route from every node
 * (REST and gRPC, keys and quotas included), a fourth node joining, and a node leaving by SIGTERM
 * under a concurrent writer; the other partitions a node from ZooKeeper and checks that it stops
 * acknowledging writes (no split brain) and comes back.
 */
@ExtendWith(Seeded.class)
class ClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN_KEY = "cluster-test-admin-key-0123456789";
  private static final Duration START = Duration.ofSeconds(120);
  private static final Pattern GRPC_PORT = Pattern.compile("gRPC listening on 127\\.0\\.0\\.1:(\\d+)");
  private static final int NAMESPACES = 300;

  @TempDir Path dir;
  private TestingServer zk;
  private final List<ServerProcess> processes = Collections.synchronizedList(new ArrayList<>());
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path keyFile;

  /** A running node: its id, process, REST base URL and gRPC port. */
  private record Node(String id, ServerProcess process, String base, int grpcPort) {}

  /** An answer, with the headers a client branches on. */
  private record Reply(int status, String body, String contentType, String retryAfter, String wwwAuthenticate) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  @BeforeEach
  void startZooKeeper() throws Exception {
    zk = LoopbackZooKeeper.start();
    keyFile = Files.writeString(dir.resolve("admin.key"), ADMIN_KEY);
  }

  /** On a failure, the last lines of every node's log: what the cluster was doing (the data directories are gone). */
  @org.junit.jupiter.api.extension.RegisterExtension
  final org.junit.jupiter.api.extension.TestWatcher nodeLogs = new org.junit.jupiter.api.extension.TestWatcher() {
    @Override
    public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
      for (ServerProcess p : List.copyOf(processes)) {
        List<String> lines = List.of(p.log().split("\n"));
        System.out.println("--- last lines of a node's log ---\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
      }
    }
  };

  @AfterEach
  void stopAll() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ServerProcess p : List.copyOf(processes)) {
      p.close();
    }
    zk.close();
  }

  @Test
  void namespacesSpreadEveryNodeAnswersAlikeANodeJoinsAndOneLeaves(Random random) throws Exception {
    long seed = random.nextLong();
    System.out.println("ClusterTest seed: " + seed);
    random = new Random(seed);
    long start = System.nanoTime();
    List<Node> nodes = startNodes(zk.getPort(), "n1", "n2", "n3");
    lap("3 nodes up", start);

    // 300 namespaces created through random nodes land balanced.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < NAMESPACES; i++) {
      ids.add(String.format("ns-%03d", i));
    }
    createAll(nodes, ids, random);
    lap("300 namespaces created, per node " + ownedCounts(nodes.get(0)), start);
    // Claims go to the least loaded node; a burst through several nodes at once can land a little
    // unevenly (each node sees the others' newest claims a moment late) and the balancer evens it.
    await(Duration.ofSeconds(60), () -> {
      Map<String, Integer> owned = ownedCounts(nodes.get(0));
      return owned.size() == 3 && owned.values().stream().allMatch(c -> Math.abs(c - NAMESPACES / 3) <= NAMESPACES / 30)
          && send(nodes.get(0), "GET", "/admin/cluster", null, ADMIN_KEY).json().get("moving").isEmpty();
    }, "each node within 10% of " + NAMESPACES / 3 + " namespaces");
    lap("balanced, per node " + ownedCounts(nodes.get(0)), start);
    for (Node n : nodes) {
      assertEquals(NAMESPACES, listAll(nodes, 77, n).size(), "paging through every node, starting at " + n.id());
    }

    // Data, keys and quotas, through random nodes.
    List<String> loaded = ids.subList(0, 12);
    Map<String, Map<String, float[]>> vectors = new TreeMap<>();
    for (String ns : loaded) {
      vectors.put(ns, upsertRandom(pick(nodes, random), ns, 20 + random.nextInt(120), random));
    }
    String keyed = loaded.get(0);
    String readKey = send(pick(nodes, random), "POST", "/admin/namespaces/" + keyed + "/keys",
        "{\"name\":\"reader\",\"role\":\"read\"}", ADMIN_KEY).json().get("key").asText();
    String otherKey = send(pick(nodes, random), "POST", "/admin/namespaces/" + loaded.get(1) + "/keys",
        "{\"name\":\"writer\",\"role\":\"write\"}", ADMIN_KEY).json().get("key").asText();
    assertEquals(200, send(pick(nodes, random), "PUT", "/admin/namespaces/" + loaded.get(2) + "/quotas",
        "{\"max_requests_per_second\":2}", ADMIN_KEY).status());
    assertEquals(200, send(pick(nodes, random), "PUT", "/admin/namespaces/" + loaded.get(3) + "/status",
        "{\"status\":\"read_only\"}", ADMIN_KEY).status());

    // Every data and admin route gives the same answer from every node.
    String query = queryBody(vectors.get(keyed), random);
    ObjectNode pineconeQuery = JSON.createObjectNode().put("topK", 4).put("includeMetadata", true);
    pineconeQuery.set("vector", JSON.readTree(query).get("vector"));
    String pineconeAny = JSON.writeValueAsString(pineconeQuery);
    String pineconeKeyed = JSON.writeValueAsString(pineconeQuery.deepCopy().put("namespace", keyed));
    List<String[]> sameEverywhere = new ArrayList<>(List.of(
        new String[] {"GET", "/admin/namespaces/" + keyed, null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces/" + loaded.get(5) + "/stats", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces/" + keyed + "/keys", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces/" + loaded.get(6) + "/snapshots", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces/no-such-namespace", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces/a@b%20c/stats", null, ADMIN_KEY},
        new String[] {"GET", "/v1/namespaces/a@b/vectors/x", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces?limit=7&prefix=ns-1", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces?limit=0", null, ADMIN_KEY},
        new String[] {"GET", "/admin/namespaces?status=read_only", null, ADMIN_KEY},
        new String[] {"GET", "/admin/stats", null, ADMIN_KEY},
        new String[] {"GET", "/admin/usage?prefix=ns-00", null, ADMIN_KEY},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/query", query, ADMIN_KEY},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/query", query, readKey},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/query", query, "vsk_wrong_key"},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/query", query, null},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2]}]}", readKey},
        new String[] {"POST", "/v1/namespaces/" + keyed + "/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2]}]}", ADMIN_KEY},
        new String[] {"POST", "/v1/namespaces/" + loaded.get(3) + "/vectors", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2,3,4,5,6,7,8]}]}", ADMIN_KEY},
        new String[] {"GET", "/v1/namespaces/" + keyed + "/vectors/v0", null, readKey},
        new String[] {"GET", "/v1/namespaces/" + keyed + "/vectors/absent", null, ADMIN_KEY},
        new String[] {"GET", "/v1/namespaces/no-such-namespace/vectors/v0", null, ADMIN_KEY},
        new String[] {"POST", "/admin/namespaces", "{\"id\":\"" + keyed + "\"}", ADMIN_KEY},
        new String[] {"POST", "/admin/namespaces", "{\"id\":\"bad id\"}", ADMIN_KEY},
        new String[] {"GET", "/admin/cluster", null, "vsk_wrong_key"},
        new String[] {"GET", "/admin/cluster", null, null},
        // The Pinecone routes route alike: by the namespace in their body or query string, or by
        // the namespace of the key (known only on its owner) when they name none.
        new String[] {"POST", "/pinecone/query", pineconeKeyed, ADMIN_KEY},
        new String[] {"POST", "/pinecone/query", pineconeAny, readKey},
        new String[] {"POST", "/pinecone/query", pineconeQuery.deepCopy().put("namespace", "__default__").toString(), readKey},
        new String[] {"POST", "/pinecone/query", pineconeKeyed, otherKey},
        new String[] {"POST", "/pinecone/query", pineconeAny, ADMIN_KEY},
        new String[] {"GET", "/pinecone/vectors/fetch?ids=v0&ids=absent", null, readKey},
        new String[] {"GET", "/pinecone/vectors/list?limit=5&namespace=" + keyed, null, ADMIN_KEY},
        new String[] {"POST", "/pinecone/vectors/upsert", "{\"vectors\":[{\"id\":\"x\",\"values\":[1,2]}]}", readKey},
        new String[] {"POST", "/pinecone/describe_index_stats", "{}", ADMIN_KEY},
        new String[] {"POST", "/pinecone/describe_index_stats", "{}", readKey},
        new String[] {"GET", "/pinecone/namespaces?limit=7&prefix=ns-1", null, ADMIN_KEY},
        new String[] {"GET", "/pinecone/namespaces", null, readKey},
        new String[] {"GET", "/pinecone/namespaces/" + loaded.get(5), null, ADMIN_KEY}));
    for (String[] r : sameEverywhere) {
      List<Reply> replies = new ArrayList<>();
      for (Node n : nodes) {
        replies.add(send(n, r[0], r[1], r[2], r[3]));
      }
      for (Reply reply : replies) {
        assertEquals(sizesMasked(replies.get(0)), sizesMasked(reply), r[0] + " " + r[1] + " with key " + r[3] + " from every node");
      }
      assertTrue(replies.get(0).status() < 500, r[0] + " " + r[1] + ": " + replies.get(0));
    }
    Reply viaKey = send(pick(nodes, random), "POST", "/pinecone/query", pineconeAny, readKey);
    assertEquals(200, viaKey.status(), viaKey.body());
    assertEquals(send(pick(nodes, random), "POST", "/pinecone/query", pineconeKeyed, ADMIN_KEY).body(), viaKey.body());
    assertEquals(NAMESPACES, send(pick(nodes, random), "POST", "/pinecone/describe_index_stats", "{}", ADMIN_KEY).json()
        .get("namespaces").size(), "Pinecone's index statistics cover the cluster");
    int defaultDimension = vectors.get(PINECONE_DEFAULT).values().iterator().next().length;
    for (Node n : nodes) {
      JsonNode index = send(n, "GET", "/pinecone/indexes/vecstore", null, ADMIN_KEY).json();
      assertEquals(defaultDimension, index.get("dimension").asInt(), "the index's dimension, from " + n.id());
      assertEquals(n.base() + "/pinecone", index.get("host").asText());
    }
    assertEquals(201, send(pick(nodes, random), "POST", "/pinecone/namespaces", "{\"name\":\"pc-made\"}", ADMIN_KEY).status());
    for (Node n : nodes) {
      assertEquals(200, send(n, "GET", "/pinecone/namespaces/pc-made", null, ADMIN_KEY).status(), "from " + n.id());
    }
    assertEquals(202, send(pick(nodes, random), "DELETE", "/pinecone/namespaces/pc-made", null, ADMIN_KEY).status());
    await(Duration.ofSeconds(10), () -> send(nodes.get(1), "GET", "/admin/cluster", null, ADMIN_KEY).json()
        .get("namespaces_total").asInt() == NAMESPACES, "a namespace deleted through the Pinecone route is released");

    // Snapshot export through one node, import through another (placed anew, body forwarded).
    String source = loaded.get(7);
    assertEquals(201, send(nodes.get(0), "POST", "/admin/namespaces/" + source + "/snapshots", "{\"name\":\"s1\"}", ADMIN_KEY).status());
    HttpResponse<byte[]> archive = http.send(HttpRequest.newBuilder(URI.create(nodes.get(1).base() + "/admin/namespaces/"
        + source + "/snapshots/s1/export")).header("Authorization", "Bearer " + ADMIN_KEY).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, archive.statusCode());
    assertEquals("application/gzip", archive.headers().firstValue("Content-Type").orElse(null));
    HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(nodes.get(2).base()
        + "/admin/namespaces/import?id=imported")).header("Authorization", "Bearer " + ADMIN_KEY)
        .header("Content-Type", "application/gzip").POST(HttpRequest.BodyPublishers.ofByteArray(archive.body())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, imported.statusCode(), imported.body());
    for (Node n : nodes) {
      assertEquals(vectors.get(source).size(), send(n, "GET", "/admin/namespaces/imported/stats", null, ADMIN_KEY).json()
          .get("vector_count").asInt());
    }
    assertEquals(200, send(nodes.get(0), "DELETE", "/admin/namespaces/imported", null, ADMIN_KEY).status());

    Reply unauthenticated = send(nodes.get(1), "POST", "/v1/namespaces/" + keyed + "/query", query, null);
    assertEquals(401, unauthenticated.status());
    assertNotNull(unauthenticated.wwwAuthenticate());
    // A namespace key is known only where its namespace is: used outside it, it is refused
    // everywhere (403 where it is known, as on a single server; 401 elsewhere), never served.
    for (Node n : nodes) {
      int misused = send(n, "POST", "/v1/namespaces/" + keyed + "/query", query, otherKey).status();
      int onAdmin = send(n, "GET", "/admin/cluster", null, readKey).status();
      assertTrue((misused == 401 || misused == 403) && (onAdmin == 401 || onAdmin == 403), misused + " " + onAdmin);
    }
    assertEquals(201, send(nodes.get(2), "POST", "/admin/namespaces", "{\"id\":\"created-late\"}", ADMIN_KEY).status());
    assertEquals(200, send(nodes.get(0), "DELETE", "/admin/namespaces/created-late", null, ADMIN_KEY).status());
    await(Duration.ofSeconds(10), () -> send(nodes.get(1), "GET", "/admin/cluster", null, ADMIN_KEY).json()
        .get("namespaces_total").asInt() == NAMESPACES, "the deleted namespace's placement is released");

    // Rate limits hold cluster-wide: the owner counts every node's requests.
    int admitted = 0;
    int limited = 0;
    String limitedNs = loaded.get(2);
    String limitedQuery = queryBody(vectors.get(limitedNs), random);
    long windowStart = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      Reply r = send(nodes.get(i % 3), "POST", "/v1/namespaces/" + limitedNs + "/query", limitedQuery, ADMIN_KEY);
      if (r.status() == 200) {
        admitted++;
      } else {
        assertEquals(429, r.status(), r.body());
        assertNotNull(r.retryAfter(), "429 carries Retry-After");
        limited++;
      }
    }
    if (System.nanoTime() - windowStart < TimeUnit.MILLISECONDS.toNanos(900)) {
      assertEquals(2, admitted, "2 requests/second over all nodes");
      assertEquals(4, limited);
    }
    assertTrue(limited > 0, "some requests were limited");
    assertEquals(200, send(pick(nodes, random), "PUT", "/admin/namespaces/" + limitedNs + "/quotas",
        "{\"max_requests_per_second\":null}", ADMIN_KEY).status());

    // gRPC: any node serves any call, forwarded to the owner (totals first: queries change them).
    List<String> totals = new ArrayList<>();
    List<String> grpcAnswers = new ArrayList<>();
    float[] probe = vectors.get(loaded.get(4)).values().iterator().next();
    // The balancer may be moving a namespace meanwhile, and for a moment its old and new owner can
    // both count it: the totals must agree once no move is caught half-way.
    await(Duration.ofSeconds(30), () -> {
      totals.clear();
      for (Node n : nodes) {
        totals.add(sizesMasked(admin(n).getAggregateStats(GetAggregateStatsRequest.getDefaultInstance()).toString()));
      }
      return totals.stream().distinct().count() == 1;
    }, "GetAggregateStats alike from every node");
    for (Node n : nodes) {
      var q = QueryRequest.newBuilder().setNamespace(loaded.get(4)).setK(3).addAllVector(floats(probe));
      grpcAnswers.add(data(n).query(q.build()) + "\n" + admin(n).getNamespace(GetNamespaceRequest.newBuilder()
          .setId(loaded.get(4)).build()) + "\n" + admin(n).listNamespaces(ListNamespacesRequest.newBuilder().setLimit(5)
          .setPrefix("ns-2").build()));
      StatusRuntimeException unknown = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
          () -> admin(n).getNamespace(GetNamespaceRequest.newBuilder().setId("no-such-namespace").build()));
      assertEquals(io.grpc.Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }
    for (Node n : nodes) {
      var upsert = UpsertRequest.newBuilder().setNamespace(loaded.get(4))
          .addVectors(Vector.newBuilder().setId("grpc-" + n.id()).addAllValues(floats(probe)));
      assertEquals(1, data(n).upsert(upsert.build()).getUpserted());
      vectors.get(loaded.get(4)).put("grpc-" + n.id(), probe);
    }
    totals.forEach(t -> assertEquals(sizesMasked(totals.get(0)), sizesMasked(t), "GetAggregateStats from every node"));
    grpcAnswers.forEach(a -> assertEquals(sizesMasked(grpcAnswers.get(0)), sizesMasked(a), "gRPC answers from every node"));
    assertTrue(totals.get(0).contains("total_namespaces: " + NAMESPACES), totals.get(0));

    String metrics = send(nodes.get(0), "GET", "/metrics", null, ADMIN_KEY).body();
    assertTrue(metrics.contains("vecstore_cluster_nodes 3.0"), metrics);
    assertTrue(metrics.contains("vecstore_cluster_forwarded_requests_total{node="), "forwards are counted");
    lap("every route from every node", start);

    // A fourth node joins and receives namespaces until the cluster is balanced within 10%.
    List<Node> four = new ArrayList<>(nodes);
    four.add(startNodes(zk.getPort(), "n4").get(0));
    await(Duration.ofSeconds(120), () -> balanced(four.get(3), 4), "balanced within 10% with n4");
    lap("n4 joined and the cluster rebalanced", start);
    assertTrue(ownedCounts(four.get(0)).getOrDefault("n4", 0) > 0);
    for (String ns : loaded) {
      assertVectors(four, ns, vectors.get(ns), random);
    }
    assertEquals(NAMESPACES, listAll(four, 100, four.get(3)).size());

    // n2 leaves by SIGTERM while writers go on: no failed read, no lost write.
    Node leaving = four.get(1);
    List<Node> staying = List.of(four.get(0), four.get(2), four.get(3));
    List<String> busy = new ArrayList<>(loaded.subList(4, 12));
    busy.removeIf(ns -> ns.equals(loaded.get(2)) || ns.equals(loaded.get(3))); // rate-limited and read-only
    ClusterWriter writer = new ClusterWriter(staying, busy, seed);
    writer.start(3);
    Thread.sleep(1500);
    int exit = leaving.process().terminate(Duration.ofSeconds(180));
    Thread.sleep(2000);
    writer.stop();
    lap("n2 left by SIGTERM", start);
    assertEquals(0, exit, leaving.process().log());
    assertTrue(leaving.process().log().contains("Handed off"), leaving.process().log());
    assertEquals(List.of(), writer.failures, "no failed read or write while n2 handed off");
    assertTrue(writer.acknowledged.size() > 50, "the writer wrote: " + writer.acknowledged.size());
    for (Map.Entry<String, String> w : writer.acknowledged.entrySet()) {
      Reply r = send(staying.get(random.nextInt(3)), "GET", "/v1/namespaces/" + w.getValue() + "/vectors/" + w.getKey(), null,
          ADMIN_KEY);
      assertEquals(200, r.status(), "acknowledged write " + w + " is there: " + r.body());
    }
    JsonNode cluster = send(staying.get(0), "GET", "/admin/cluster", null, ADMIN_KEY).json();
    assertEquals(3, cluster.get("live_nodes").asInt());
    assertEquals(0, cluster.get("owner_down").size(), cluster.toString());
    assertEquals(NAMESPACES, cluster.get("namespaces_total").asInt());
    assertEquals(NAMESPACES, listAll(staying, 100, staying.get(1)).size());
    for (String ns : loaded) {
      assertVectors(staying, ns, vectors.get(ns), random);
    }
    lap("done", start);
  }

  @Test
  void aNodeCutOffFromZooKeeperStopsAcknowledgingWritesAndComesBack(Random random) throws Exception {
    try (ZkProxy proxy = new ZkProxy(zk.getPort())) {
      Node cut = startNodes(proxy.port(), "p1").get(0);
      Node other = startNodes(zk.getPort(), "p2").get(0);
      // namespaces until one lands on each node
      String onCut = null;
      for (int i = 0; onCut == null && i < 20; i++) {
        String id = "part-" + i;
        assertEquals(201, send(other, "POST", "/admin/namespaces", "{\"id\":\"" + id + "\"}", ADMIN_KEY).status());
        if (ownerOf(other, id).equals("p1")) {
          onCut = id;
        }
      }
      assertNotNull(onCut, "a namespace on p1");
      String ns = onCut;
      Map<String, float[]> before = upsertRandom(other, ns, 30, random);

      proxy.cut();
      long cutAt = System.nanoTime();
      String during = "{\"vectors\":[{\"id\":\"during\",\"values\":" + JSON.writeValueAsString(floats(before.get("v0"))) + "}]}";
      // p1 notices at once (its connection closed); before that it still rightly owns the namespace.
      await(Duration.ofSeconds(5), () -> send(cut, "POST", "/v1/namespaces/" + ns + "/vectors", during, ADMIN_KEY).status() == 503,
          "p1 refuses writes once it lost ZooKeeper");
      send(cut, "DELETE", "/v1/namespaces/" + ns + "/vectors/during", null, ADMIN_KEY); // refused too, or gone already
      System.out.printf("ClusterTest: p1 refused writes %.2f s after the cut%n", (System.nanoTime() - cutAt) / 1e9);
      // From then on, through its session's expiry, no node acknowledges a write of its namespace.
      int refusedOnCut = 0;
      while (System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(9)) {
        for (Node via : List.of(cut, other)) {
          Reply w = send(via, "POST", "/v1/namespaces/" + ns + "/vectors", during.replace("\"during\"", "\"during2\""),
              ADMIN_KEY);
          assertEquals(503, w.status(), "no write acknowledged during the partition (via " + via.id() + "): " + w.body());
          assertNotNull(w.retryAfter(), "503 carries Retry-After");
          String code = w.json().get("code").asText();
          assertTrue(code.equals("not_owner") || code.equals("owner_down"), w.body());
          if (via == cut) {
            assertEquals("not_owner", code);
            refusedOnCut++;
          }
        }
        Reply read = send(cut, "GET", "/v1/namespaces/" + ns + "/vectors/v0", null, ADMIN_KEY);
        assertEquals(200, read.status(), "reads go on on the cut-off owner: " + read.body());
        Thread.sleep(200);
      }
      // Rounds take longer on a loaded machine; what matters is that every one of them was refused.
      assertTrue(refusedOnCut >= 2, "p1 was asked through the expiry, refused " + refusedOnCut + " times");
      // Its session expired meanwhile: the other node sees the owner gone.
      await(Duration.ofSeconds(10), () -> send(other, "GET", "/v1/namespaces/" + ns + "/vectors/v0", null, ADMIN_KEY)
          .body().contains("owner_down"), "p2 answers owner_down for p1's namespace");

      proxy.heal();
      String after = "{\"vectors\":[{\"id\":\"after\",\"values\":" + JSON.writeValueAsString(floats(before.get("v0"))) + "}]}";
      await(Duration.ofSeconds(30), () -> send(cut, "POST", "/v1/namespaces/" + ns + "/vectors", after, ADMIN_KEY).status() == 200,
          "p1 acknowledges writes again once back in the cluster");
      assertEquals(200, send(other, "GET", "/v1/namespaces/" + ns + "/vectors/after", null, ADMIN_KEY).status());
      assertEquals(404, send(other, "GET", "/v1/namespaces/" + ns + "/vectors/during2", null, ADMIN_KEY).status(),
          "the refused writes were never applied");
      List<Node> both = List.of(cut, other);
      assertVectors(both, ns, before, random);

      // kill -9 of the owner: its namespaces answer 503 owner_down until it returns with its data.
      cut.process().kill9();
      await(Duration.ofSeconds(15), () -> send(other, "GET", "/v1/namespaces/" + ns + "/vectors/v0", null, ADMIN_KEY)
          .body().contains("owner_down"), "owner_down after kill -9");
      Node back = startNodes(proxy.port(), "p1").get(0);
      assertEquals(200, send(other, "GET", "/v1/namespaces/" + ns + "/vectors/after", null, ADMIN_KEY).status(),
          "the acknowledged write came back with the node");
      assertVectors(List.of(back, other), ns, before, random);
    }
  }

  // --- cluster helpers ---------------------------------------------------------------------------

  /** Every node's default namespace for Pinecone requests with the admin key (one of the loaded ones). */
  private static final String PINECONE_DEFAULT = "ns-004";

  private List<Node> startNodes(int zkPort, String... ids) throws Exception {
    List<ServerProcess> started = new ArrayList<>();
    for (String id : ids) {
      int grpcPort;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        grpcPort = free.getLocalPort();
      }
      ServerProcess p = ServerProcess.startWithHeap("256m", dir.resolve(id), "--cluster", "127.0.0.1:" + zkPort,
          "--node-id", id, "--cluster-session-timeout-ms", "6000", "--admin-key-file", keyFile.toString(),
          "--grpc-port", Integer.toString(grpcPort), "--pinecone-namespace", PINECONE_DEFAULT);
      processes.add(p);
      started.add(p);
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      ServerProcess p = started.get(i);
      String base = p.awaitBase(START);
      await(Duration.ofSeconds(10), () -> GRPC_PORT.matcher(p.log()).find(), ids[i] + " logs its gRPC port");
      Matcher m = GRPC_PORT.matcher(p.log());
      assertTrue(m.find());
      Node n = new Node(ids[i], p, base, Integer.parseInt(m.group(1)));
      await(Duration.ofSeconds(30), () -> send(n, "GET", "/ready", null, null).status() == 200, ids[i] + " ready");
      nodes.add(n);
    }
    return nodes;
  }

  private void createAll(List<Node> nodes, List<String> ids, Random random) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (String id : ids) {
        Node via = pick(nodes, random);
        replies.add(pool.submit(() -> send(via, "POST", "/admin/namespaces", "{\"id\":\"" + id + "\",\"tier\":\"unlimited\"}",
            ADMIN_KEY)));
      }
      for (int i = 0; i < ids.size(); i++) {
        Reply r = replies.get(i).get(60, TimeUnit.SECONDS);
        assertEquals(201, r.status(), ids.get(i) + ": " + r.body());
        assertEquals(ids.get(i), r.json().get("id").asText());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every namespace id, paging with {@code limit} and asking the next node for each next page. */
  private List<String> listAll(List<Node> nodes, int limit, Node first) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    int i = nodes.indexOf(first);
    do {
      Node via = nodes.get(i++ % nodes.size());
      JsonNode page = send(via, "GET", "/admin/namespaces?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor),
          null, ADMIN_KEY).json();
      page.get("namespaces").forEach(n -> out.add(n.get("id").asText()));
      assertEquals(NAMESPACES, page.get("total").asInt(), page.toString());
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertEquals(new ArrayList<>(new TreeSet<>(out)), out, "sorted, each once");
    return out;
  }

  private Map<String, Integer> ownedCounts(Node via) {
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode n : send(via, "GET", "/admin/cluster", null, ADMIN_KEY).json().get("nodes")) {
      counts.put(n.get("node_id").asText(), n.get("namespace_count").asInt());
    }
    return counts;
  }

  private String ownerOf(Node via, String ns) {
    for (JsonNode n : send(via, "GET", "/admin/cluster", null, ADMIN_KEY).json().get("nodes")) {
      for (JsonNode id : n.get("namespaces")) {
        if (id.asText().equals(ns)) {
          return n.get("node_id").asText();
        }
      }
    }
    return "";
  }

  /** Balanced as the balancer weighs it: per node, its namespaces plus their vectors, within 10% of the mean. */
  private boolean balanced(Node via, int nodeCount) {
    JsonNode cluster = send(via, "GET", "/admin/cluster", null, ADMIN_KEY).json();
    if (cluster.get("live_nodes").asInt() != nodeCount || cluster.get("moving").size() > 0) {
      return false;
    }
    Map<String, Long> vectorsOf = new java.util.HashMap<>();
    listPages(via).forEach(n -> vectorsOf.put(n.get("id").asText(), n.path("vector_count").asLong()));
    List<Long> weights = new ArrayList<>();
    for (JsonNode n : cluster.get("nodes")) {
      long w = 0;
      for (JsonNode id : n.get("namespaces")) {
        w += 1 + vectorsOf.getOrDefault(id.asText(), 0L);
      }
      weights.add(w);
    }
    double mean = weights.stream().mapToLong(Long::longValue).average().orElse(0);
    return weights.stream().allMatch(w -> Math.abs(w - mean) <= 0.1 * mean);
  }

  private List<JsonNode> listPages(Node via) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = send(via, "GET", "/admin/namespaces?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), null,
          ADMIN_KEY).json();
      page.get("namespaces").forEach(out::add);
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    return out;
  }

  private Map<String, float[]> upsertRandom(Node via, String ns, int count, Random random) throws Exception {
    Map<String, float[]> written = new ConcurrentHashMap<>();
    ArrayNode list = JSON.createArrayNode();
    for (int i = 0; i < count; i++) {
      float[] v = new float[8];
      for (int d = 0; d < v.length; d++) {
        v[d] = random.nextFloat() + 0.01f;
      }
      written.put("v" + i, v);
      ObjectNode o = list.addObject().put("id", "v" + i);
      o.set("values", JSON.valueToTree(v));
      o.putObject("metadata").put("i", i);
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("vectors", list);
    Reply r = send(via, "POST", "/v1/namespaces/" + ns + "/vectors", JSON.writeValueAsString(body), ADMIN_KEY);
    assertEquals(200, r.status(), r.body());
    return written;
  }

  /** Each vector fetched through a random node is the one written; a query finds its nearest. */
  private void assertVectors(List<Node> nodes, String ns, Map<String, float[]> expected, Random random) {
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      Reply r = send(nodes.get(random.nextInt(nodes.size())), "GET", "/v1/namespaces/" + ns + "/vectors/" + e.getKey(), null,
          ADMIN_KEY);
      assertEquals(200, r.status(), ns + "/" + e.getKey() + ": " + r.body());
      JsonNode values = r.json().get("values");
      for (int d = 0; d < e.getValue().length; d++) {
        assertEquals(e.getValue()[d], values.get(d).floatValue(), ns + "/" + e.getKey());
      }
    }
  }

  private static String queryBody(Map<String, float[]> vectors, Random random) throws Exception {
    List<float[]> all = new ArrayList<>(vectors.values());
    ObjectNode q = JSON.createObjectNode().put("k", 5);
    q.set("vector", JSON.valueToTree(all.get(random.nextInt(all.size()))));
    return JSON.writeValueAsString(q);
  }

  private static List<Float> floats(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  /**
   * Bytes on disk (and the utilization they feed) change by themselves while the cluster runs:
   * background flushes, commits and merges. Masked where answers taken a moment apart are compared.
   */
  private static String sizesMasked(String text) {
    return text.replaceAll("(storage_bytes(_peak)?\"?:\\s?)\\d+", "$1#").replaceAll("(quota_utilization\"?:\\s?)[0-9.Ee-]+", "$1#");
  }

  private static Reply sizesMasked(Reply r) {
    return new Reply(r.status(), sizesMasked(r.body()), r.contentType(), r.retryAfter(), r.wwwAuthenticate());
  }

  private static Node pick(List<Node> nodes, Random random) {
    return nodes.get(random.nextInt(nodes.size()));
  }

  private final Map<String, ManagedChannel> channelsByNode = new ConcurrentHashMap<>();

  private ManagedChannel channel(Node n) {
    return channelsByNode.computeIfAbsent(n.id(), id -> {
      ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", n.grpcPort()).usePlaintext().build();
      channels.add(c);
      return c;
    });
  }

  private VecStoreServiceGrpc.VecStoreServiceBlockingStub data(Node n) {
    return VecStoreServiceGrpc.newBlockingStub(channel(n)).withInterceptors(auth(ADMIN_KEY));
  }

  private VecStoreAdminServiceGrpc.VecStoreAdminServiceBlockingStub admin(Node n) {
    return VecStoreAdminServiceGrpc.newBlockingStub(channel(n)).withInterceptors(auth(ADMIN_KEY));
  }

  private static io.grpc.ClientInterceptor auth(String key) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  private Reply send(Node n, String method, String path, String body, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.base() + path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Retry-After").orElse(null), r.headers().firstValue("WWW-Authenticate").orElse(null));
    } catch (Exception e) {
      throw new AssertionError(method + " " + n.base() + path + " failed: " + e, e);
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(200);
    }
  }

  private static void lap(String what, long start) {
    System.out.printf("ClusterTest: %s after %.1f s%n", what, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Writers on their own threads: each upserts one new vector into a random busy namespace
   * through a random node, then reads a vector back through another; every non-2xx answer or
   * error is a failure, every 200 an acknowledged write.
   */
  private final class ClusterWriter {
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Node> nodes;
    private final List<String> namespaces;
    private final long seed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger counter = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    ClusterWriter(List<Node> nodes, List<String> namespaces, long seed) {
      this.nodes = nodes;
      this.namespaces = namespaces;
      this.seed = seed;
    }

    void start(int threadCount) {
      for (int t = 0; t < threadCount; t++) {
        Random random = new Random(seed + t);
        Thread thread = new Thread(() -> {
          while (!stop.get()) {
            String ns = namespaces.get(random.nextInt(namespaces.size()));
            String id = "w" + counter.incrementAndGet();
            Node via = pick(nodes, random);
            StringBuilder values = new StringBuilder("[");
            for (int d = 0; d < 8; d++) {
              values.append(d == 0 ? "" : ",").append(random.nextFloat() + 0.01f);
            }
            Reply w = send(via, "POST", "/v1/namespaces/" + ns + "/vectors",
                "{\"vectors\":[{\"id\":\"" + id + "\",\"values\":" + values + "]}]}", ADMIN_KEY);
            if (w.status() == 200) {
              acknowledged.put(id, ns);
            } else {
              failures.add("write " + ns + "/" + id + " via " + via.id() + ": " + w.status() + " " + w.body());
            }
            Reply r = send(pick(nodes, random), "GET", "/v1/namespaces/" + ns + "/vectors/v0", null, ADMIN_KEY);
            if (r.status() != 200) {
              failures.add("read " + ns + "/v0: " + r.status() + " " + r.body());
            }
          }
        }, "test-cluster-writer-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
  }
}
