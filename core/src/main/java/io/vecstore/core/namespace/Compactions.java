package io.vecstore.core.namespace;

import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceStats;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compactions of namespaces (merging away deleted vectors), one at a time on the compactor thread
 * so a long one delays nothing else; each namespace remembers its last one since start-up.
 *
 * <p>Thread-safety: safe for concurrent use; starting a compaction of a namespace is serialized on
 * that namespace.
 */
final class Compactions {

  private static final Logger LOG = LoggerFactory.getLogger(Compactions.class);

  private final Executor compactor;
  private final DiskSpace disk;
  private final Clock clock;

  Compactions(Executor compactor, DiskSpace disk, Clock clock) {
    this.compactor = compactor;
    this.disk = disk;
    this.clock = clock;
  }

  /** Starts compacting {@code ns} unless a compaction of it is running; returns its state. */
  Compaction start(Namespace ns) {
    synchronized (ns) {
      Compaction current = ns.compaction;
      if (current != null && current.isRunning()) {
        return current;
      }
      NamespaceStats before = Figures.stats(ns);
      if (before.unavailableReason() != null) {
        throw UnavailableException.namespace(ns.id, before.unavailableReason(), null);
      }
      disk.check(before.storageBytes()); // the merged segments are written beside the old ones
      Compaction started = Compaction.running(clock.instant(), before.storageBytes(), before.deletedCount());
      ns.compaction = started;
      compactor.execute(() -> run(ns, started));
      return started;
    }
  }

  private void run(Namespace ns, Compaction started) {
    try {
      ns.withIndex(index -> {
        index.compact();
        return null;
      });
      ns.compaction = started.done(clock.instant(), Figures.stats(ns).storageBytes());
      LOG.info("Namespace {} compacted: {} -> {} bytes", ns.id, started.bytesBefore(), ns.compaction.bytesAfter());
    } catch (RuntimeException e) {
      ns.compaction = started.failed(clock.instant(), e.getMessage());
      LOG.warn("Compaction of namespace {} failed: {}", ns.id, e.toString());
    }
  }
}
