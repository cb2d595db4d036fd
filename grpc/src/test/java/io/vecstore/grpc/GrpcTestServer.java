package io.vecstore.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc.VecStoreAdminServiceBlockingStub;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc.VecStoreServiceBlockingStub;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;

/** The real gRPC server over a real manager on a temp directory and an ephemeral port, with a real grpc-java client. */
final class GrpcTestServer implements AutoCloseable {

  final NamespaceManager manager;
  final GrpcServer server;
  final ManagedChannel channel;

  private GrpcTestServer(NamespaceManager manager, GrpcServer server) {
    this.manager = manager;
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  static GrpcTestServer start(Path dataDir, String adminKey) throws IOException {
    return start(dataDir, adminKey, io.vecstore.core.quota.Plans.builtIn());
  }

  /** With {@code plans} (the built-in ones and a plans file's). */
  static GrpcTestServer start(Path dataDir, String adminKey, io.vecstore.core.quota.Plans plans) throws IOException {
    NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir).withPlans(plans));
    try {
      return new GrpcTestServer(manager, GrpcServer.start(GrpcServer.Options.defaults(0).withAdminKey(adminKey), manager));
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  VecStoreAdminServiceBlockingStub admin(String key) {
    VecStoreAdminServiceBlockingStub stub = VecStoreAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return key == null ? stub : stub.withCallCredentials(bearer(key));
  }

  VecStoreServiceBlockingStub data(String key) {
    VecStoreServiceBlockingStub stub = VecStoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return key == null ? stub : stub.withCallCredentials(bearer(key));
  }

  static CallCredentials bearer(String key) {
    return header(AuthInterceptor.AUTHORIZATION, "Bearer " + key);
  }

  static CallCredentials header(Metadata.Key<String> name, String value) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(name, value);
        applier.apply(m);
      }
    };
  }

  /** A call's failure as a client sees it: status, message, the code trailer and the rich details. */
  record Failure(Status.Code status, String message, String code, ErrorInfo info, RetryInfo retry) {}

  static Failure fails(Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    String code = e.getTrailers() == null ? null : e.getTrailers().get(GrpcErrors.CODE);
    com.google.rpc.Status rich = StatusProto.fromThrowable(e);
    ErrorInfo info = null;
    RetryInfo retry = null;
    if (rich != null) {
      assertEquals(e.getStatus().getCode().value(), rich.getCode());
      assertEquals(e.getStatus().getDescription(), rich.getMessage());
      try {
        for (var any : rich.getDetailsList()) {
          if (any.is(ErrorInfo.class)) {
            info = any.unpack(ErrorInfo.class);
          } else if (any.is(RetryInfo.class)) {
            retry = any.unpack(RetryInfo.class);
          }
        }
      } catch (InvalidProtocolBufferException ex) {
        throw new AssertionError(ex);
      }
      assertEquals(code, info == null ? null : info.getReason(), "trailer and ErrorInfo carry the same code");
    }
    return new Failure(e.getStatus().getCode(), e.getStatus().getDescription(), code, info, retry);
  }

  static void assertFailure(Status.Code status, String code, String message, Executable call) {
    Failure f = fails(call);
    assertEquals(status, f.status(), () -> "status of " + f);
    assertEquals(code, f.code(), () -> "code of " + f);
    if (message != null) {
      assertEquals(message, f.message());
    }
  }

  @Override
  public void close() throws IOException {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    manager.close();
  }
}
