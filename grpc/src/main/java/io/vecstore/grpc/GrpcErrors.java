package io.vecstore.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.ForbiddenException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.RejectedByStatusException;
import io.vecstore.core.error.TooManyRequestsException;
import io.vecstore.core.error.UnauthenticatedException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.error.VecStoreException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns errors into gRPC statuses, the counterpart of the REST layer's
 * ErrorResponses: the status code of every core error, the REST message as the status
 * description, and the stable code twice, as the {@code vecstore-code} trailer (easy to read from
 * any client) and as {@code ErrorInfo.reason} in the rich {@code google.rpc.Status} details, whose
 * {@code metadata} carries the REST body's other fields ({@code limit}, {@code value}, …). Rate
 * and concurrency rejections add a {@code google.rpc.RetryInfo} (REST: {@code Retry-After}).
 *
 * <p>Stateless, thread-safe.
 */
public final class GrpcErrors {

  /** Trailer with the stable error code, e.g. {@code namespace_not_found}. */
  public static final Metadata.Key<String> CODE = Metadata.Key.of("vecstore-code", Metadata.ASCII_STRING_MARSHALLER);
  /** {@code ErrorInfo.domain} of every VecStore error. */
  public static final String DOMAIN = "vecstore";

  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** gRPC status code of a core error. Exhaustive: a new error kind does not compile until mapped here. */
  public static Status.Code codeOf(VecStoreException e) {
    return switch (e) {
      case InvalidRequestException x -> Status.Code.INVALID_ARGUMENT;
      // the status of the namespace, not the caller's rights, forbids it: REST's 403 is not PERMISSION_DENIED here
      case RejectedByStatusException x -> Status.Code.FAILED_PRECONDITION;
      // gRPC reserves PERMISSION_DENIED for rights and names RESOURCE_EXHAUSTED for quotas (REST: 403)
      case QuotaExceededException x -> Status.Code.RESOURCE_EXHAUSTED;
      case NotFoundException x -> Status.Code.NOT_FOUND;
      case AlreadyExistsException x -> Status.Code.ALREADY_EXISTS;
      case TooManyRequestsException x -> Status.Code.RESOURCE_EXHAUSTED;
      case UnavailableException x -> Status.Code.UNAVAILABLE;
      case UnauthenticatedException x -> Status.Code.UNAUTHENTICATED;
      case ForbiddenException x -> Status.Code.PERMISSION_DENIED;
    };
  }

  /** The status exception for any error a call ends with; {@code what} (the method) is only logged. */
  public static StatusRuntimeException of(Throwable t, String what) {
    if (t instanceof StatusRuntimeException s) {
      return s;
    }
    if (t instanceof VecStoreException e) {
      if (e instanceof UnavailableException && e.getCause() != null) {
        LOG.error("{}: {}", what, e.getMessage(), e.getCause());
      }
      long retryAfter = e instanceof TooManyRequestsException tm ? tm.retryAfterSeconds()
          : e instanceof UnavailableException u && u.retryAfterSeconds() > 0 ? u.retryAfterSeconds() : -1;
      return status(codeOf(e), e.code(), e.getMessage(), e.details(), retryAfter);
    }
    LOG.error("Unexpected error in {}", what, t);
    return status(Status.Code.INTERNAL, "internal_error", "Internal server error: " + t.getClass().getSimpleName(),
        Map.of(), -1);
  }

  private static StatusRuntimeException status(Status.Code code, String stableCode, String message,
      Map<String, Object> details, long retryAfterSeconds) {
    ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(stableCode).setDomain(DOMAIN);
    details.forEach((k, v) -> info.putMetadata(k, String.valueOf(v)));
    com.google.rpc.Status.Builder rich = com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message)
        .addDetails(Any.pack(info.build()));
    if (retryAfterSeconds >= 0) {
      rich.addDetails(Any.pack(RetryInfo.newBuilder()
          .setRetryDelay(Duration.newBuilder().setSeconds(retryAfterSeconds)).build()));
    }
    Metadata trailers = new Metadata();
    trailers.put(CODE, stableCode);
    return StatusProto.toStatusRuntimeException(rich.build(), trailers);
  }
}
