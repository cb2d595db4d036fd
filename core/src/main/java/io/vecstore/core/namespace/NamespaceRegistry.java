package io.vecstore.core.namespace;

import io.vecstore.core.auth.KeyRegistry;
import io.vecstore.core.config.Capacity;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.meta.MetaStore;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.snapshot.IndexSwap;
import io.vecstore.core.store.AtomicFiles;
import io.vecstore.core.store.DataLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespaces of one server, by id: loaded from the data directory at start, created,
 * imported, listed, deleted, and kept within the bound on open indexes (idle and least recently
 * used ones are closed). The one place where a namespace comes into or goes out of existence.
 *
 * <p>Thread-safety: safe for concurrent use. Creating, importing and deleting are serialized;
 * lookups never wait.
 */
final class NamespaceRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceRegistry.class);
  private static final int MAX_LIST_LIMIT = 1000;

  private final DataLayout layout;
  private final IndexSettings indexSettings;
  private final Capacity capacity;
  private final Clock clock;
  private final KeyRegistry keys;
  private final ScheduledExecutorService evictor;
  private final ConcurrentSkipListMap<String, Namespace> namespaces = new ConcurrentSkipListMap<>();
  private final Object createDeleteLock = new Object();
  private final AtomicLong nonce = new AtomicLong(System.nanoTime());
  private final AtomicInteger openCount = new AtomicInteger();
  private final AtomicBoolean evictionPending = new AtomicBoolean();
  private volatile boolean stopping;
  private final WriteCheck writeCheck;
  private final OpenListener openListener = new OpenListener() {
    @Override
    public void opened() {
      if (openCount.incrementAndGet() > capacity.maxOpenNamespaces()) {
        requestEviction(); // at once, off the request thread, which holds a namespace lock
      }
    }

    @Override
    public void closed() {
      openCount.decrementAndGet();
    }
  };

  NamespaceRegistry(DataLayout layout, IndexSettings indexSettings, Capacity capacity, Clock clock,
      ScheduledExecutorService evictor, WriteCheck writeCheck) {
    this.writeCheck = writeCheck;
    this.layout = layout;
    this.indexSettings = indexSettings;
    this.capacity = capacity;
    this.clock = clock;
    this.evictor = evictor;
    this.keys = new KeyRegistry(id -> {
      Namespace ns = namespaces.get(id);
      return ns == null ? null : ns.keyed();
    }, clock);
  }

  KeyRegistry keys() {
    return keys;
  }

  DataLayout layout() {
    return layout;
  }

  /** A fresh number for work directory names. */
  long nonce() {
    return nonce.incrementAndGet();
  }

  Namespace require(String id) {
    Namespace ns = id == null ? null : namespaces.get(id);
    if (ns == null) {
      throw NotFoundException.namespace(id);
    }
    return ns;
  }

  boolean exists(String id) {
    return namespaces.containsKey(id);
  }

  Collection<Namespace> all() {
    return namespaces.values();
  }

  int size() {
    return namespaces.size();
  }

  /** How many namespaces have their index open now. */
  int openNamespaces() {
    return openCount.get();
  }

  /**
   * Creates a namespace's directory (built aside and renamed into place, so a crash never leaves
   * half of one), its audit trail starting with {@code created}.
   */
  Namespace create(NamespaceMeta meta, io.vecstore.core.audit.NamespaceEvent created) {
    String id = meta.id();
    synchronized (createDeleteLock) {
      requireRoom(id);
      Path staging = layout.creatingDir(id, nonce());
      try {
        Files.createDirectories(staging);
        io.vecstore.core.audit.EventLog.create(staging.resolve(DataLayout.EVENTS_FILE), java.util.List.of(created));
        MetaStore.write(staging.resolve(DataLayout.META_FILE), meta); // fsyncs the directory, the trail's entry too
        AtomicFiles.move(staging, layout.namespaceDir(id));
      } catch (IOException e) {
        deleteQuietly(staging);
        throw UnavailableException.namespace(id, "cannot create: " + e.getMessage(), e);
      }
      return register(meta);
    }
  }

  /** Puts a prepared namespace directory ({@code work}, holding namespace.json and index/) in place as {@code meta}. */
  Namespace adopt(NamespaceMeta meta, Path work) throws IOException {
    synchronized (createDeleteLock) {
      requireRoom(meta.id());
      AtomicFiles.fsyncDirectory(work);
      AtomicFiles.move(work, layout.namespaceDir(meta.id()));
      return register(meta);
    }
  }

  private void requireRoom(String id) {
    if (namespaces.containsKey(id) || Files.exists(layout.namespaceDir(id))) {
      throw new AlreadyExistsException(id);
    }
    int max = capacity.maxNamespaces();
    if (namespaces.size() >= max) {
      throw new QuotaExceededException("Namespace limit reached: " + namespaces.size() + " / " + max + " namespaces",
          "max_namespaces", max, namespaces.size() + 1L);
    }
  }

  private Namespace register(NamespaceMeta meta) {
    Namespace ns = new Namespace(layout, indexSettings, meta, openListener, clock, writeCheck);
    namespaces.put(meta.id(), ns);
    keys.add(ns.keyed());
    return ns;
  }

  /**
   * Deletes a namespace and its files, in any status: running operations finish first, later ones
   * get not-found. {@code bill} samples its usage before and after it is retired.
   */
  void delete(String id, java.util.function.Consumer<Namespace> bill) {
    synchronized (createDeleteLock) {
      Namespace ns = require(id);
      bill.accept(ns); // its last day, up to now
      ns.retire();
      bill.accept(ns); // requests that finished meanwhile
      namespaces.remove(id, ns);
      keys.remove(ns.keyed());
      try {
        Path trash = layout.deletingDir(id, nonce());
        AtomicFiles.move(layout.namespaceDir(id), trash);
        AtomicFiles.deleteRecursively(trash);
      } catch (IOException e) {
        // The namespace is gone for clients; leftover files are removed on the next start.
        LOG.warn("Namespace {} deleted, but removing its files failed: {}", id, e.toString());
      }
    }
  }

  /**
   * Namespaces sorted by id, {@code limit} per page, after {@code cursor} (from a previous page),
   * optionally only ids starting with {@code prefix} and only those with {@code status}.
   */
  NamespacePage list(int limit, String cursor, String prefix, NamespaceStatus status,
      java.util.function.Predicate<String> include) {
    if (limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new InvalidRequestException("limit must be between 1 and " + MAX_LIST_LIMIT + ", got: " + limit);
    }
    String after = cursor == null ? null : Cursors.decode(cursor, NamespaceIds::isValid);
    String from = prefix == null ? "" : prefix;
    var tail = after != null && after.compareTo(from) >= 0 ? namespaces.tailMap(after, false) : namespaces.tailMap(from, true);
    List<NamespaceInfo> page = new ArrayList<>();
    String next = null;
    for (Namespace ns : tail.values()) {
      if (prefix != null && !ns.id.startsWith(prefix)) {
        break;
      }
      if ((status != null && ns.meta().status() != status) || !include.test(ns.id)) {
        continue;
      }
      if (page.size() == limit) {
        next = Cursors.encode(page.getLast().meta().id());
        break;
      }
      page.add(Figures.info(ns));
    }
    return new NamespacePage(page, next, count(prefix, status, include));
  }

  /** How many namespaces match a listing's prefix, status and filter, over all pages. In memory only. */
  private long count(String prefix, NamespaceStatus status, java.util.function.Predicate<String> include) {
    var from = prefix == null ? namespaces : namespaces.tailMap(prefix, true);
    long n = 0;
    for (Namespace ns : from.values()) {
      if (prefix != null && !ns.id.startsWith(prefix)) {
        break;
      }
      if ((status == null || ns.meta().status() == status) && include.test(ns.id)) {
        n++;
      }
    }
    return n;
  }

  /** Reads every namespace.json (in parallel: start-up reads no index), finishing interrupted creates and deletes. */
  void load() throws IOException {
    Files.createDirectories(layout.root());
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(layout.root())) {
      for (Path dir : children) {
        String name = dir.getFileName().toString();
        if (!Files.isDirectory(dir) || dir.equals(layout.usageDir())) {
          continue;
        }
        if (DataLayout.isWorkDir(name)) {
          LOG.info("Removing leftover {} from an interrupted create or delete", name);
          AtomicFiles.deleteRecursively(dir);
        } else if (!NamespaceIds.isValid(name) || !Files.exists(dir.resolve(DataLayout.META_FILE))) {
          LOG.warn("Ignoring {}: not a namespace directory", dir);
        } else {
          candidates.add(dir);
        }
      }
    }
    candidates.parallelStream().forEach(this::loadOne);
    LOG.info("Loaded {} namespaces from {}", namespaces.size(), layout.root());
  }

  private void loadOne(Path dir) {
    String name = dir.getFileName().toString();
    try {
      NamespaceMeta meta = MetaStore.read(dir.resolve(DataLayout.META_FILE));
      if (!meta.id().equals(name)) {
        LOG.error("Ignoring namespace directory {}: namespace.json names id {}", dir, meta.id());
        return;
      }
      IndexSwap.recover(layout, name);
      register(meta).moveMarks().incoming(Files.exists(layout.incomingMarker(name)));
    } catch (IOException e) {
      // Listed as unavailable rather than hidden: its data is still on disk and an operator must see it.
      LOG.error("Namespace {} cannot be loaded, it is unavailable: {}", name, e.getMessage());
      namespaces.put(name, Namespace.broken(layout, indexSettings, name, "cannot read namespace.json: " + e.getMessage(), clock));
    }
  }

  private void requestEviction() {
    if (evictionPending.compareAndSet(false, true)) {
      try {
        evictor.execute(() -> {
          evictionPending.set(false);
          closeIdleAndLeastRecentlyUsed();
        });
      } catch (RejectedExecutionException e) {
        evictionPending.set(false); // shutting down
      }
    }
  }

  /**
   * Closes namespaces idle longer than the idle timeout, then the least recently used ones while
   * more than the maximum are open. Closing waits for running operations; a request arriving
   * meanwhile waits and reopens the namespace: eviction never fails a request.
   */
  void closeIdleAndLeastRecentlyUsed() {
    long now = System.nanoTime();
    List<Namespace> open = new ArrayList<>();
    for (Namespace ns : namespaces.values()) {
      if (stopping) {
        return;
      }
      if (ns.indexIfOpen() == null || ns.moveMarks().pinned()) {
        continue;
      }
      try {
        if (!ns.closeIfIdle(capacity.idleClose().toNanos(), now)) {
          open.add(ns);
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("Closing idle namespace {} failed: {}", ns.id, e.toString());
      }
    }
    int excess = open.size() - capacity.maxOpenNamespaces();
    if (excess <= 0) {
      return;
    }
    open.sort(Comparator.comparingLong(Namespace::lastUsedNanos));
    for (Namespace ns : open.subList(0, excess)) {
      try {
        ns.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Closing namespace {} to stay within {} open failed: {}", ns.id, capacity.maxOpenNamespaces(), e.toString());
      }
    }
  }

  /** Stops background eviction early; the manager is closing every namespace itself. */
  void stop() {
    stopping = true;
  }

  private static void deleteQuietly(Path dir) {
    try {
      AtomicFiles.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.warn("Removing {} failed: {}", dir, e.toString());
    }
  }
}
