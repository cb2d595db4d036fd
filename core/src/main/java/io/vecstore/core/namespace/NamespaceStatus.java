package io.vecstore.core.namespace;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Locale;

/** Lifecycle status of a namespace; decides which data operations it admits (DESIGN.md §5). */
public enum NamespaceStatus {
  ACTIVE("active"),
  READ_ONLY("read_only"),
  SUSPENDED("suspended"),
  PENDING_DELETION("pending_deletion");

  private final String wireName;

  NamespaceStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a status, case-insensitive; {@code readonly} and {@code pendingdeletion} are accepted too. */
  public static NamespaceStatus parse(String value) {
    String v = value.toLowerCase(Locale.ROOT).replace("-", "_");
    for (NamespaceStatus s : values()) {
      if (s.wireName.equals(v) || s.wireName.replace("_", "").equals(v)) {
        return s;
      }
    }
    throw new InvalidRequestException(
        "status must be one of [active, read_only, suspended, pending_deletion], got: " + value);
  }
}
