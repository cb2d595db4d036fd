package io.vecstore.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.Tier;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import io.vecstore.grpc.v1.Vector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request messages that do not parse, or nest deeply, get INVALID_ARGUMENT with a reason, never UNKNOWN. */
class GrpcParseTest {

  @TempDir Path dataDir;
  GrpcTestServer server;

  @BeforeEach
  void start() throws IOException {
    server = GrpcTestServer.start(dataDir, null);
    server.admin(null).createNamespace(CreateNamespaceRequest.newBuilder().setId("p").setTier(Tier.UNLIMITED).build());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void metadataNestedAsDeepAsRestAllowsIsReadAndDeeperGetsRestsMessage() {
    var data = server.data(null);
    data.upsert(upsert(nested(32)));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> data.upsert(upsert(nested(33))));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("nests 33 levels deep"), e.getStatus().toString());
    StatusRuntimeException deeper = assertThrows(StatusRuntimeException.class, () -> data.upsert(upsert(nested(60))));
    assertEquals(Status.Code.INVALID_ARGUMENT, deeper.getStatus().getCode(), deeper.getStatus().toString());
  }

  @Test
  void bytesThatAreNoMessageAreInvalidArgument() {
    MethodDescriptor<byte[], byte[]> raw = VecStoreServiceGrpc.getUpsertMethod().toBuilder(new Bytes(), new Bytes()).build();
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x12, 0x7f};
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(server.channel, raw, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), garbage));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().startsWith("Malformed request message"), e.getStatus().toString());
  }

  private static UpsertRequest upsert(Struct metadata) {
    return UpsertRequest.newBuilder().setNamespace("p")
        .addVectors(Vector.newBuilder().setId("a").addValues(1).addValues(0).setMetadata(metadata)).build();
  }

  /** {"a":{"a":…{"a":1}…}} with {@code levels} objects. */
  private static Struct nested(int levels) {
    Struct s = Struct.newBuilder().putFields("a", Value.newBuilder().setNumberValue(1).build()).build();
    for (int i = 1; i < levels; i++) {
      s = Struct.newBuilder().putFields("a", Value.newBuilder().setStructValue(s).build()).build();
    }
    return s;
  }

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
