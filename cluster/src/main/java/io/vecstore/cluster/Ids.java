package io.vecstore.cluster;

import java.util.regex.Pattern;

/** The id rules of the cluster: node ids and namespace ids are single znode names. */
final class Ids {

  static final String NODE_ID_RULE = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
  static final String NAMESPACE_ID_RULE = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$";

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  // The same rule as core's NamespaceIds (this module does not depend on core).
  private static final Pattern NAMESPACE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private Ids() {}

  static String requireNodeId(String name, String id) {
    if (id == null || !NODE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(name + " must match " + NODE_ID_RULE + ", got: " + quote(id));
    }
    return id;
  }

  static String requireNamespaceId(String id) {
    if (id == null || !NAMESPACE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "namespace id must match " + NAMESPACE_ID_RULE + ", got: " + quote(id));
    }
    return id;
  }

  static String quote(String value) {
    if (value == null) {
      return "null";
    }
    return "'" + (value.length() > 140 ? value.substring(0, 140) + "…" : value) + "'";
  }
}
