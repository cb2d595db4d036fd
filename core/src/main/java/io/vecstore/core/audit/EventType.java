package io.vecstore.core.audit;

import io.vecstore.core.WireNames;

/** What an audit event records. */
public enum EventType {
  /** The namespace was created: its plan, quotas, quota policy and status. */
  CREATED,
  /** Quotas changed: the fields that changed, old and new. */
  QUOTAS,
  /** The plan changed. */
  PLAN,
  /** The namespace's own quota policy changed (null: it follows its plan's). */
  QUOTA_POLICY,
  /** The status changed. */
  STATUS;

  public String wireName() {
    return WireNames.of(this);
  }

  public static EventType parse(String value) {
    return WireNames.parse(EventType.class, "type", value);
  }
}
