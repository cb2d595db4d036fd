package io.vecstore.core.namespace;

import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.ExternalIndex;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.SnapshotInfo;
import io.vecstore.core.snapshot.ArchiveImport;
import io.vecstore.core.snapshot.LuceneImport;
import io.vecstore.core.snapshot.SnapshotExport;
import io.vecstore.core.snapshot.SnapshotStore;
import io.vecstore.core.store.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of namespaces and the ways data comes in whole: taking, listing, deleting and restoring
 * snapshots, exporting them as .tar.gz, importing such an archive or an existing Lucene index as a
 * new namespace. The files are {@link SnapshotStore}'s; this class ties them to live namespaces.
 *
 * <p>Thread-safety: safe for concurrent use; snapshot changes of one namespace are serialized on
 * its snapshot lock.
 */
public final class NamespaceSnapshots {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceSnapshots.class);
  /** Largest batch an import from Lucene writes at once (less if the namespace's batch quota is lower). */
  private static final int IMPORT_BATCH = 500;

  private final NamespaceRegistry registry;
  private final SnapshotStore store;
  private final DataOps data;
  private final DiskSpace disk;
  private final Clock clock;
  private final Function<CreateNamespace, NamespaceInfo> create;
  private final Consumer<String> delete;

  NamespaceSnapshots(NamespaceRegistry registry, DataOps data, DiskSpace disk, Clock clock,
      Function<CreateNamespace, NamespaceInfo> create, Consumer<String> delete) {
    this.registry = registry;
    this.store = new SnapshotStore(registry.layout(), registry::nonce);
    this.data = data;
    this.disk = disk;
    this.clock = clock;
    this.create = create;
    this.delete = delete;
  }

  /**
   * Takes a point-in-time copy of a namespace (in any status) as snapshot {@code name} (null: a
   * UTC timestamp). Writes wait only for one commit; the files are linked after that.
   */
  public SnapshotInfo create(String id, String name) {
    Namespace ns = registry.require(id);
    Instant now = clock.instant();
    String snapshotName = SnapshotStore.requireValidName(name == null ? SnapshotStore.defaultName(now) : name);
    synchronized (ns.snapshotLock) {
      try {
        return store.create(ns.meta(), snapshotName, now, target -> ns.withIndex(index -> index.copies().snapshotTo(target)));
      } catch (IOException | UncheckedIOException e) {
        throw UnavailableException.namespace(id, "cannot write snapshot: " + e.getMessage(), e);
      }
    }
  }

  public List<SnapshotInfo> list(String id) {
    registry.require(id);
    try {
      return store.list(id);
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "cannot list snapshots: " + e.getMessage(), e);
    }
  }

  public SnapshotInfo get(String id, String name) {
    registry.require(id);
    return store.get(id, name);
  }

  public void delete(String id, String name) {
    Namespace ns = registry.require(id);
    synchronized (ns.snapshotLock) {
      try {
        store.delete(id, name);
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "cannot delete snapshot: " + e.getMessage(), e);
      }
    }
  }

  /** Bytes of a namespace's snapshots (reported, never counted against a quota). */
  public long bytes(String id) {
    return list(id).stream().mapToLong(SnapshotInfo::bytes).sum();
  }

  /**
   * Replaces a namespace's vectors with a snapshot's, atomically: running requests finish first,
   * new ones wait, and the first one after sees exactly the snapshot. Quotas, status, keys and
   * usage counters stay the live namespace's; writes after the snapshot are gone.
   */
  public NamespaceInfo restore(String id, String name) {
    Namespace ns = registry.require(id);
    synchronized (ns.snapshotLock) {
      SnapshotInfo info = store.get(id, name);
      Integer dimension = store.dimension(id, name);
      NamespaceMeta meta = ns.write(() ->
          ns.restore(registry.layout().snapshotIndexDir(id, name), dimension, registry.nonce(), clock.instant()));
      LOG.info("Namespace {} restored from snapshot {} ({} vectors)", id, name, info.vectorCount());
      return Figures.info(ns, meta);
    }
  }

  /** Opens a snapshot for export as one .tar.gz; the caller writes and closes it. */
  public SnapshotExport export(String id, String name) {
    Namespace ns = registry.require(id);
    synchronized (ns.snapshotLock) {
      return store.export(id, name);
    }
  }

  /**
   * Creates a namespace from an exported snapshot archive (see {@link SnapshotExport}), as
   * {@code id} or, when null, under the id it had. Its settings, quotas, status (pending_deletion
   * becomes active) and usage counters come from the archive; it has no keys and no snapshots. The
   * archive is unpacked in a work directory and checked (every index file's checksum, the
   * namespace.json) before the namespace appears.
   */
  public NamespaceInfo importArchive(String id, InputStream archive) {
    if (id != null && registry.exists(NamespaceIds.requireValid(id))) {
      throw new AlreadyExistsException(id);
    }
    disk.check(0);
    Path work = registry.layout().importingDir(registry.nonce());
    try {
      ArchiveImport.Prepared prepared = ArchiveImport.prepare(archive, work, id, clock.instant());
      Namespace ns = registry.adopt(prepared.meta(), work);
      SnapshotInfo source = prepared.source();
      LOG.info("Imported namespace {} from snapshot {} of {} ({} vectors)", ns.id, source.name(), source.namespaceId(),
          source.vectorCount());
      return Figures.info(ns);
    } catch (IOException e) {
      throw UnavailableException.namespace(id == null ? "import" : id, "cannot import: " + e, e);
    } finally {
      try {
        AtomicFiles.deleteRecursively(work); // nothing left once moved into place
      } catch (IOException e) {
        LOG.warn("Removing import work directory {} failed: {}", work, e.toString());
      }
    }
  }

  /**
   * Creates a namespace from an existing Lucene index on the server (Lucene 9.x included), copying
   * every live document through the write path (validation, dimension, vector and storage quotas;
   * not the rate limit, and not counted as requests). All or nothing: on any failure the new
   * namespace is deleted again.
   */
  public LuceneImport.Result importLucene(LuceneImport spec) {
    NamespaceIds.requireValid(spec.namespace().id());
    try (ExternalIndex source = ExternalIndex.open(spec.path(), spec.vectorField(), spec.idField())) {
      CreateNamespace c = spec.namespace();
      if (c.dimension() != null && c.dimension() != source.dimension()) {
        throw new InvalidRequestException("dimension must match the vector field's (" + source.dimension() + "), got: "
            + c.dimension());
      }
      String id = create.apply(c.withShape(c.metric() == null ? source.metric() : c.metric(), source.dimension()))
          .meta().id();
      try {
        Namespace ns = registry.require(id);
        Integer quota = ns.meta().quotas().maxBatchSize();
        int batchSize = Math.max(1, Math.min(IMPORT_BATCH, quota == null ? IMPORT_BATCH : quota));
        var counts = source.read(batchSize, spec.metadataFields(), batch -> data.importBatch(ns, batch));
        LOG.info("Imported {} documents of the Lucene index {} into namespace {} ({} without id, {} without vector skipped)",
            counts.read(), spec.path(), id, counts.skippedNoId(), counts.skippedNoVector());
        return new LuceneImport.Result(Figures.info(ns), counts.read(), counts.skippedNoId(), counts.skippedNoVector());
      } catch (RuntimeException | IOException e) {
        try {
          delete.accept(id);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (IOException e) {
      throw new InvalidRequestException("cannot read the Lucene index in " + spec.path() + ": " + e.getMessage());
    }
  }
}
