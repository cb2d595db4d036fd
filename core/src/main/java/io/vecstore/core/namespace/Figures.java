package io.vecstore.core.namespace;

import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexStats;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.meta.SizeSnapshot;
import io.vecstore.core.usage.NamespaceUsage;

/**
 * A namespace's figures as the API shows them: counts and sizes from its open index, or from the
 * size recorded at its last clean close (so listing idle namespaces opens no index), or marked
 * unavailable when its storage cannot be read. Stateless and thread-safe.
 */
final class Figures {

  private Figures() {}

  static NamespaceInfo info(Namespace ns) {
    return info(ns, ns.meta());
  }

  /** The namespace object with {@code meta}, which may be newer than the namespace's own (just written). */
  static NamespaceInfo info(Namespace ns, NamespaceMeta meta) {
    SizeSnapshot closed = ns.closedSize();
    if (closed != null) {
      return NamespaceInfo.of(meta, closed.vectorCount(), closed.storageBytes());
    }
    try {
      // Writes not yet flushed count by their estimate, so a list right after an upsert is not stale.
      long[] counts = ns.withIndex(index -> new long[] {
          index.writes().vectorCount(), index.storageBytes() + index.logBytes() + index.writes().unflushedBytes()});
      return NamespaceInfo.of(meta, counts[0], counts[1]);
    } catch (UnavailableException e) {
      return NamespaceInfo.unavailable(meta, e.getMessage());
    }
  }

  static NamespaceStats stats(Namespace ns) {
    NamespaceMeta m = ns.meta();
    IndexStats s;
    SizeSnapshot closed = ns.closedSize();
    if (closed != null) {
      s = new IndexStats(closed.vectorCount(), closed.deletedCount(), closed.storageBytes());
    } else {
      try {
        s = ns.withIndex(index -> {
          IndexStats i = index.stats();
          return new IndexStats(i.liveDocs(), i.deletedDocs(), i.storageBytes() + index.logBytes());
        });
      } catch (UnavailableException e) {
        return new NamespaceStats(ns.id, 0, 0, 0, m.dimension(), 0, 0, ns.usage(), m.status(), e.getMessage());
      }
    }
    return new NamespaceStats(ns.id, s.liveDocs(), s.liveDocs(), s.deletedDocs(), m.dimension(), s.storageBytes(),
        NamespaceInfo.utilization(m.quotas(), s.liveDocs(), s.storageBytes()), ns.usage(), m.status(), null);
  }

  /** Usage figures for metrics and billing; opens no namespace that is not open (unknown figures are -1). */
  static NamespaceUsage usage(Namespace ns) {
    NamespaceIndex index = ns.indexIfOpen();
    NamespaceMeta meta = ns.meta();
    SizeSnapshot closed = index == null ? ns.closedSize() : null;
    long vectors = index != null ? index.writes().vectorCount() : closed != null ? closed.vectorCount() : -1;
    long bytes = index != null ? safeStorageBytes(index) : closed != null ? closed.storageBytes() : -1;
    return new NamespaceUsage(meta.id(), meta.status(), vectors, bytes,
        vectors < 0 ? 0 : NamespaceInfo.utilization(meta.quotas(), vectors, Math.max(0, bytes)),
        ns.usage(), ns.guard().rejections());
  }

  private static long safeStorageBytes(NamespaceIndex index) {
    try {
      return index.storageBytes() + index.logBytes();
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
