package io.vecstore.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.vecstore.core.error.InvalidRequestException;
import io.grpc.protobuf.ProtoUtils;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How request messages are read. Two differences from grpc-java's defaults, both for clear errors:
 * a recursion limit past the metadata REST accepts (32 levels of JSON, each several levels of
 * {@code google.protobuf.Struct}; protobuf's default of 100 refused some of them), so that depth
 * gets REST's own message; and a message that cannot be parsed is INVALID_ARGUMENT naming the
 * problem. grpc-java turns any exception thrown while parsing into UNKNOWN "Application error
 * processing RPC", so parsing never throws here: an unreadable message becomes an empty one that
 * carries the reason in an unknown field, and an interceptor closes its call before any service
 * sees it.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestParsing {

  /** Protobuf nesting a request may have; deeper metadata is refused by the validator, with REST's message. */
  static final int RECURSION_LIMIT = 400;
  /** The highest field number protobuf allows: no request of ours uses it. */
  private static final int REASON_FIELD = 536_870_911;

  private RequestParsing() {}

  /** The same service, its requests read as described above. */
  static ServerServiceDefinition withClearParseErrors(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      ServerMethodDefinition<?, ?> replaced = replace(m);
      methods.add(replaced);
      descriptor.addMethod(replaced.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(out::addMethod);
    return ServerInterceptors.intercept(out.build(), new RejectUnreadable());
  }

  private static <Q, R> ServerMethodDefinition<Q, R> replace(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> md = m.getMethodDescriptor();
    MethodDescriptor<Q, R> replaced = md.toBuilder(tolerant(md.getRequestMarshaller()), md.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(replaced, m.getServerCallHandler());
  }

  @SuppressWarnings("unchecked")
  private static <Q> MethodDescriptor.Marshaller<Q> tolerant(MethodDescriptor.Marshaller<Q> original) {
    if (!(original instanceof MethodDescriptor.PrototypeMarshaller<Q> proto) || !(proto.getMessagePrototype() instanceof Message prototype)) {
      return original;
    }
    MethodDescriptor.Marshaller<Q> deep = (MethodDescriptor.Marshaller<Q>) ProtoUtils.marshallerWithRecursionLimit(prototype, RECURSION_LIMIT);
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Q value) {
        return deep.stream(value);
      }

      @Override
      public Q parse(InputStream stream) {
        try {
          return deep.parse(stream);
        } catch (RuntimeException e) {
          String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
          UnknownFieldSet reason = UnknownFieldSet.newBuilder().addField(REASON_FIELD, UnknownFieldSet.Field.newBuilder()
              .addLengthDelimited(ByteString.copyFrom(String.valueOf(why), StandardCharsets.UTF_8)).build()).build();
          return (Q) prototype.newBuilderForType().setUnknownFields(reason).build();
        }
      }
    };
  }

  /** Closes the call of a message that could not be read, with INVALID_ARGUMENT and the reason. */
  private static final class RejectUnreadable implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        private boolean rejected;

        @Override
        public void onMessage(Q message) {
          if (message instanceof Message m && m.getUnknownFields().hasField(REASON_FIELD)) {
            String why = m.getUnknownFields().getField(REASON_FIELD).getLengthDelimitedList().getFirst().toStringUtf8();
            rejected = true;
            StatusRuntimeException e = GrpcErrors.of(new InvalidRequestException("Malformed request message: " + why), "parse");
            call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
            return;
          }
          super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
          if (!rejected) {
            super.onHalfClose();
          }
        }
      };
    }
  }
}
