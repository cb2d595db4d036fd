package io.vecstore.core.audit;

import io.vecstore.core.WireNames;

/**
 * Why a namespace's quotas changed, the label of {@code vecstore_namespace_quota_changes_total}:
 * an admin within the plan's ceilings, an admin's override above them (a create included), a plan
 * change that applied the new plan's quotas, or a quota policy.
 */
public enum ChangeCause {
  ADMIN,
  OVERRIDE,
  PLAN,
  POLICY;

  public String label() {
    return WireNames.of(this);
  }
}
