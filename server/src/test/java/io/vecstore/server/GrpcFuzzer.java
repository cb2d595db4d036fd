package io.vecstore.server;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.vecstore.grpc.GrpcErrors;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.DeleteNamespaceRequest;
import io.vecstore.grpc.v1.DeleteRequest;
import io.vecstore.grpc.v1.FetchRequest;
import io.vecstore.grpc.v1.GetAggregateStatsRequest;
import io.vecstore.grpc.v1.GetNamespaceRequest;
import io.vecstore.grpc.v1.GetNamespaceStatsRequest;
import io.vecstore.grpc.v1.IdList;
import io.vecstore.grpc.v1.IntLimit;
import io.vecstore.grpc.v1.ListNamespacesRequest;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QuotaUpdate;
import io.vecstore.grpc.v1.RateLimit;
import io.vecstore.grpc.v1.UpdateNamespaceQuotasRequest;
import io.vecstore.grpc.v1.UpdateNamespaceStatusRequest;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A light gRPC fuzzer: typed requests of every RPC with random field values (negative and huge
 * numbers, unrecognized enum numbers, NaN and infinite floats, Structs with NaN numbers or deep
 * nesting, odd ids), bad credentials, and raw random bytes as a message. It only targets fuzz
 * namespaces ({@code fz-…}) and junk ids. Every call must end in success or an error with a
 * client-side gRPC status (never INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED or a deadline) and
 * carry the {@code vecstore-code} trailer. Not thread-safe.
 */
final class GrpcFuzzer {

  /** Where a finding goes: kind, a key naming the distinct problem, a reproducer, the answer. */
  interface Sink {
    void add(String kind, String key, String where, String reproducer, String answer);
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private final Random r;
  private final ManagedChannel channel;
  private final String adminKey;
  private final List<String> namespaces;
  private final Sink sink;
  private final ArrayDeque<Long> invalidKeys = new ArrayDeque<>();
  private int created;
  int calls;
  int ok;
  int rawBytesRejected;

  GrpcFuzzer(Random random, ManagedChannel channel, String adminKey, List<String> namespaces, Sink sink) {
    this.r = random;
    this.channel = channel;
    this.adminKey = adminKey;
    this.namespaces = namespaces;
    this.sink = sink;
  }

  void run(int count) {
    for (int i = 0; i < count; i++) {
      one();
    }
  }

