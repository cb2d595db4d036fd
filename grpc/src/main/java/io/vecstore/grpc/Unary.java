package io.vecstore.grpc;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs one unary call's work and answers with its result or its error mapped by {@link GrpcErrors}. */
final class Unary {

  private Unary() {}

  static <T> void answer(StreamObserver<T> observer, String method, Supplier<T> work) {
    T result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.of(e, method));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
