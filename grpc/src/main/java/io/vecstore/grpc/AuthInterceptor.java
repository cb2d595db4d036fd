package io.vecstore.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.vecstore.core.auth.Authorizer;
import io.vecstore.core.auth.Grant;
import io.vecstore.core.auth.Principal;
import io.vecstore.grpc.v1.VecStoreAdminServiceGrpc;
import io.vecstore.grpc.v1.VecStoreServiceGrpc;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Access control of every gRPC call with core's {@link Authorizer}, the same decision and messages
 * as REST: the key comes from the {@code authorization: Bearer <key>} (or {@code api-key})
 * metadata, the client address from the transport. Admin methods are decided when the call
 * starts; data methods when their request arrives, since the namespace asked for is a field of it
 * ({@code namespace}), and the request reaches the service only when the key grants it. The
 * health and reflection services are open, like REST's /health.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class AuthInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> API_KEY = Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

  private final Authorizer authorizer;
  /** Full method name → what it needs; methods not here (health, reflection) are open. */
  private final Map<String, Grant> grants = new HashMap<>();

  AuthInterceptor(Authorizer authorizer) {
    this.authorizer = authorizer;
    for (MethodDescriptor<?, ?> m : VecStoreAdminServiceGrpc.getServiceDescriptor().getMethods()) {
      grants.put(m.getFullMethodName(), Grant.ADMIN);
    }
    grants.put(VecStoreServiceGrpc.getQueryMethod().getFullMethodName(), Grant.DATA_READ);
    grants.put(VecStoreServiceGrpc.getFetchMethod().getFullMethodName(), Grant.DATA_READ);
    grants.put(VecStoreServiceGrpc.getUpsertMethod().getFullMethodName(), Grant.DATA_WRITE);
    grants.put(VecStoreServiceGrpc.getDeleteMethod().getFullMethodName(), Grant.DATA_WRITE);
    if (grants.size() != VecStoreAdminServiceGrpc.getServiceDescriptor().getMethods().size()
        + VecStoreServiceGrpc.getServiceDescriptor().getMethods().size()) {
      throw new IllegalStateException("every VecStore method needs a grant: " + grants.keySet());
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Grant grant = grants.get(method);
    if (grant == null || !authorizer.enabled()) {
      return next.startCall(call, headers);
    }
    Principal principal;
    try {
      principal = authorizer.authenticate(clientAddress(call),
          Authorizer.presentedKey(headers.get(AUTHORIZATION), headers.get(API_KEY)));
      if (grant == Grant.ADMIN) {
        authorizer.authorize(principal, grant, null);
      }
    } catch (RuntimeException e) {
      refuse(call, e, method);
      return new ServerCall.Listener<>() {};
    }
    if (grant == Grant.ADMIN) {
      return next.startCall(call, headers);
    }
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused; // calls of one listener are serialized by gRPC

      @Override
      public void onMessage(Q message) {
        try {
          authorizer.authorize(principal, grant, namespaceOf(message));
        } catch (RuntimeException e) {
          refused = true;
          refuse(call, e, method);
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }

      @Override
      public void onReady() {
        if (!refused) {
          super.onReady();
        }
      }
    };
  }

  private static void refuse(ServerCall<?, ?> call, RuntimeException e, String method) {
    StatusRuntimeException s = GrpcErrors.of(e, method);
    call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
  }

  private static String namespaceOf(Object request) {
    if (request instanceof Message m) {
      FieldDescriptor f = m.getDescriptorForType().findFieldByName("namespace");
      if (f != null) {
        return (String) m.getField(f);
      }
    }
    throw new IllegalStateException("data request without a namespace field: " + request.getClass().getName());
  }

  /** The client's IP address (the failure limiter's key), as REST's ctx.ip() gives it. */
  private static String clientAddress(ServerCall<?, ?> call) {
    SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (a instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(a);
  }
}
