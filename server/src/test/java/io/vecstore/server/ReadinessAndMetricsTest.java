package io.vecstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process: {@code /ready} is 200 only once gRPC answers too, and 503 from the
 * first moment of shutdown; gRPC calls and gRPC authentication failures land in the same metric
 * series as REST's.
 */
class ReadinessAndMetricsTest {

  private static final String KEY = "readiness-admin-key-0123456789";

  @TempDir Path dir;

  @Test
  void readyMeansEveryListenerAnswersAndGrpcIsCountedLikeRest() throws Exception {
    int grpcPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      grpcPort = probe.getLocalPort();
    }
    Path keyFile = Files.writeString(dir.resolve("key"), KEY);
    ServerProcess p = ServerProcess.start(dir.resolve("data"), "--grpc-port", Integer.toString(grpcPort),
        "--admin-key-file", keyFile.toString());
    HttpClient http = HttpClient.newHttpClient();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      String base = p.awaitBase(Duration.ofSeconds(60));
      // The first 200 from /ready: gRPC must answer at that very moment.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (status(http, base + "/ready") != 200) {
        assertTrue(System.nanoTime() < deadline, "never ready:\n" + p.log());
        Thread.sleep(5);
      }
      assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus());

      VecStoreAdminServiceGrpc.newBlockingStub(channel).withCallCredentials(bearer(KEY)).withDeadlineAfter(30, TimeUnit.SECONDS)
          .createNamespace(CreateNamespaceRequest.newBuilder().setId("m").build());
      StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> VecStoreServiceGrpc.newBlockingStub(channel)
          .withCallCredentials(bearer("vsk_not_a_key_at_all")).withDeadlineAfter(30, TimeUnit.SECONDS)
          .query(QueryRequest.newBuilder().setNamespace("m").addVector(1).build()));
      assertEquals(Status.Code.UNAUTHENTICATED, denied.getStatus().getCode());

      String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Authorization", "Bearer " + KEY).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertEquals(1.0, value(metrics, "vecstore_http_server_requests_seconds_count\\{method=\"GRPC\","
          + "route=\"/vecstore.v1.VecStoreAdminService/CreateNamespace\",status=\"OK\"}"), metrics);
      assertEquals(1.0, value(metrics, "vecstore_http_server_requests_seconds_count\\{method=\"GRPC\","
          + "route=\"/vecstore.v1.VecStoreService/Query\",status=\"UNAUTHENTICATED\"}"), metrics);
      assertTrue(value(metrics, "vecstore_auth_failures_total\\{reason=\"invalid\"}") >= 1.0, metrics);
      assertEquals(0, p.terminate(Duration.ofSeconds(60)), p.log());
    } finally {
      channel.shutdownNow();
      p.close();
    }
  }

  private static int status(HttpClient http, String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static CallCredentials bearer(String key) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        applier.apply(h);
      }
    };
  }
}
