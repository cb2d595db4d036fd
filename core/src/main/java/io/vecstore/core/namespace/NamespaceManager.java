package io.vecstore.core.namespace;

import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.Operation;
import io.vecstore.core.quota.QuotaGuard;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.StorageEstimate;
import io.vecstore.core.wal.Durability;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.auth.ApiKeyInfo;
import io.vecstore.core.auth.ApiKeys;
import io.vecstore.core.auth.KeyMatch;
import io.vecstore.core.auth.KeyRole;
import io.vecstore.core.auth.NewApiKey;
import io.vecstore.core.auth.StoredKey;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.QuotaExceededException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.filter.Filters;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.IndexStats;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.index.QueryHit;
import io.vecstore.core.index.VectorRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.search.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All namespaces of one server: their lifecycle (create, list, get, delete, quotas, status) and
 * their data operations (upsert, query, fetch, delete). One per server; the HTTP layer and any other
 * front end call only this class.
 *
 * <p>Thread-safety: safe for concurrent use by any number of threads. Creating and deleting
 * namespaces is serialized; data operations of different namespaces never wait for each other.
 *
 * <p>Who closes it: {@code Main} (or a test) on shutdown; {@link #close()} commits every open
 * namespace and is idempotent. A background thread named {@code vecstore-maintenance} refreshes
 * and commits written namespaces until then.
 */
public final class NamespaceManager implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceManager.class);
  private static final int MAX_NAME_LENGTH = 256;
  private static final int MAX_DESCRIPTION_LENGTH = 4096;
  private static final int MAX_NAMESPACE_METADATA_ENTRIES = 64;
  private static final int MAX_LIST_LIMIT = 1000;

  private final ManagerConfig config;
  private final DataLayout layout;
  private final UsageLedger usageLedger;
  /** How often usage rollups are sampled; a delete and a shutdown sample at once. */
  static final Duration USAGE_SAMPLE_INTERVAL = Duration.ofMinutes(1);
  static final int MAX_USAGE_DAYS = 366;
  /** A namespace without queries for this long is refreshed only by its next query (as Elasticsearch's search-idle shards). */
  static final Duration SEARCH_IDLE_AFTER = Duration.ofSeconds(30);
  /** A namespace with no write for this long is merged into one segment (see NamespaceIndex.mergeIfWriteIdle). */
  static final Duration WRITE_IDLE_MERGE_AFTER = Duration.ofSeconds(10);
  /** ...at most this often, so a trickle of writes does not rewrite an index over and over. */
  static final Duration WRITE_IDLE_MERGE_EVERY = Duration.ofMinutes(5);
  /** Larger indexes are left to Lucene's own merges: rewriting them whole costs more than it saves. */
  static final long WRITE_IDLE_MERGE_MAX_BYTES = 1L << 30;
  /** A write-ahead log this large is committed before the commit interval is up, bounding replay after a crash. */
  static final long COMMIT_LOG_BYTES = 128L << 20;
  private final RecordValidator validator;
  private final Clock clock;
  private final ConcurrentSkipListMap<String, Namespace> namespaces = new ConcurrentSkipListMap<>();
  private final Object createDeleteLock = new Object();
  /** Key id → namespace id, for every key of every namespace: finds a presented key's namespace. */
  private final java.util.concurrent.ConcurrentHashMap<String, String> keyIndex = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong nonce = new AtomicLong(System.nanoTime());
  private final ScheduledExecutorService maintenance;
  /** Merges of every namespace run here: bounded threads whatever the number of namespaces. */
  private final java.util.concurrent.ExecutorService mergePool;
  private final java.util.concurrent.ExecutorService indexPool;
  private final IndexSettings indexSettings;
  private volatile long freeDiskBytes = Long.MAX_VALUE;
  /** Closes idle and least recently used namespaces; its own thread so busy refreshes never delay it. */
  private final ScheduledExecutorService evictor;
  /** Usage rollups on their own thread: the first sample of a day rewrites every namespace's file. */
  private final ScheduledExecutorService usageSampler;
  /** Runs compactions one at a time, so a long one never delays eviction. */
  private final java.util.concurrent.ExecutorService compactor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vecstore-compactor");
    t.setDaemon(true);
    return t;
  });
  private final java.util.concurrent.atomic.AtomicInteger openCount = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean evictionPending = new java.util.concurrent.atomic.AtomicBoolean();
  private final Namespace.OpenListener openListener = new Namespace.OpenListener() {
    @Override
    public void opened() {
      if (openCount.incrementAndGet() > config.capacity().maxOpenNamespaces()) {
        requestEviction(); // at once, off the request thread, which holds a namespace lock
      }
    }

    @Override
    public void closed() {
      openCount.decrementAndGet();
    }
  };
  private volatile long lastCommitNanos = System.nanoTime();
  private volatile boolean closed;

  /** Opens the data directory (creating it if needed) and loads every namespace found there. */
  public NamespaceManager(ManagerConfig config) throws IOException {
    this(config, Clock.systemUTC());
  }

  NamespaceManager(ManagerConfig config, Clock clock) throws IOException {
    this.config = config;
    this.layout = new DataLayout(config.dataDir());
    this.usageLedger = new UsageLedger(layout.usageDir());
    this.validator = new RecordValidator(config.limits());
    this.clock = clock;
    AtomicLong mergeThreads = new AtomicLong();
    this.mergePool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), r -> {
      Thread t = new Thread(r, "vecstore-merge-" + mergeThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // Helpers for large batches: one fewer than the cores, since the request's own thread indexes too.
    int helpers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    AtomicLong indexThreads = new AtomicLong();
    this.indexPool = Executors.newFixedThreadPool(helpers, r -> {
      Thread t = new Thread(r, "vecstore-index-" + indexThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    IndexSettings settings = config.indexSettings().mergeExecutor() == null
        ? config.indexSettings().withMergeExecutor(mergePool)
        : config.indexSettings();
    this.indexSettings = settings.indexExecutor() == null ? settings.withIndexExecutor(indexPool, helpers) : settings;
    Files.createDirectories(layout.root());
    load();
    refreshFreeDisk();
    this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vecstore-maintenance");
      t.setDaemon(true);
      return t;
    });
    long period = Math.min(config.refreshInterval().toMillis(), config.commitInterval().toMillis());
    maintenance.scheduleWithFixedDelay(this::maintain, period, period, TimeUnit.MILLISECONDS);
    this.evictor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vecstore-evictor");
      t.setDaemon(true);
      return t;
    });
    evictor.scheduleWithFixedDelay(this::closeIdleAndLeastRecentlyUsed, period, period, TimeUnit.MILLISECONDS);
    this.usageSampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vecstore-usage");
      t.setDaemon(true);
      return t;
    });
    long sampleEvery = USAGE_SAMPLE_INTERVAL.toMillis();
    usageSampler.scheduleWithFixedDelay(this::sampleUsageQuietly, sampleEvery, sampleEvery, TimeUnit.MILLISECONDS);
    if (config.indexSettings().durability() == Durability.ASYNC) {
      long every = config.asyncSyncInterval().toMillis();
      maintenance.scheduleWithFixedDelay(this::syncLogs, every, every, TimeUnit.MILLISECONDS);
    }
  }

  public DataLayout layout() {
    return layout;
  }

  // --- admin -----------------------------------------------------------------------------------

  public NamespaceInfo create(CreateNamespace spec) {
    ensureOpen();
    String id = NamespaceIds.requireValid(spec.id());
    NamespaceMeta meta = newMeta(spec);
    synchronized (createDeleteLock) {
      if (namespaces.containsKey(id) || Files.exists(layout.namespaceDir(id))) {
        throw new AlreadyExistsException(id);
      }
      int max = config.capacity().maxNamespaces();
      if (namespaces.size() >= max) {
        throw new QuotaExceededException("Namespace limit reached: " + namespaces.size() + " / " + max + " namespaces",
            "max_namespaces", max, namespaces.size() + 1L);
      }
      try {
        writeNewNamespace(meta);
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "cannot create: " + e.getMessage(), e);
      }
      Namespace ns = new Namespace(layout, indexSettings, meta, openListener);
      namespaces.put(id, ns);
      recordUsage(ns); // the baseline: every request from now on is billed
      LOG.info("Created namespace {}", id);
      return NamespaceInfo.of(meta, 0, 0);
    }
  }

  public NamespaceInfo get(String id) {
    return info(require(id));
  }

  /**
   * Namespaces sorted by id, {@code limit} per page, after {@code cursor} (from a previous page),
   * optionally only ids starting with {@code prefix} and only those with {@code status}.
   */
  public NamespacePage list(int limit, String cursor, String prefix, NamespaceStatus status) {
    ensureOpen();
    if (limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new InvalidRequestException("limit must be between 1 and " + MAX_LIST_LIMIT + ", got: " + limit);
    }
    String after = cursor == null ? null : decodeCursor(cursor);
    String from = prefix == null ? "" : prefix;
    var tail = after != null && after.compareTo(from) >= 0
        ? namespaces.tailMap(after, false)
        : namespaces.tailMap(from, true);
    List<NamespaceInfo> page = new ArrayList<>();
    String next = null;
    for (Namespace ns : tail.values()) {
      if (prefix != null && !ns.id.startsWith(prefix)) {
        break;
      }
      if (status != null && ns.meta().status() != status) {
        continue;
      }
      if (page.size() == limit) {
        next = encodeCursor(page.getLast().meta().id());
        break;
      }
      page.add(info(ns));
    }
    return new NamespacePage(page, next, count(prefix, status));
  }

  /** How many namespaces match a listing's prefix and status, over all pages. In memory only. */
  private long count(String prefix, NamespaceStatus status) {
    var from = prefix == null ? namespaces : namespaces.tailMap(prefix, true);
    long n = 0;
    for (Namespace ns : from.values()) {
      if (prefix != null && !ns.id.startsWith(prefix)) {
        break;
      }
      if (status == null || ns.meta().status() == status) {
        n++;
      }
    }
    return n;
  }

  /** Deletes a namespace and all its data; in any status. */
  public void delete(String id) {
    ensureOpen();
    synchronized (createDeleteLock) {
      Namespace ns = require(id);
      recordUsage(ns); // its last day, up to now
      ns.retire();
      recordUsage(ns); // requests that finished meanwhile
      usageLedger.flush();
      namespaces.remove(id, ns);
      ns.meta().keys().forEach(k -> keyIndex.remove(k.id(), id));
      try {
        Path trash = layout.deletingDir(id, nonce.incrementAndGet());
        Files.move(layout.namespaceDir(id), trash, StandardCopyOption.ATOMIC_MOVE);
        MetaStore.fsyncDirectory(layout.root());
        deleteRecursively(trash);
      } catch (IOException e) {
        // The namespace is gone for clients; leftover files are removed on the next start.
        LOG.warn("Namespace {} deleted, but removing its files failed: {}", id, e.toString());
      }
      LOG.info("Deleted namespace {}", id);
    }
  }

  public NamespaceInfo updateQuotas(String id, QuotaPatch patch) {
    Namespace ns = require(id);
    return info(ns, ns.updateMeta(m -> m.withQuotas(m.quotas().merge(patch), now())));
  }

  public NamespaceInfo updateStatus(String id, NamespaceStatus status) {
    Namespace ns = require(id);
    return info(ns, ns.updateMeta(m -> m.withStatus(status, now())));
  }

  public NamespaceStats stats(String id) {
    Namespace ns = require(id);
    NamespaceMeta m = ns.meta();
    IndexStats s;
    SizeSnapshot closed = ns.closedSize();
    if (closed != null) {
      s = new IndexStats(closed.vectorCount(), closed.deletedCount(), closed.storageBytes());
    } else try {
      s = ns.withIndex(index -> {
        IndexStats i = index.stats();
        return new IndexStats(i.liveDocs(), i.deletedDocs(), i.storageBytes() + index.logBytes());
      });
    } catch (UnavailableException e) {
      return new NamespaceStats(id, 0, 0, 0, m.dimension(), 0, 0, ns.usage(), m.status(), e.getMessage());
    }
    
    return new NamespaceStats(
        id,
        s.liveDocs(),
        s.liveDocs(),
        s.deletedDocs(),
        m.dimension(),
        s.storageBytes(),
        NamespaceInfo.utilization(m.quotas(), s.liveDocs(), s.storageBytes()),
        ns.usage(),
        m.status(),
        null);
  }

  public AggregateStats aggregateStats() {
    ensureOpen();
    long total = 0, active = 0, vectors = 0, requests = 0, bytes = 0;
    for (Namespace ns : namespaces.values()) {
      total++;
      if (ns.meta().status() == NamespaceStatus.ACTIVE) {
        active++;
      }
      NamespaceInfo info = info(ns);
      vectors += info.vectorCount();
      bytes += info.storageBytes();
      requests += ns.usage().totalRequests();
    }
    return new AggregateStats(total, active, vectors, requests, bytes);
  }

  // --- keys ------------------------------------------------------------------------------------

  private static final int MAX_KEYS_PER_NAMESPACE = 100;
  private static final java.util.regex.Pattern KEY_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** Creates a namespace key; the returned secret is never stored or shown again. */
  public NewApiKey createKey(String namespaceId, String name, KeyRole role) {
    Namespace ns = require(namespaceId);
    if (name == null || !KEY_NAME.matcher(name).matches()) {
      throw new InvalidRequestException("key name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$, got: " + name);
    }
    ApiKeys.Created created = ApiKeys.create(name, role, now());
    ns.updateMeta(m -> {
      if (m.keys().stream().anyMatch(k -> k.name().equals(name))) {
        throw AlreadyExistsException.key(namespaceId, name);
      }
      if (m.keys().size() >= MAX_KEYS_PER_NAMESPACE) {
        throw new InvalidRequestException("a namespace has at most " + MAX_KEYS_PER_NAMESPACE + " keys");
      }
      List<StoredKey> keys = new ArrayList<>(m.keys());
      keys.add(created.stored());
      return m.withKeys(keys, now());
    });
    keyIndex.put(created.stored().id(), namespaceId);
    return new NewApiKey(created.stored().info(), created.key());
  }

  public List<ApiKeyInfo> listKeys(String namespaceId) {
    return require(namespaceId).keyInfos();
  }

  /** Revokes a key; the next request with it fails. */
  public void revokeKey(String namespaceId, String name) {
    Namespace ns = require(namespaceId);
    String[] revoked = new String[1];
    ns.updateMeta(m -> {
      StoredKey key = m.keys().stream().filter(k -> k.name().equals(name)).findFirst()
          .orElseThrow(() -> NotFoundException.key(namespaceId, name));
      revoked[0] = key.id();
      return m.withKeys(m.keys().stream().filter(k -> k != key).toList(), now());
    });
    keyIndex.remove(revoked[0], namespaceId);
  }

  /**
   * The namespace key {@code presented} is, if it is one. Hash comparison is constant-time; a
   * key of a deleted namespace or a revoked key matches nothing.
   */
  public Optional<KeyMatch> authenticate(String presented) {
    String id = ApiKeys.idOf(presented);
    String namespaceId = id == null ? null : keyIndex.get(id);
    Namespace ns = namespaceId == null ? null : namespaces.get(namespaceId);
    if (ns == null) {
      return Optional.empty();
    }
    for (StoredKey k : ns.meta().keys()) {
      if (k.id().equals(id) && ApiKeys.matches(k, presented)) {
        ns.keyUsed(k.id(), now());
        return Optional.of(new KeyMatch(namespaceId, k.name(), k.role()));
      }
    }
    return Optional.empty();
  }

  // --- data ------------------------------------------------------------------------------------

  /**
   * Adds or replaces a batch of vectors, all or nothing. Returns the number of distinct ids
   * written. Admission: status, batch size, dimension, rate; then, under the namespace's write
   * lock, the vector and storage reservations, so concurrent writers never overshoot a quota.
   */
  public long upsert(String namespaceId, List<VectorRecord> batch) {
    Namespace ns = require(namespaceId);
    ns.checkStatus(Operation.UPSERT);
    checkFreeDisk();
    NamespaceMeta meta = ns.meta();
    QuotaGuard guard = ns.guard();
    guard.checkBatchSize(meta.quotas(), batch.size());
    RecordValidator.Shape shape = validator.validateBatch(batch, meta.metric());
    int dimension = shape.dimension();
    guard.checkDimension(meta.quotas(), dimension);
    checkDimension(meta, dimension, "Vector");
    long distinct = batch.stream().map(VectorRecord::id).distinct().count();
    long estimate = StorageEstimate.of(batch, shape.metadataBytes());
    guard.admitRequest(meta.quotas());
    ns.withIndex(index -> index.upsert(batch, estimate, newIds -> {
      Quotas current = ns.meta().quotas(); // the latest, if they changed meanwhile
      guard.reserveVectors(current, index.vectorCount(), newIds);
      if (current.maxStorageBytes() != null) {
        guard.reserveStorage(current, index.storageBytes() + index.logBytes() + index.unflushedBytes(), estimate);
      }
      fixDimension(ns, dimension);
    }));
    ns.count(Operation.UPSERT);
    return distinct;
  }

  public List<QueryHit> query(String namespaceId, SearchRequest request) {
    Namespace ns = require(namespaceId);
    ns.checkStatus(Operation.QUERY);
    NamespaceMeta meta = ns.meta();
    QuotaGuard guard = ns.guard();
    int k = request.k();
    int maxCandidates = config.limits().maxNumCandidates();
    if (k < 1 || k > maxCandidates) {
      throw new InvalidRequestException("k must be between 1 and " + maxCandidates + ", got: " + k);
    }
    guard.checkResults(meta.quotas(), k);
    validator.validateValues("query vector", request.vector(), meta.metric());
    int candidates = numCandidates(request.numCandidates(), k,
        Objects.requireNonNullElse(meta.options().defaultNumCandidates(), config.defaultNumCandidates()), maxCandidates);
    Query filter = request.filter() == null ? null : Filters.compile(request.filter());
    if (meta.dimension() != null) {
      checkDimension(meta, request.vector().length, "Query");
    }
    try (QuotaGuard.QuerySlot slot = guard.acquireQuerySlot(meta.quotas())) {
      guard.admitRequest(meta.quotas());
      ns.count(Operation.QUERY);
      return ns.withIndex(index -> meta.dimension() == null
          ? List.of() // nothing was ever written
          : index.search(request.vector(), k, candidates, filter, request.includeMetadata(), request.includeValues()));
    }
  }

  public VectorRecord fetch(String namespaceId, String vectorId) {
    Namespace ns = require(namespaceId);
    ns.checkStatus(Operation.FETCH);
    validator.validateId(vectorId);
    ns.guard().admitRequest(ns.meta().quotas());
    ns.count(Operation.FETCH);
    VectorRecord r = ns.withIndex(index -> index.fetch(vectorId));
    if (r == null) {
      throw NotFoundException.vector(namespaceId, vectorId);
    }
    return r;
  }

  /** Deletes the given ids; unknown ids are ignored. Returns how many existed. */
  public long deleteVectors(String namespaceId, List<String> ids) {
    Namespace ns = require(namespaceId);
    ns.checkStatus(Operation.DELETE);
    if (ids.isEmpty()) {
      throw new InvalidRequestException("ids must contain at least one id");
    }
    ids.forEach(validator::validateId);
    ns.guard().admitRequest(ns.meta().quotas());
    ns.count(Operation.DELETE);
    return ns.withIndex(index -> index.delete(new LinkedHashSet<>(ids)));
  }

  /** Deletes one vector; not-found if it does not exist. */
  public void deleteVector(String namespaceId, String vectorId) {
    if (deleteVectors(namespaceId, List.of(vectorId)) == 0) {
      throw NotFoundException.vector(namespaceId, vectorId);
    }
  }

  /** Deletes every vector matching the filter. Returns how many. */
  public long deleteByFilter(String namespaceId, JsonNode filter) {
    Namespace ns = require(namespaceId);
    ns.checkStatus(Operation.DELETE);
    Query query = Filters.compile(filter);
    ns.guard().admitRequest(ns.meta().quotas());
    ns.count(Operation.DELETE);
    return ns.withIndex(index -> index.deleteMatching(query));
  }

  /** Usage figures of every namespace, for metrics; opens no namespace that is not open. */
  public List<NamespaceUsage> usage() {
    List<NamespaceUsage> out = new ArrayList<>(namespaces.size());
    for (Namespace ns : namespaces.values()) {
      out.add(usageOf(ns));
    }
    return out;
  }

  private NamespaceUsage usageOf(Namespace ns) {
    NamespaceIndex index = ns.indexIfOpen();
    NamespaceMeta meta = ns.meta();
    SizeSnapshot closed = index == null ? ns.closedSize() : null;
    long vectors = index != null ? index.vectorCount() : closed != null ? closed.vectorCount() : -1;
    long bytes = index != null ? safeStorageBytes(index) : closed != null ? closed.storageBytes() : -1;
    return new NamespaceUsage(meta.id(), meta.status(), vectors, bytes,
        vectors < 0 ? 0 : NamespaceInfo.utilization(meta.quotas(), vectors, Math.max(0, bytes)),
        ns.usage(), ns.guard().rejections());
  }

  /**
   * Daily usage of every namespace (deleted ones included) from {@code from} to {@code to}, UTC
   * days, both inclusive; today's figures are sampled first so they are current.
   */
  public List<DailyUsage> usageBetween(LocalDate from, LocalDate to, String prefix) {
    ensureOpen();
    if (to.isBefore(from)) {
      throw new InvalidRequestException("from must not be after to, got: from=" + from + ", to=" + to);
    }
    long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_USAGE_DAYS) {
      throw new InvalidRequestException("usage range must be at most " + MAX_USAGE_DAYS + " days, got: " + days);
    }
    sampleUsage();
    return usageLedger.between(from, to, prefix);
  }

  private void sampleUsageQuietly() {
    try {
      sampleUsage();
    } catch (RuntimeException e) {
      LOG.warn("Sampling usage failed (retried next minute): {}", e.toString());
    }
  }

  /** Folds every namespace's current counters and size into today's usage rollup and saves it. */
  private void sampleUsage() {
    for (Namespace ns : namespaces.values()) {
      recordUsage(ns);
    }
    usageLedger.flush();
  }

  /** One usage sample of a namespace; its vector peak since the last sample, not just its count now. */
  private void recordUsage(Namespace ns) {
    NamespaceUsage u = usageOf(ns);
    NamespaceIndex index = ns.indexIfOpen();
    long vectors = index == null ? u.vectorCount() : Math.max(u.vectorCount(), index.takeVectorPeak());
    usageLedger.record(u.id(), u.usage(), vectors, u.storageBytes(), LocalDate.ofInstant(now(), ZoneOffset.UTC));
  }

  private static long safeStorageBytes(NamespaceIndex index) {
    try {
      return index.storageBytes() + index.logBytes();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Commits every open namespace, saves counters, stops the background thread. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    maintenance.shutdown();
    evictor.shutdown();
    usageSampler.shutdown();
    compactor.shutdown();
    try {
      maintenance.awaitTermination(30, TimeUnit.SECONDS);
      evictor.awaitTermination(30, TimeUnit.SECONDS);
      usageSampler.awaitTermination(30, TimeUnit.SECONDS);
      compactor.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sampleUsage();
    IOException first = null;
    for (Namespace ns : namespaces.values()) {
      try {
        ns.close();
      } catch (IOException | RuntimeException e) {
        LOG.error("Closing namespace {} failed", ns.id, e);
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        }
      }
    }
    mergePool.shutdown();
    indexPool.shutdown();
    if (first != null) {
      throw first;
    }
  }

  // --- snapshots, export and import ------------------------------------------------------------

  /**
   * Takes a point-in-time copy of a namespace (in any status) as snapshot {@code name} (null: a
   * UTC timestamp). Writes wait only for one commit; the files are linked after that.
   */
  public SnapshotInfo createSnapshot(String id, String name) {
    Namespace ns = require(id);
    Instant now = now();
    String snapshotName = Snapshots.requireValidName(name == null ? Snapshots.defaultName(now) : name);
    synchronized (ns.snapshotLock) {
      try {
        return Snapshots.create(layout, ns.meta(), snapshotName, now, nonce.incrementAndGet(),
            target -> ns.withIndex(index -> index.snapshotTo(target)));
      } catch (IOException | UncheckedIOException e) {
        throw UnavailableException.namespace(id, "cannot write snapshot: " + e.getMessage(), e);
      }
    }
  }

  public List<SnapshotInfo> listSnapshots(String id) {
    require(id);
    try {
      return Snapshots.list(layout, id);
    } catch (IOException e) {
      throw UnavailableException.namespace(id, "cannot list snapshots: " + e.getMessage(), e);
    }
  }

  public SnapshotInfo getSnapshot(String id, String name) {
    require(id);
    return Snapshots.get(layout, id, name);
  }

  public void deleteSnapshot(String id, String name) {
    Namespace ns = require(id);
    synchronized (ns.snapshotLock) {
      try {
        Snapshots.delete(layout, id, name, nonce.incrementAndGet());
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "cannot delete snapshot: " + e.getMessage(), e);
      }
    }
  }

  /** Bytes of a namespace's snapshots (reported, never counted against a quota). */
  public long snapshotBytes(String id) {
    return listSnapshots(id).stream().mapToLong(SnapshotInfo::bytes).sum();
  }

  /**
   * Replaces a namespace's vectors with a snapshot's, atomically: running requests finish first,
   * new ones wait, and the first one after sees exactly the snapshot. Quotas, status, keys and
   * usage counters stay the live namespace's; writes after the snapshot are gone.
   */
  public NamespaceInfo restoreSnapshot(String id, String name) {
    Namespace ns = require(id);
    synchronized (ns.snapshotLock) {
      SnapshotInfo info = Snapshots.get(layout, id, name);
      Integer dimension;
      try {
        dimension = MetaStore.read(layout.snapshotDir(id, name).resolve(DataLayout.META_FILE)).dimension();
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "snapshot " + name + " is unreadable: " + e.getMessage(), e);
      }
      NamespaceMeta meta = ns.restore(layout.snapshotDir(id, name).resolve(Snapshots.INDEX_DIR), dimension,
          nonce.incrementAndGet(), now());
      LOG.info("Namespace {} restored from snapshot {} ({} vectors)", id, name, info.vectorCount());
      return info(ns, meta);
    }
  }

  /** Opens a snapshot for export as one .tar.gz; the caller writes and closes it. */
  public SnapshotExport exportSnapshot(String id, String name) {
    Namespace ns = require(id);
    synchronized (ns.snapshotLock) {
      SnapshotInfo info = Snapshots.get(layout, id, name);
      try {
        return SnapshotExport.open(info, layout.snapshotDir(id, name));
      } catch (IOException e) {
        throw UnavailableException.namespace(id, "cannot read snapshot " + name + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Creates a namespace from an exported snapshot archive (see {@link SnapshotExport}), as
   * {@code id} or, when null, under the id it had. Its settings, quotas, status (pending_deletion
   * becomes active) and usage counters come from the archive; it has no keys and no snapshots. The
   * archive is unpacked in a work directory and checked (every index file's checksum, the
   * namespace.json) before the namespace appears.
   */
  public NamespaceInfo importSnapshot(String id, java.io.InputStream archive) {
    ensureOpen();
    if (id != null) {
      NamespaceIds.requireValid(id);
      if (namespaces.containsKey(id)) {
        throw new AlreadyExistsException(id);
      }
    }
    checkFreeDisk();
    Path work = layout.importingDir(nonce.incrementAndGet());
    try {
      Snapshots.Unpacked unpacked = Snapshots.unpack(archive, work);
      NamespaceMeta meta = importedMeta(work.resolve(DataLayout.META_FILE), id);
      Path index = work.resolve(Snapshots.INDEX_DIR);
      io.vecstore.core.index.IndexFiles.CheckResult check = io.vecstore.core.index.IndexFiles.check(index, 1, null);
      if (!check.clean()) {
        throw new InvalidRequestException("archive's index fails CheckIndex: "
            + check.report().lines().filter(l -> l.contains("ERROR") || l.contains("FAILED")).findFirst().orElse("not clean"));
      }
      Files.deleteIfExists(work.resolve(Snapshots.INFO_FILE));
      MetaStore.write(work.resolve(DataLayout.META_FILE), meta);
      synchronized (createDeleteLock) {
        if (namespaces.containsKey(meta.id()) || Files.exists(layout.namespaceDir(meta.id()))) {
          throw new AlreadyExistsException(meta.id());
        }
        int max = config.capacity().maxNamespaces();
        if (namespaces.size() >= max) {
          throw new QuotaExceededException("Namespace limit reached: " + namespaces.size() + " / " + max + " namespaces",
              "max_namespaces", max, namespaces.size() + 1L);
        }
        MetaStore.fsyncDirectory(work);
        Files.move(work, layout.namespaceDir(meta.id()), StandardCopyOption.ATOMIC_MOVE);
        MetaStore.fsyncDirectory(layout.root());
        Namespace ns = new Namespace(layout, indexSettings, meta, openListener);
        namespaces.put(meta.id(), ns);
        LOG.info("Imported namespace {} from snapshot {} of {} ({} vectors)", meta.id(), unpacked.info().name(),
            unpacked.info().namespaceId(), unpacked.info().vectorCount());
        return info(ns);
      }
    } catch (IOException e) {
      throw UnavailableException.namespace(id == null ? "import" : id, "cannot import: " + e, e);
    } finally {
      try {
        deleteRecursively(work); // nothing left once moved into place
      } catch (IOException e) {
        LOG.warn("Removing import work directory {} failed: {}", work, e.toString());
      }
    }
  }

  /** The archive's namespace.json as a new namespace: new id if given, no keys, no recorded size. */
  private NamespaceMeta importedMeta(Path file, String id) {
    NamespaceMeta m;
    try {
      m = MetaStore.read(file);
    } catch (IOException e) {
      throw new InvalidRequestException("archive's namespace.json is not one this server reads: " + e.getMessage());
    }
    String newId = NamespaceIds.requireValid(id == null ? m.id() : id);
    NamespaceStatus status = m.status() == NamespaceStatus.PENDING_DELETION ? NamespaceStatus.ACTIVE : m.status();
    Instant now = now();
    try {
      // Edited as JSON so fields this class does not know about travel unchanged.
      var json = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
      json.put("id", newId);
      json.put("status", status.wireName());
      json.putNull("pending_deletion_since");
      json.put("updated_at", now.toString());
      json.remove("size_at_close");
      json.putArray("keys");
      Files.write(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(json));
      return MetaStore.read(file);
    } catch (IOException | ClassCastException e) {
      throw new InvalidRequestException("archive's namespace.json is not one this server reads: " + e.getMessage());
    }
  }

  /** Largest batch an import from Lucene writes at once (less if the namespace's batch quota is lower). */
  private static final int IMPORT_BATCH = 500;

  /**
   * Creates a namespace from an existing Lucene index on the server (Lucene 9.x included), copying
   * every live document through the write path (validation, dimension, vector and storage quotas;
   * not the rate limit, and not counted as requests). All or nothing: on any failure the new
   * namespace is deleted again.
   */
  public LuceneImport.Result importLucene(LuceneImport spec) {
    ensureOpen();
    NamespaceIds.requireValid(spec.namespace().id());
    try (io.vecstore.core.index.ExternalIndex source =
        io.vecstore.core.index.ExternalIndex.open(spec.path(), spec.vectorField(), spec.idField())) {
      CreateNamespace c = spec.namespace();
      if (c.dimension() != null && c.dimension() != source.dimension()) {
        throw new InvalidRequestException("dimension must match the vector field's (" + source.dimension() + "), got: "
            + c.dimension());
      }
      NamespaceInfo created = create(new CreateNamespace(c.id(), c.name(), c.description(), c.metadata(), c.tier(),
          c.quotas(), c.metric() == null ? source.metric() : c.metric(), source.dimension()));
      String id = created.meta().id();
      try {
        Namespace ns = require(id);
        Integer quota = ns.meta().quotas().maxBatchSize();
        int batchSize = Math.max(1, Math.min(IMPORT_BATCH, quota == null ? IMPORT_BATCH : quota));
        var counts = source.read(batchSize, spec.metadataFields(), batch -> importBatch(ns, batch));
        LOG.info("Imported {} documents of the Lucene index {} into namespace {} ({} without id, {} without vector skipped)",
            counts.read(), spec.path(), id, counts.skippedNoId(), counts.skippedNoVector());
        return new LuceneImport.Result(get(id), counts.read(), counts.skippedNoId(), counts.skippedNoVector());
      } catch (RuntimeException | IOException e) {
        try {
          delete(id);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (IOException e) {
      throw new InvalidRequestException("cannot read the Lucene index in " + spec.path() + ": " + e.getMessage());
    }
  }

  /** An upsert for an import: every check of {@link #upsert} but the rate limit, and not counted. */
  private void importBatch(Namespace ns, List<VectorRecord> batch) {
    NamespaceMeta meta = ns.meta();
    checkFreeDisk();
    RecordValidator.Shape shape = validator.validateBatch(batch, meta.metric());
    ns.guard().checkDimension(meta.quotas(), shape.dimension());
    checkDimension(meta, shape.dimension(), "Vector");
    long estimate = StorageEstimate.of(batch, shape.metadataBytes());
    ns.withIndex(index -> index.upsert(batch, estimate, newIds -> {
      Quotas current = ns.meta().quotas();
      ns.guard().reserveVectors(current, index.vectorCount(), newIds);
      if (current.maxStorageBytes() != null) {
        ns.guard().reserveStorage(current, index.storageBytes() + index.logBytes() + index.unflushedBytes(), estimate);
      }
    }));
  }

  // --- internals -------------------------------------------------------------------------------

  private Namespace require(String id) {
    ensureOpen();
    Namespace ns = id == null ? null : namespaces.get(id);
    if (ns == null) {
      throw NotFoundException.namespace(id);
    }
    return ns;
  }

  private void ensureOpen() {
    if (closed) {
      throw UnavailableException.shuttingDown();
    }
  }

  private Instant now() {
    return clock.instant();
  }

  private NamespaceInfo info(Namespace ns) {
    return info(ns, ns.meta());
  }

  private NamespaceInfo info(Namespace ns, NamespaceMeta meta) {
    SizeSnapshot closed = ns.closedSize();
    if (closed != null) {
      return NamespaceInfo.of(meta, closed.vectorCount(), closed.storageBytes());
    }
    try {
      // Writes not yet flushed count by their estimate, so a list right after an upsert is not stale.
      long[] counts = ns.withIndex(index -> new long[] {
          index.vectorCount(), index.storageBytes() + index.logBytes() + index.unflushedBytes()});
      return NamespaceInfo.of(meta, counts[0], counts[1]);
    } catch (UnavailableException e) {
      return NamespaceInfo.unavailable(meta, e.getMessage());
    }
  }

  private NamespaceMeta newMeta(CreateNamespace spec) {
    String name = spec.name() == null ? spec.id() : spec.name();
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new InvalidRequestException(
          "name must be 1 to " + MAX_NAME_LENGTH + " characters and not blank, got: " + name.length() + " characters");
    }
    if (spec.description() != null && spec.description().length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidRequestException(
          "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters, got: " + spec.description().length());
    }
    if (spec.metadata().size() > MAX_NAMESPACE_METADATA_ENTRIES) {
      throw new InvalidRequestException(
          "metadata must have at most " + MAX_NAMESPACE_METADATA_ENTRIES + " entries, got: " + spec.metadata().size());
    }
    Integer defaultCandidates = spec.options().defaultNumCandidates();
    int maxCandidates = config.limits().maxNumCandidates();
    if (defaultCandidates != null && (defaultCandidates < 1 || defaultCandidates > maxCandidates)) {
      throw new InvalidRequestException(
          "default_num_candidates must be between 1 and " + maxCandidates + ", got: " + defaultCandidates);
    }
    Quotas quotas = spec.resolveQuotas();
    Integer dimension = spec.dimension();
    if (dimension != null) {
      int max = NamespaceIndex.maxDimensions();
      if (dimension < 1 || dimension > max) {
        throw new InvalidRequestException("dimension must be between 1 and " + max + ", got: " + dimension);
      }
      if (quotas.maxDimension() != null && dimension > quotas.maxDimension()) {
        throw new InvalidRequestException(InvalidRequestException.LIMIT_EXCEEDED,
            "Dimension exceeds maximum: " + dimension + " > " + quotas.maxDimension());
      }
    }
    Instant now = now();
    return new NamespaceMeta(
        spec.id(), name, spec.description(), spec.metadata(), quotas, NamespaceStatus.ACTIVE,
        spec.metricOrDefault(), dimension, now, now, Usage.ZERO, List.of(), null, null, spec.options());
  }

  private static void checkDimension(NamespaceMeta meta, int dimension, String what) {
    Integer expected = meta.dimension();
    if (expected != null && expected != dimension) {
      throw new InvalidRequestException(
          InvalidRequestException.DIMENSION_MISMATCH,
          what + " dimension mismatch: expected " + expected + ", got " + dimension,
          Map.of("expected", expected, "got", dimension));
    }
    int max = NamespaceIndex.maxDimensions();
    if (dimension > max) {
      throw new InvalidRequestException(
          InvalidRequestException.LIMIT_EXCEEDED,
          what + " dimension exceeds maximum: " + dimension + " > " + max);
    }
  }

  private void checkFreeDisk() {
    long min = config.capacity().minFreeDiskBytes();
    long free = freeDiskBytes;
    if (free < min) {
      throw UnavailableException.insufficientStorage(free, min);
    }
  }

  private void refreshFreeDisk() {
    try {
      freeDiskBytes = Files.getFileStore(layout.root()).getUsableSpace();
    } catch (IOException e) {
      LOG.warn("Cannot read free space of {}: {}", layout.root(), e.toString());
    }
  }

  /** Runs under the index's write lock, so the first batch fixes the dimension race-free. */
  private void fixDimension(Namespace ns, int dimension) {
    NamespaceMeta meta = ns.meta();
    checkDimension(meta, dimension, "Vector");
    if (meta.dimension() == null) {
      ns.updateMeta(m -> m.withDimension(dimension, now()));
    }
  }

  private static int numCandidates(Integer requested, int k, int fallback, int max) {
    if (requested == null) {
      return Math.max(k, Math.min(max, fallback));
    }
    if (requested < k || requested > max) {
      throw new InvalidRequestException(
          "num_candidates must be between k (" + k + ") and " + max + ", got: " + requested);
    }
    return requested;
  }

  private void writeNewNamespace(NamespaceMeta meta) throws IOException {
    // Built in a work directory and renamed into place, so a crash never leaves half a namespace.
    Path staging = layout.creatingDir(meta.id(), nonce.incrementAndGet());
    Files.createDirectories(staging);
    try {
      MetaStore.write(staging.resolve(DataLayout.META_FILE), meta);
      Files.move(staging, layout.namespaceDir(meta.id()), StandardCopyOption.ATOMIC_MOVE);
      MetaStore.fsyncDirectory(layout.root());
    } catch (IOException e) {
      deleteRecursively(staging);
      throw e;
    }
  }

  /** Reads every namespace.json (in parallel: start-up reads no index), finishing interrupted creates and deletes. */
  private void load() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(layout.root())) {
      children.forEach(dirs::add);
    }
    List<Path> candidates = new ArrayList<>();
    for (Path dir : dirs) {
      String name = dir.getFileName().toString();
      if (!Files.isDirectory(dir)) {
        continue;
      }
      if (name.equals(DataLayout.USAGE_DIR)) {
        continue;
      }
      if (DataLayout.isWorkDir(name)) {
        LOG.info("Removing leftover {} from an interrupted create or delete", name);
        deleteRecursively(dir);
      } else if (!NamespaceIds.isValid(name) || !Files.exists(dir.resolve(DataLayout.META_FILE))) {
        LOG.warn("Ignoring {}: not a namespace directory", dir);
      } else {
        candidates.add(dir);
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
      namespaces.put(name, new Namespace(layout, indexSettings, meta, openListener));
      meta.keys().forEach(k -> keyIndex.put(k.id(), name));
    } catch (IOException e) {
      // Listed as unavailable rather than hidden: its data is still on disk and an operator must see it.
      LOG.error("Namespace {} cannot be loaded, it is unavailable: {}", name, e.getMessage());
      namespaces.put(name, Namespace.broken(layout, indexSettings, name,
          "cannot read namespace.json: " + e.getMessage(), clock.instant()));
    }
  }

  private void maintain() {
    // Without a log a commit is the only durability, so it comes as often as a refresh.
    Duration commitEvery = config.indexSettings().durability() == Durability.NONE
        ? config.refreshInterval() : config.commitInterval();
    boolean commitDue = System.nanoTime() - lastCommitNanos >= commitEvery.toNanos();
    for (Namespace ns : namespaces.values()) {
      if (closed) {
        return;
      }
      NamespaceIndex index = ns.indexIfOpen();
      if (index == null) {
        continue;
      }
      try {
        // A namespace nobody searches is not refreshed in the background: each refresh flushes a
        // small segment whose graph merges must rebuild later. Its next query refreshes first.
        if (index.searchedWithin(SEARCH_IDLE_AFTER.toNanos())) {
          index.refreshInBackground();
        }
        if ((commitDue || index.logBytes() > COMMIT_LOG_BYTES) && index.commitIfDirty()) {
          // The commit flushed everything, so this cuts no segment; it lets go of the searcher
          // that still holds the files of segments a merge replaced, so they leave the disk.
          index.refreshInBackground();
        }
        if (roomToMerge(ns, index)) {
          index.mergeIfWriteIdle(WRITE_IDLE_MERGE_AFTER.toNanos(), WRITE_IDLE_MERGE_EVERY.toNanos(), WRITE_IDLE_MERGE_MAX_BYTES);
        }
        ns.saveUsageIfChanged();
      } catch (RuntimeException e) {
        LOG.warn("Background refresh/commit/merge of namespace {} failed: {}", ns.id, e.toString());
      }
    }
    if (commitDue) {
      lastCommitNanos = System.nanoTime();
    }
    refreshFreeDisk();
    deleteExpiredPendingDeletions();

  }

  /**
   * Whether a merge into one segment fits the namespace's storage quota: until the merge is
   * committed the old segments stay on disk beside the new one, and a write must not be refused for
   * bytes that are about to go.
   */
  private static boolean roomToMerge(Namespace ns, NamespaceIndex index) {
    Long max = ns.meta().quotas().maxStorageBytes();
    return max == null || 2 * (index.storageBytes() + index.logBytes()) <= max;
  }

  /** Deletes namespaces whose pending_deletion grace period is over. */
  private void deleteExpiredPendingDeletions() {
    Instant now = now();
    for (Namespace ns : namespaces.values()) {
      Instant due = deletionDue(ns.meta());
      if (due != null && !now.isBefore(due) && !closed) {
        try {
          LOG.info("Namespace {}: pending deletion since {}, grace period over; deleting", ns.id, ns.meta().pendingDeletionSince());
          delete(ns.id);
        } catch (RuntimeException e) {
          LOG.warn("Deleting expired namespace {} failed: {}", ns.id, e.toString());
        }
      }
    }
  }

  public Instant deletionDue(String id) {
    return deletionDue(require(id).meta());
  }

  /**
   * Starts merging away the namespace's deleted vectors in the background, unless a compaction of
   * it is already running; returns its state. Queries and writes go on meanwhile.
   */
  public Compaction compact(String id) {
    Namespace ns = require(id);
    synchronized (ns) {
      Compaction current = ns.compaction;
      if (current != null && current.isRunning()) {
        return current;
      }
      NamespaceStats before = stats(id);
      if (before.unavailableReason() != null) {
        throw UnavailableException.namespace(id, before.unavailableReason(), null);
      }
      Compaction started = Compaction.running(now(), before.storageBytes(), before.deletedCount());
      ns.compaction = started;
      compactor.execute(() -> runCompaction(ns, started));
      return started;
    }
  }

  private void runCompaction(Namespace ns, Compaction started) {
    try {
      ns.withIndex(index -> {
        index.compact();
        return null;
      });
      ns.compaction = started.done(now(), stats(ns.id).storageBytes());
      LOG.info("Namespace {} compacted: {} -> {} bytes", ns.id, started.bytesBefore(), ns.compaction.bytesAfter());
    } catch (RuntimeException e) {
      ns.compaction = started.failed(now(), e.getMessage());
      LOG.warn("Compaction of namespace {} failed: {}", ns.id, e.toString());
    }
  }

  /** The last compaction of a namespace since start-up, or null. */
  public Compaction compaction(String id) {
    return require(id).compaction;
  }

  /** When a pending_deletion namespace will be deleted, or null if it is not pending deletion. */
  public Instant deletionDue(NamespaceMeta meta) {
    return meta.status() == NamespaceStatus.PENDING_DELETION && meta.pendingDeletionSince() != null
        ? meta.pendingDeletionSince().plus(config.deletionGrace())
        : null;
  }

  private void requestEviction() {
    if (evictionPending.compareAndSet(false, true)) {
      try {
        evictor.execute(() -> {
          evictionPending.set(false);
          closeIdleAndLeastRecentlyUsed();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        evictionPending.set(false); // shutting down
      }
    }
  }

  /**
   * Closes namespaces idle longer than the idle timeout, then the least recently used ones while
   * more than the maximum are open. Closing waits for running operations; a request arriving
   * meanwhile waits and reopens the namespace: eviction never fails a request.
   */
  private void closeIdleAndLeastRecentlyUsed() {
    Capacity capacity = config.capacity();
    long now = System.nanoTime();
    List<Namespace> open = new ArrayList<>();
    for (Namespace ns : namespaces.values()) {
      if (closed) {
        return;
      }
      if (ns.indexIfOpen() == null) {
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

  /** How many namespaces have their index open now. */
  public int openNamespaces() {
    return openCount.get();
  }

  private void syncLogs() {
    for (Namespace ns : namespaces.values()) {
      NamespaceIndex index = ns.indexIfOpen();
      if (index != null) {
        try {
          index.syncLog();
        } catch (RuntimeException e) {
          LOG.warn("Background fsync of namespace {} failed: {}", ns.id, e.toString());
        }
      }
    }
  }

  private static String encodeCursor(String id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (NamespaceIds.isValid(id)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new InvalidRequestException("cursor is not one this server returned: " + cursor);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException e) {
          // already gone
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
