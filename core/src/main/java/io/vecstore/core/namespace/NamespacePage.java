package io.vecstore.core.namespace;

import java.util.List;

/**
 * One page of a namespace listing.
 *
 * @param nextCursor opaque cursor for the next page, or null on the last page
 */
public record NamespacePage(List<NamespaceInfo> namespaces, String nextCursor) {
  public NamespacePage {
    namespaces = List.copyOf(namespaces);
  }
}
