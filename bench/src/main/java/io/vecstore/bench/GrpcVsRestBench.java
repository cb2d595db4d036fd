package io.vecstore.bench;

import static io.vecstore.bench.BenchUtil.json;
import static io.vecstore.bench.BenchUtil.pct;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.javalin.Javalin;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.quota.Tier;
import io.vecstore.grpc.GrpcServer;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.http.App;
import io.vecstore.http.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Query latency of the same request over gRPC and over REST (issue 10): one server in this JVM
 * (manager, Javalin app and gRPC server on loopback ports), one namespace of random 128-d vectors
 * (seeded), one client thread, k = 10, metadata included. Each round sends the same query vectors
 * through both APIs; the first rounds warm up, the last is measured. Not a test: run by hand
 * (bench/README.md). Flags: {@code --vectors N --queries N --rounds N}.
 */
public final class GrpcVsRestBench {

  private static final int DIM = 128;

  private GrpcVsRestBench() {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    int vectors = intFlag(a, "--vectors", 10_000);
    int queries = intFlag(a, "--queries", 2_000);
    int rounds = intFlag(a, "--rounds", 3);
    Random random = new Random(42);
    Path dir = Files.createTempDirectory("vecstore-grpc-bench");
    ServerConfig config = ServerConfig.defaults(dir).withPort(0);
    NamespaceManager manager = new NamespaceManager(config.managerConfig());
    Javalin app = App.create(config, manager).start("127.0.0.1", 0);
    GrpcServer grpc = GrpcServer.start(GrpcServer.Options.defaults(0), manager);
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    try {
      manager.create(new CreateNamespace("bench", "bench", null, Map.of(), Tier.UNLIMITED, null, null, null));
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < vectors; i++) {
        var metadata = io.vecstore.http.dto.JsonCodec.MAPPER.createObjectNode().put("n", i).put("category", "c" + i % 10);
        batch.add(new VectorRecord("v" + i, randomVector(random), metadata));
        if (batch.size() == 500) {
          manager.upsert("bench", batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        manager.upsert("bench", batch);
      }
      float[][] qs = new float[queries][];
      for (int i = 0; i < queries; i++) {
        qs[i] = randomVector(random);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI queryUri = URI.create("http://127.0.0.1:" + app.port() + "/v1/namespaces/bench/query");
      var stub = VecStoreServiceGrpc.newBlockingStub(channel);
      double[] rest = new double[queries];
      double[] rpc = new double[queries];
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < queries; i++) {
          String body = "{\"vector\":" + json(qs[i]) + ",\"k\":10}";
          long t = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(queryUri).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          rest[i] = (System.nanoTime() - t) / 1e6;
          if (r.statusCode() != 200 || !r.body().contains("\"results\"")) {
            throw new IllegalStateException("REST query failed: " + r.statusCode() + " " + r.body());
          }
          QueryRequest.Builder q = QueryRequest.newBuilder().setNamespace("bench").setK(10);
          for (float f : qs[i]) {
            q.addVector(f);
          }
          t = System.nanoTime();
          int results = stub.withDeadlineAfter(30, TimeUnit.SECONDS).query(q.build()).getResultsCount();
          rpc[i] = (System.nanoTime() - t) / 1e6;
          if (results != 10) {
            throw new IllegalStateException("gRPC query returned " + results + " results");
          }
        }
      }
      System.out.printf(Locale.ROOT, "== query latency, %d x %d-d vectors (cosine), k=10, metadata included, one client thread, "
          + "%d queries (last of %d rounds) ==%n", vectors, DIM, queries, rounds);
      System.out.printf(Locale.ROOT, "%-6s %9s %9s %9s %10s%n", "api", "p50 ms", "p99 ms", "mean ms", "queries/s");
      print("REST", rest);
      print("gRPC", rpc);
    } finally {
      channel.shutdownNow();
      grpc.close();
      app.stop();
      manager.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void print(String api, double[] ms) {
    double mean = Arrays.stream(ms).average().orElse(0);
    System.out.printf(Locale.ROOT, "%-6s %9.3f %9.3f %9.3f %10.0f%n", api, pct(ms, 50), pct(ms, 99), mean, 1000 / mean);
  }

  private static int intFlag(List<String> args, String flag, int fallback) {
    int i = args.indexOf(flag);
    return i >= 0 ? Integer.parseInt(args.get(i + 1)) : fallback;
  }

  private static float[] randomVector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

}
