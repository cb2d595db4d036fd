package io.vecstore.core.namespace;

import io.vecstore.core.meta.NamespaceInfo;
import java.util.List;

/**
 * One page of a namespace listing.
 *
 * @param nextCursor opaque cursor for the next page, or null on the last page
 * @param total namespaces matching the listing's prefix and status, over all pages
 */
public record NamespacePage(List<NamespaceInfo> namespaces, String nextCursor, long total) {

  /** Page size when a listing asks for none (REST and gRPC alike). */
  public static final int DEFAULT_LIMIT = 100;

  public NamespacePage {
    namespaces = List.copyOf(namespaces);
  }
}
