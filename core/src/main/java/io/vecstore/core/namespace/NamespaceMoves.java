package io.vecstore.core.namespace;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.snapshot.MoveArchive;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.index.IndexCopies;
import io.vecstore.core.wal.LogRetention;
import io.vecstore.core.wal.WalRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both ends of moving a namespace to another server (cluster mode), as the server's move executor
 * drives them. The data travels as a snapshot copy plus the write-ahead log written after it:
 *
 * <ol>
 *   <li>source: {@link #openOutgoing} commits, links the commit aside and keeps the log from that
 *       point on; {@link Outgoing#writeArchive} streams the copy; target: {@link #install}.
 *   <li>source: {@link Outgoing#logAfter} while writes go on; target: {@link #applyLog}; repeated
 *       until the tail is short.
 *   <li>source: {@link Outgoing#pauseWrites} (new writes wait, running ones finish), the last of
 *       the log and {@link Outgoing#metaJson} (settings, status, keys, counters); target:
 *       {@link #applyLog}, {@link #adoptMeta}.
 *   <li>the ownership changes hands (the cluster's business), then source:
 *       {@link Outgoing#handOff} (waiting and later writes get {@code not_owner}) or, if the move
 *       was abandoned, {@link Outgoing#resumeWrites}; target: {@link #activate} or {@link #discard}.
 * </ol>
 *
 * Reads are served by the source throughout. Snapshots of the namespace do not travel.
 *
 * <p>Thread-safety: safe for concurrent use; one move of a namespace at a time is the caller's rule.
 */
public final class NamespaceMoves {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceMoves.class);

  private final NamespaceRegistry registry;
  private final UsageSampler usage;
  private final DiskSpace disk;
  private final Clock clock;

  NamespaceMoves(NamespaceRegistry registry, UsageSampler usage, DiskSpace disk, Clock clock) {
    this.registry = registry;
    this.usage = usage;
    this.disk = disk;
    this.clock = clock;
  }

  // --- source --------------------------------------------------------------------------------

  /**
   * Starts moving a namespace away: commits, links the commit into a work directory (its archive
   * files opened at once), and keeps every log record written after it until the returned
   * handle is closed. The namespace is kept open meanwhile. The caller closes the handle.
   */
  public Outgoing openOutgoing(String id) {
    Namespace ns = registry.require(id);
    ns.moveMarks().pin();
    Path work = registry.layout().snapshotCreatingDir(id, "move", registry.nonce());
    try {
      NamespaceMeta meta = ns.updateMeta(m -> m); // current counters and key use folded in
      NamespaceIndex[] opened = new NamespaceIndex[1];
      LogRetention.Hold[] hold = new LogRetention.Hold[1];
      MoveArchive.Staged staged = MoveArchive.stage(meta, work, clock.instant(), target -> ns.withIndex(index -> {
        opened[0] = index;
        return index.copies().snapshotTo(target, h -> hold[0] = h);
      }));
      return new Outgoing(ns, opened[0], work, staged, hold[0]);
    } catch (IOException | UncheckedIOException e) {
      ns.moveMarks().unpin();
      deleteQuietly(work);
      throw UnavailableException.namespace(id, "cannot stage a copy to move: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      ns.moveMarks().unpin();
      deleteQuietly(work);
      throw e;
    }
  }

  /**
   * Starts following a namespace's log from its last record on, without a copy: a replica whose
   * copy already holds every record up to now (the node a namespace just moved from) is shipped
   * what is written from here. The log keeps those records until they are confirmed or the
   * handle is closed. The caller closes the handle.
   */
  public Outgoing openFollowing(String id) {
    Namespace ns = registry.require(id);
    ns.moveMarks().pin();
    try {
      return ns.withIndex(index -> {
        LogRetention.Hold hold = index.copies().logged() ? index.copies().hold(index.copies().lastLoggedSeq()) : null;
        return new Outgoing(ns, index, null, null, hold);
      });
    } catch (RuntimeException e) {
      ns.moveMarks().unpin();
      throw e;
    }
  }

  /** The sequence number of the namespace's last logged write here (-1 without a log). */
  public long lastLoggedSeq(String id) {
    return registry.require(id).withIndex(index -> index.copies().lastLoggedSeq());
  }

  /**
   * The namespace moved away and this node keeps its copy as a replica of the new owner (it holds
   * every record the new owner holds, in the same numbering): it is an incoming copy again, and
   * stays one across restarts; its writes stay refused until {@link #activate}.
   */
  public void becomeReplica(String id) {
    Namespace ns = registry.require(id);
    ns.moveMarks().incoming(true);
    try {
      java.nio.file.Files.write(registry.layout().incomingMarker(id), new byte[0]);
    } catch (IOException e) {
      throw UnavailableException.storage(id, "cannot mark the copy as a replica: " + e.getMessage(), e);
    }
  }

  /**
   * One namespace being copied away (moved, or replicated): its staged copy, its log since, and
   * its write gate. Not thread-safe, except {@link #logAfter}, {@link #confirmed},
   * {@link #lastLoggedSeq}, {@link #meta} and {@link #metaAsIs}, which a replica's shipper calls
   * from writers' threads (one at a time per copy).
   */
  public static final class Outgoing implements Closeable {
    private final Namespace ns;
    private final NamespaceIndex index;
    private final Path work;
    private final MoveArchive.Staged staged;
    private final LogRetention.Hold hold; // null without a log
    private volatile boolean closed;

    private Outgoing(Namespace ns, NamespaceIndex index, Path work, MoveArchive.Staged staged, LogRetention.Hold hold) {
      this.ns = ns;
      this.index = index;
      this.work = work;
      this.staged = staged;
      this.hold = hold;
    }

    /** The staged copy: its vector count, and {@code walSeq}, the last log record it holds (not for {@link #openFollowing}). */
    public SnapshotInfo snapshot() {
      if (staged == null) {
        throw new IllegalStateException("a follower of namespace " + ns.id + " has no staged copy");
      }
      return staged.info();
    }

    /**
     * Writes the copy as a .tar.gz (see {@link MoveArchive}); once. Leaves {@code out} open. The
     * staged files are removed afterwards (they pin segments a merge has replaced).
     */
    public void writeArchive(OutputStream out) throws IOException {
      if (staged == null) {
        throw new IllegalStateException("a follower of namespace " + ns.id + " has no staged copy");
      }
      try (var export = staged.export()) {
        export.writeTo(out);
      } finally {
        if (work != null) {
          deleteQuietly(work);
        }
      }
    }

    /** The copy's records up to {@code seq} are on the other side: the log need not keep them any more. */
    public void confirmed(long seq) {
      if (hold != null) {
        hold.advanceTo(seq);
      }
    }

    /** The sequence number of the namespace's last logged write (see {@link IndexCopies#lastLoggedSeq}). */
    public long lastLoggedSeq() {
      return index.copies().lastLoggedSeq();
    }

    /** The namespace's metadata as published now; a new object after every change (compare by identity). */
    public Object meta() {
      return ns.meta();
    }

    /** The namespace.json as published now, without folding in fresh counters (cheap: no disk write). */
    public byte[] metaAsIs() {
      try {
        return MetaStore.toBytes(ns.meta().withSize(null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Whether the namespace has a log to ship (durability is not {@code none}). */
    public boolean logged() {
      return index.copies().logged();
    }

    /**
     * The log records after {@code seq}, up to about {@code maxBytes} (at least one when there
     * is one); empty when there are none. Fails if the namespace's index was reopened since the
     * copy (its retained log is gone), which abandons the move.
     */
    public List<WalRecord> logAfter(long seq, long maxBytes) {
      if (ns.indexIfOpen() != index) {
        throw UnavailableException.namespace(ns.id, "its index was reopened during the move", null);
      }
      return index.copies().logAfter(seq, maxBytes);
    }

    /**
     * Stops the namespace's writes: new ones wait (up to 10 s), running ones get
     * {@code drain} to finish. Throws (and pauses nothing) when they do not.
     */
    public void pauseWrites(Duration drain) {
      if (!ns.gate().pause(drain.toNanos())) {
        throw UnavailableException.namespace(ns.id, "its writes did not finish within " + drain.toMillis() + " ms", null);
      }
    }

    /** Lets the paused writes go on here: the move was abandoned. */
    public void resumeWrites() {
      ns.gate().resume();
    }

    /** The namespace lives on another server now: waiting and later writes here get {@code not_owner}. */
    public void handOff() {
      ns.gate().handOff();
    }

    /** The namespace.json as it is now, keys and counters included (call with writes paused). */
    public byte[] metaJson() {
      try {
        return MetaStore.toBytes(ns.updateMeta(m -> m).withSize(null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The counters as they are now. */
    public Usage usage() {
      return ns.usage();
    }

    /** Releases the kept log and the pin, removes the work directory. Idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (hold != null) {
        hold.close();
      }
      ns.moveMarks().unpin();
      if (work != null) {
        deleteQuietly(work);
      }
    }
  }

  // --- target --------------------------------------------------------------------------------

  /**
   * Installs a namespace moving here from {@code archive} (see {@link Outgoing#writeArchive})
   * under the same id, with its settings, status, keys and counters; an earlier copy of it here
   * (left by an earlier move) is dropped first. It counts as incoming: listed by nothing that
   * asks for this server's own namespaces, and not billed here, until {@link #activate}.
   */
  public NamespaceInfo install(String id, InputStream archive) {
    NamespaceIds.requireValid(id);
    disk.check(0);
    if (registry.exists(id)) {
      discard(id);
    }
    Path work = registry.layout().importingDir(registry.nonce());
    try {
      NamespaceMeta meta = MoveArchive.prepareInstall(archive, work, id);
      Namespace ns = registry.adopt(meta, work);
      ns.moveMarks().incoming(true);
      java.nio.file.Files.write(registry.layout().incomingMarker(id), new byte[0]);
      usage.rebase(ns);
      NamespaceInfo info = Figures.info(ns);
      LOG.info("Namespace {} installed from another node ({} vectors so far)", id, info.vectorCount());
      return info;
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "cannot install: " + e, e);
    } finally {
      deleteQuietly(work);
    }
  }

  /** Applies log records shipped from the source (see {@link Outgoing#logAfter}), in order. Returns the count. */
  public long applyLog(String id, List<WalRecord> records) {
    Namespace ns = registry.require(id);
    return ns.withIndex(index -> index.writes().applyLogged(records));
  }

  /** Takes over the source's namespace.json (see {@link Outgoing#metaJson}): settings, status, keys, counters. */
  public NamespaceInfo adoptMeta(String id, byte[] namespaceJson) {
    Namespace ns = registry.require(id);
    NamespaceMeta source;
    try {
      source = MetaStore.fromBytes(namespaceJson);
    } catch (IOException e) {
      throw new InvalidRequestException("not a namespace.json this server reads: " + e.getMessage());
    }
    if (!source.id().equals(id)) {
      throw new InvalidRequestException("namespace.json is of namespace " + source.id() + ", not " + id);
    }
    NamespaceMeta adopted = ns.adopt(source);
    usage.rebase(ns);
    return Figures.info(ns, adopted);
  }

  /**
   * The namespace is this server's now: counts served from here on are billed here. {@code late}
   * adds what the source counted after its namespace.json was taken (reads of the last moment).
   */
  public void activate(String id, Usage late) {
    Namespace ns = registry.require(id);
    if (late != null) {
      ns.addUsage(late);
    }
    if (ns.moveMarks().incoming() || late != null) {
      usage.rebase(ns);
    }
    ns.moveMarks().incoming(false);
    try {
      java.nio.file.Files.deleteIfExists(registry.layout().incomingMarker(id));
    } catch (IOException e) {
      throw UnavailableException.storage(id, "cannot mark the namespace as this server's: " + e.getMessage(), e);
    }
  }

  /** Whether the namespace here is an incoming copy not yet {@link #activate activated}. */
  public boolean incoming(String id) {
    return registry.exists(id) && registry.require(id).moveMarks().incoming();
  }

  /**
   * Drops this server's copy of a namespace that lives elsewhere (moved away, or an abandoned
   * incoming copy): running requests finish, files go; the usage it served here stays billed.
   */
  public void discard(String id) {
    registry.delete(id, ns -> {
      if (!ns.moveMarks().incoming()) {
        usage.record(ns);
      }
    });
    usage.flush();
    LOG.info("Dropped this node's copy of namespace {} (it lives on another node)", id);
  }

  private static void deleteQuietly(Path dir) {
    try {
      AtomicFiles.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("Removing {} failed: {}", dir, e.toString());
    }
  }
}
