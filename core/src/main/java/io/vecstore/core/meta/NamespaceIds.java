package io.vecstore.core.meta;

import io.vecstore.core.error.InvalidRequestException;
import java.util.regex.Pattern;

/** Validation of namespace ids: {@code ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$}, never a path trick. */
public final class NamespaceIds {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private NamespaceIds() {}

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
  }

  /** Returns the id, or throws with the rule and the value. */
  public static String requireValid(String id) {
    if (!isValid(id)) {
      throw new InvalidRequestException(
          "namespace id must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$, got: " + quote(id));
    }
    return id;
  }

  private static String quote(String id) {
    if (id == null) {
      return "null";
    }
    String shown = id.length() > 140 ? id.substring(0, 140) + "…" : id;
    return "'" + shown + "'";
  }
}
