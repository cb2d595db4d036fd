package io.vecstore.core.quota;

/**
 * What the server changes in a namespace's quotas by itself: today only {@link AutoGrow} (null:
 * nothing). Set per plan, or per namespace (which then replaces its plan's). Immutable.
 */
public record QuotaPolicy(AutoGrow autoGrow) {

  /** No automatic changes. */
  public static final QuotaPolicy NONE = new QuotaPolicy(null);
}