  private void one() {
    Metadata md = new Metadata();
    String auth = auth(md);
    var admin = VecStoreAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    var data = VecStoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    String name;
    Supplier<Object> call;
    switch (r.nextInt(13)) {
      case 0 -> {
        CreateNamespaceRequest.Builder b = CreateNamespaceRequest.newBuilder().setId(newOrJunkId());
        if (r.nextBoolean()) {
          b.setTierValue(r.nextInt(6) - 1);
        }
        if (r.nextBoolean()) {
          b.setMetricValue(r.nextInt(6) - 1);
        }
        if (r.nextBoolean()) {
          b.setQuantizationValue(r.nextInt(7) - 1);
        }
        if (r.nextBoolean()) {
          b.setDimension(oddInt());
        }
        if (r.nextInt(3) == 0) {
          b.setDefaultNumCandidates(oddInt());
        }
        if (r.nextInt(3) == 0) {
          b.setQuotas(quotaUpdate());
        }
        if (r.nextInt(4) == 0) {
          b.setName(oddString());
        }
        if (r.nextInt(5) == 0) {
          b.putMetadata(oddString(), oddString());
        }
        CreateNamespaceRequest req = b.build();
        name = "CreateNamespace " + req;
        call = () -> admin.createNamespace(req);
      }
      case 1 -> {
        ListNamespacesRequest.Builder b = ListNamespacesRequest.newBuilder();
        if (r.nextBoolean()) {
          b.setLimit(oddInt());
        }
        if (r.nextBoolean()) {
          b.setCursor(r.nextBoolean() ? oddString() : "Zno");
        }
        if (r.nextBoolean()) {
          b.setPrefix(oddString());
        }
        if (r.nextBoolean()) {
          b.setStatusValue(r.nextInt(8) - 1);
        }
        ListNamespacesRequest req = b.build();
        name = "ListNamespaces " + req;
        call = () -> admin.listNamespaces(req);
      }
      case 2 -> {
        GetNamespaceRequest req = GetNamespaceRequest.newBuilder().setId(ns()).build();
        name = "GetNamespace " + req;
        call = () -> admin.getNamespace(req);
      }
      case 3 -> {
        UpdateNamespaceQuotasRequest req = UpdateNamespaceQuotasRequest.newBuilder().setId(ns()).setQuotas(quotaUpdate()).build();
        name = "UpdateNamespaceQuotas " + req;
        call = () -> admin.updateNamespaceQuotas(req);
      }
      case 4 -> {
        UpdateNamespaceStatusRequest req = UpdateNamespaceStatusRequest.newBuilder().setId(ns()).setStatusValue(r.nextInt(8) - 1).build();
        name = "UpdateNamespaceStatus " + req;
        call = () -> admin.updateNamespaceStatus(req);
      }
      case 5 -> {
        String id = r.nextBoolean() ? "fz-g" + Math.max(0, created - 1 - r.nextInt(3)) : junkId();
        DeleteNamespaceRequest req = DeleteNamespaceRequest.newBuilder().setId(id).build();
        name = "DeleteNamespace " + req;
        call = () -> admin.deleteNamespace(req);
      }
      case 6 -> {
        GetNamespaceStatsRequest req = GetNamespaceStatsRequest.newBuilder().setId(ns()).build();
        name = "GetNamespaceStats " + req;
        call = () -> admin.getNamespaceStats(req);
      }
      case 7 -> {
        name = "GetAggregateStats";
        call = () -> admin.getAggregateStats(GetAggregateStatsRequest.getDefaultInstance());
      }
      case 8 -> {
        UpsertRequest.Builder b = UpsertRequest.newBuilder().setNamespace(ns());
        int n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          io.vecstore.grpc.v1.Vector.Builder v = io.vecstore.grpc.v1.Vector.newBuilder().setId(vectorId());
          floats(v::addValues);
          if (r.nextBoolean()) {
            v.setMetadata(struct(0));
          }
          b.addVectors(v);
        }
        UpsertRequest req = b.build();
        name = "Upsert " + abbreviate(req.toString());
        call = () -> data.upsert(req);
      }
      case 9 -> {
        QueryRequest.Builder b = QueryRequest.newBuilder().setNamespace(ns());
        floats(b::addVector);
        if (r.nextBoolean()) {
          b.setK(oddInt());
        }
        if (r.nextInt(3) == 0) {
          b.setNumCandidates(oddInt());
        }
        switch (r.nextInt(3)) {
          case 0 -> b.setFilter(pick(new String[] {"category = 'tech'", "year > 1e400", "(((", "", "x IN [1,2", "NOT a = null"}));
          case 1 -> b.setFilterJson(filterStruct());
          default -> { }
        }
        QueryRequest req = b.build();
        name = "Query " + abbreviate(req.toString());
        call = () -> data.query(req);
      }
      case 10 -> {
        FetchRequest req = FetchRequest.newBuilder().setNamespace(ns()).setId(vectorId()).build();
        name = "Fetch " + req;
        call = () -> data.fetch(req);
      }
      case 11 -> {
        DeleteRequest.Builder b = DeleteRequest.newBuilder().setNamespace(ns());
        switch (r.nextInt(4)) {
          case 0 -> b.setIds(IdList.newBuilder().addIds(vectorId()).addIds(vectorId()));
          case 1 -> b.setFilter(pick(new String[] {"category = 'food'", "year >", "", "missing = 1"}));
          case 2 -> b.setFilterJson(filterStruct());
          default -> { }
        }
        DeleteRequest req = b.build();
        name = "Delete " + abbreviate(req.toString());
        call = () -> data.delete(req);
      }
      default -> {
        String method = pick(new String[] {"vecstore.v1.VecStoreService/Query", "vecstore.v1.VecStoreService/Upsert",
            "vecstore.v1.VecStoreAdminService/CreateNamespace", "vecstore.v1.VecStoreAdminService/ListNamespaces"});
        byte[] payload = new byte[r.nextInt(200)];
        r.nextBytes(payload);
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        name = "raw " + method + " " + payload.length + " random bytes: " + java.util.HexFormat.of().formatHex(payload);
        call = rawWithKey(raw, payload);
      }
    }
    calls++;
    try {
      call.get();
      ok++;
    } catch (StatusRuntimeException e) {
      check(name + " [auth " + auth + "]", e);
    } catch (RuntimeException e) {
      sink.add("grpc-client", "gRPC client exception " + e.getClass().getSimpleName(), name.split(" ", 2)[0], name, e.toString());
    }
  }

