package io.vecstore.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Tells the server's metrics about every finished call: method, status code and duration. The
 * outermost interceptor, so calls refused by authentication are counted too, as REST's are.
 *
 * <p>Thread-safety: stateless beyond the recorder, which must be thread-safe.
 */
final class CallMetrics implements ServerInterceptor {

  private final GrpcServer.CallRecorder recorder;

  CallMetrics(GrpcServer.CallRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long start = System.nanoTime();
    ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        recorder.record(call.getMethodDescriptor().getFullMethodName(), status.getCode().name(), System.nanoTime() - start);
        super.close(status, trailers);
      }
    };
    return next.startCall(timed, headers);
  }
}
