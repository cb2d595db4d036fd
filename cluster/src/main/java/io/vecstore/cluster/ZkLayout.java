package io.vecstore.cluster;

/**
 * The cluster's znodes, in one place:
 *
 * <pre>
 * &lt;root&gt;/nodes/&lt;nodeId&gt;       EPHEMERAL   NodeInfo JSON (membership and load)
 * &lt;root&gt;/loads/&lt;nodeId&gt;       EPHEMERAL   per-namespace sizes of that node (balancer input)
 * &lt;root&gt;/namespaces/&lt;id&gt;      PERSISTENT  Placement JSON {owner, epoch, state, target?}
 * &lt;root&gt;/leader/…               LeaderLatch's ephemeral sequential nodes
 * </pre>
 */
record ZkLayout(String root) {

  String nodes() {
    return root + "/nodes";
  }

  String node(String nodeId) {
    return nodes() + "/" + nodeId;
  }

  String loads() {
    return root + "/loads";
  }

  String loads(String nodeId) {
    return loads() + "/" + nodeId;
  }

  String namespaces() {
    return root + "/namespaces";
  }

  String namespace(String namespaceId) {
    return namespaces() + "/" + namespaceId;
  }

  String leader() {
    return root + "/leader";
  }

  /** The child name if {@code path} is a direct child of {@code parent}, else null. */
  static String childOf(String parent, String path) {
    if (path.length() > parent.length() + 1 && path.startsWith(parent) && path.charAt(parent.length()) == '/') {
      String name = path.substring(parent.length() + 1);
      return name.indexOf('/') < 0 ? name : null;
    }
    return null;
  }
}