  private Supplier<Object> rawWithKey(MethodDescriptor<byte[], byte[]> raw, byte[] payload) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + adminKey);
    var ch = io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    return () -> ClientCalls.blockingUnaryCall(ch.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)), payload);
  }

  private void check(String name, StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String description = e.getStatus().getDescription();
    Metadata trailers = e.getTrailers();
    String stable = trailers == null ? null : trailers.get(GrpcErrors.CODE);
    String answer = code + " " + description + " vecstore-code=" + stable;
    boolean serverFault = code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.DATA_LOSS
        || code == Status.Code.UNIMPLEMENTED || code == Status.Code.DEADLINE_EXCEEDED
        || (code == Status.Code.UNAVAILABLE && stable == null);
    if (serverFault) {
      if (name.startsWith("raw ") && ((code == Status.Code.INTERNAL && "Invalid protobuf byte sequence".equals(description))
          || (code == Status.Code.UNKNOWN && "Application error processing RPC".equals(description)))) {
        // grpc-java's own answer to bytes that are not the method's message, before any VecStore
        // code runs (ServerCallImpl parses, ServerImpl closes with UNKNOWN): counted and reported apart
        rawBytesRejected++;
        return;
      }
      String method = name.split(" ", 2)[0];
      sink.add("grpc-server-fault", code + " " + stable + " " + abbreviate(String.valueOf(description)), "gRPC " + method, name, answer);
    } else if (stable == null) {
      String method = name.split(" ", 2)[0];
      sink.add("grpc-no-code", code + " without vecstore-code: " + abbreviate(String.valueOf(description)), "gRPC " + method, name,
          answer);
    }
  }

  private String auth(Metadata md) {
    Metadata.Key<String> authorization = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    int roll = r.nextInt(20);
    if (roll == 0) {
      return "none";
    }
    if (roll == 1 && budget()) {
      md.put(authorization, pick(new String[] {"Bearer nope", "Basic abc", "Bearer vsk_a_b", "Bearer " + adminKey + "x"}));
      return "invalid";
    }
    if (roll == 2) {
      md.put(Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER), adminKey);
      return "api-key";
    }
    md.put(authorization, "Bearer " + adminKey);
    return "admin";
  }

  private boolean budget() {
    long now = System.nanoTime();
    while (!invalidKeys.isEmpty() && now - invalidKeys.peekFirst() > 61_000_000_000L) {
      invalidKeys.pollFirst();
    }
    if (invalidKeys.size() >= 50) {
      return false;
    }
    invalidKeys.addLast(now);
    return true;
  }

  private QuotaUpdate quotaUpdate() {
    QuotaUpdate.Builder q = QuotaUpdate.newBuilder();
    if (r.nextBoolean()) {
      q.setMaxVectors(intLimit());
    }
    if (r.nextBoolean()) {
      q.setMaxStorageBytes(intLimit());
    }
    if (r.nextBoolean()) {
      RateLimit.Builder l = RateLimit.newBuilder();
      switch (r.nextInt(4)) {
        case 0 -> l.setUnlimited(r.nextBoolean());
        case 1 -> { }
        default -> l.setValue(pick(new double[] {10, 0.5, -1, Double.NaN, Double.POSITIVE_INFINITY, 1e308, -0.0}));
      }
      q.setMaxRequestsPerSecond(l);
    }
    if (r.nextBoolean()) {
      q.setMaxConcurrentQueries(intLimit());
    }
    if (r.nextBoolean()) {
      q.setMaxDimension(intLimit());
    }
    if (r.nextBoolean()) {
      q.setMaxResultsPerQuery(intLimit());
    }
    if (r.nextBoolean()) {
      q.setMaxBatchSize(intLimit());
    }
    return q.build();
  }

  private IntLimit intLimit() {
    IntLimit.Builder l = IntLimit.newBuilder();
    switch (r.nextInt(4)) {
      case 0 -> l.setUnlimited(r.nextBoolean());
      case 1 -> { }
      default -> l.setValue(pick(new long[] {0, 1, 10, 1000, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, Integer.MAX_VALUE}));
    }
    return l.build();
  }

  private void floats(java.util.function.Consumer<Float> add) {
    int dim = r.nextInt(8) == 0 ? pick(new int[] {0, 3, 5}) : 4;
    for (int i = 0; i < dim; i++) {
      add.accept(r.nextInt(12) == 0
          ? pick(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE})
          : r.nextFloat() * 2 - 1);
    }
  }

  private Struct struct(int depth) {
    Struct.Builder s = Struct.newBuilder();
    s.putFields("category", Value.newBuilder().setStringValue(pick(new String[] {"tech", "food", ""})).build());
    if (r.nextBoolean()) {
      s.putFields("year", Value.newBuilder().setNumberValue(oddDouble()).build());
    }
    if (r.nextInt(4) == 0) {
      s.putFields("none", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build());
    }
    if (r.nextInt(6) == 0) {
      s.putFields("unset", Value.getDefaultInstance()); // no kind set
    }
    if (r.nextInt(5) == 0) {
      s.putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
          .addValues(Value.newBuilder().setNumberValue(oddDouble())).addValues(Value.newBuilder().setBoolValue(true))).build());
    }
    if (depth == 0 && r.nextInt(8) == 0) {
      int levels = pick(new int[] {20, 33, 49, 51, 60});
      Struct nested = Struct.newBuilder().putFields("leaf", Value.newBuilder().setNumberValue(1).build()).build();
      for (int i = 0; i < levels; i++) {
        nested = Struct.newBuilder().putFields("n", Value.newBuilder().setStructValue(nested).build()).build();
      }
      s.putFields("deep" + levels, Value.newBuilder().setStructValue(nested).build());
    }
    return s.build();
  }

  private Struct filterStruct() {
    return switch (r.nextInt(5)) {
      case 0 -> Struct.newBuilder().putFields("year", Value.newBuilder().setStructValue(Struct.newBuilder()
          .putFields(pick(new String[] {"$gte", "$lt", "$eq", "$in", "$exists", "$bogus"}),
              Value.newBuilder().setNumberValue(oddDouble()).build())).build()).build();
      case 1 -> Struct.newBuilder().putFields("$or", Value.newBuilder().setListValue(ListValue.newBuilder()
          .addValues(Value.newBuilder().setStructValue(struct(1)))).build()).build();
      case 2 -> Struct.getDefaultInstance();
      default -> struct(0);
    };
  }

  private double oddDouble() {
    return r.nextInt(3) == 0
        ? pick(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e308, 9007199254740993d, 0.1, 2020})
        : 1990 + r.nextInt(40);
  }

  private int oddInt() {
    return pick(new int[] {1, 4, 10, 100, 0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 10_001, 4096, 4097});
  }

  private String oddString() {
    return pick(new String[] {"", "x", "fz", "\u0000", "\ud800", "x".repeat(300), "é", "..", "Zno"});
  }

  private String vectorId() {
    return r.nextInt(6) == 0 ? oddString() : "v" + r.nextInt(20);
  }

  private String ns() {
    return r.nextInt(6) == 0 ? junkId() : namespaces.get(r.nextInt(namespaces.size()));
  }

  private String newOrJunkId() {
    return r.nextInt(5) == 0 ? junkId() : "fz-g" + (created++);
  }

  private String junkId() {
    return pick(new String[] {"", "ghost", "..", "x".repeat(200), "a/b", "\u0000", "FZ-A"});
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
  }

  private <T> T pick(T[] values) {
    return values[r.nextInt(values.length)];
  }

  private int pick(int[] values) {
    return values[r.nextInt(values.length)];
  }

  private long pick(long[] values) {
    return values[r.nextInt(values.length)];
  }

  private double pick(double[] values) {
    return values[r.nextInt(values.length)];
  }

  private float pick(float[] values) {
    return values[r.nextInt(values.length)];
  }
}
