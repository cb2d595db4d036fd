package io.vecstore.core.error;

import java.util.Map;

/** A write would take the namespace over its vector or storage quota. Nothing was written. */
public final class QuotaExceededException extends VecStoreException {

  public QuotaExceededException(String message, String quota, long limit, long value) {
    super(
        "quota_exceeded",
        message,
        Map.of("quota", quota, "limit", limit, "value", value),
        null);
  }
}
