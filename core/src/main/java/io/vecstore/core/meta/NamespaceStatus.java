package io.vecstore.core.meta;

import io.vecstore.core.WireNames;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.RejectedByStatusException;
import io.vecstore.core.quota.Operation;
import java.util.Locale;

/** Lifecycle status of a namespace; decides which data operations it admits (DESIGN.md §5). */
public enum NamespaceStatus {
  ACTIVE,
  READ_ONLY,
  SUSPENDED,
  PENDING_DELETION;

  public String wireName() {
    return WireNames.of(this);
  }

  /** Whether a namespace in this status admits the operation (DESIGN.md §5). */
  public boolean allows(Operation op) {
    return switch (this) {
      case ACTIVE -> true;
      case READ_ONLY -> op == Operation.QUERY || op == Operation.FETCH;
      case SUSPENDED -> false;
      case PENDING_DELETION -> op == Operation.DELETE;
    };
  }

  /** The error for an operation this status does not admit. */
  public RejectedByStatusException rejection(String namespace, Operation op) {
    String what = WireNames.of(op);
    return switch (this) {
      case ACTIVE -> throw new IllegalStateException("active admits " + op);
      case READ_ONLY -> new RejectedByStatusException("namespace_read_only",
          "Namespace is read-only: " + what + " rejected (" + namespace + ")", namespace);
      case SUSPENDED -> new RejectedByStatusException("namespace_suspended",
          "Namespace is suspended: " + what + " rejected (" + namespace + ")", namespace);
      case PENDING_DELETION -> new RejectedByStatusException("namespace_pending_deletion",
          "Namespace is pending deletion: " + what + " rejected, only vector deletes are allowed (" + namespace + ")",
          namespace);
    };
  }

  /** Parses a status, case-insensitive; {@code readonly} and {@code pendingdeletion} are accepted too. */
  public static NamespaceStatus parse(String value) {
    String v = value.toLowerCase(Locale.ROOT).replace("-", "_");
    for (NamespaceStatus s : values()) {
      if (s.wireName().replace("_", "").equals(v)) {
        v = s.wireName();
      }
    }
    try {
      return WireNames.parse(NamespaceStatus.class, "status", v);
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(e.getMessage().replace("got: " + v, "got: " + value));
    }
  }
}
