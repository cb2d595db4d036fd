package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.audit.Actor;
import io.vecstore.core.audit.ChangeCause;
import io.vecstore.core.audit.EventLog;
import io.vecstore.core.audit.EventPage;
import io.vecstore.core.audit.NamespaceEvent;
import io.vecstore.core.auth.KeyRegistry;
import io.vecstore.core.config.CoreExecutors;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.quota.Plans;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.QuotaPolicy;
import io.vecstore.core.store.DataLayout;
import io.vecstore.core.usage.DailyUsage;
import io.vecstore.core.usage.NamespaceUsage;
import io.vecstore.core.usage.UsageLedger;
import io.vecstore.core.vector.IdPage;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.RecordPage;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.UpdateCount;
import io.vecstore.core.vector.VectorRecord;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All namespaces of one server: the one API every front end (REST, gRPC, tools) calls. A thin
 * facade over the {@link NamespaceRegistry registry} (load, create, delete, evict), the
 * {@link DataOps data operations}, {@link QuotaChanges quota, plan, policy and status changes}
 * with their audit trail, {@link NamespaceSnapshots snapshots and imports}, the
 * {@link KeyRegistry key registry}, usage sampling and the {@link Maintenance background work}.
 *
 * <p>Thread-safety: safe for concurrent use by any number of threads. Creating and deleting
 * namespaces is serialized; data operations of different namespaces never wait for each other.
 *
 * <p>Who closes it: {@code Main} (or a test) on shutdown; {@link #close()} stops the background
 * work, commits every open namespace, shuts down the executors it was given, and is idempotent.
 */
public final class NamespaceManager implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceManager.class);

  private final Clock clock;
  private final CoreExecutors executors;
  private final NamespaceRegistry registry;
  private final UsageSampler usage;
  private final DataOps data;
  private final NamespaceSnapshots snapshots;
  private final Compactions compactions;
  private final Maintenance maintenance;
  private final NamespaceMoves moves;
  private final QuotaChanges changes;
  private volatile WriteCheck writeCheck = WriteCheck.ALWAYS;
  private volatile boolean closed;

  /** Opens the data directory (creating it if needed) with pools sized for this machine. */
  public NamespaceManager(ManagerConfig config) throws IOException {
    this(config, CoreExecutors.forThisMachine());
  }

  /** Opens the data directory (creating it if needed) and loads every namespace found there; runs on {@code executors}. */
  public NamespaceManager(ManagerConfig config, CoreExecutors executors) throws IOException {
    this(config, executors, Clock.systemUTC());
  }

  NamespaceManager(ManagerConfig config, Clock clock) throws IOException {
    this(config, CoreExecutors.forThisMachine(), clock);
  }

  private NamespaceManager(ManagerConfig config, CoreExecutors executors, Clock clock) throws IOException {
    this.clock = clock;
    this.executors = executors;
    DataLayout layout = new DataLayout(config.dataDir());
    var settings = config.indexSettings();
    if (settings.mergeExecutor() == null) {
      settings = settings.withMergeExecutor(executors.merges());
    }
    if (settings.indexExecutor() == null) {
      settings = settings.withIndexExecutor(executors.indexing(), executors.indexHelpers());
    }
    this.registry = new NamespaceRegistry(layout, settings, config.capacity(), clock, executors.evictor(),
        new WriteCheck() { // the check plugged in now, whenever it is plugged in
          @Override
          public void check(String id) {
            writeCheck.check(id);
          }

          @Override
          public void confirm(String id, long lastLoggedSeq) {
            writeCheck.confirm(id, lastLoggedSeq);
          }

          @Override
          public boolean ownsAgain(String id) {
            return writeCheck.ownsAgain(id);
          }
        });
    registry.load();
    this.changes = new QuotaChanges(config.plans(), clock);
    for (Namespace ns : registry.all()) {
      if (config.plans().find(ns.meta().plan()) == null) {
        LOG.warn("Namespace {} is on plan {}, which this server does not define: no ceilings or plan policy apply "
            + "to it until it is given a plan that exists", ns.id, ns.meta().plan());
      }
    }
    this.usage = new UsageSampler(new UsageLedger(layout), clock, registry::all);
    DiskSpace disk = new DiskSpace(layout.root(), config.capacity().minFreeDiskBytes());
    this.data = new DataOps(registry, new RecordValidator(config.limits()), disk, config.defaultNumCandidates(), clock,
        changes);
    this.snapshots = new NamespaceSnapshots(registry, data, disk, clock, this::create, this::delete);
    this.compactions = new Compactions(executors.compactor(), disk, clock);
    this.maintenance = new Maintenance(config, executors, registry, usage, disk, clock, this::delete);
    this.moves = new NamespaceMoves(registry, usage, disk, clock);
    maintenance.start();
  }

  /**
   * Sets the check every write of a namespace must pass (cluster mode: this server must own the
   * namespace); {@link WriteCheck#ALWAYS} until set. Set once by {@code Main}, before serving.
   */
  public void writeCheck(WriteCheck check) {
    this.writeCheck = java.util.Objects.requireNonNull(check, "check");
  }

  /**
   * Sets the embedder that turns texts into vectors for namespaces with an embedding model;
   * {@link io.vecstore.core.text.Embedder#NONE} (every embedding refused, 503) until set. Set
   * once by {@code Main}, before serving.
   */
  public void embedder(io.vecstore.core.text.Embedder embedder) {
    data.embedder(embedder);
  }

  /** Moving namespaces between servers (cluster mode): both ends of a move. */
  public NamespaceMoves moves() {
    ensureOpen();
    return moves;
  }

  public DataLayout layout() {
    return registry.layout();
  }

  // --- admin -----------------------------------------------------------------------------------

  /** Creates a namespace as the admin. */
  public NamespaceInfo create(CreateNamespace spec) {
    return create(spec, Actor.ADMIN);
  }

  /**
   * Creates a namespace on its plan (400 {@code exceeds_plan} for quotas above the plan's
   * ceilings without the override); its audit trail starts with a {@code created} event by
   * {@code actor}.
   */
  public NamespaceInfo create(CreateNamespace spec, Actor actor) {
    ensureOpen();
    NamespaceIds.requireValid(spec.id());
    QuotaChanges.Created created = changes.create(spec, actor);
    Namespace ns = registry.create(created.meta(), created.event());
    changes.created(created);
    usage.record(ns); // the baseline: every request from now on is billed
    LOG.info("Created namespace {} on plan {}", ns.id, created.meta().plan());
    return NamespaceInfo.of(ns.meta(), 0, 0);
  }

  /** A namespace's settings as they are now, without opening its index (cheap: no figures). */
  public NamespaceMeta meta(String id) {
    return require(id).meta();
  }

  public NamespaceInfo get(String id) {
    return Figures.info(require(id));
  }

  /**
   * Namespaces sorted by id, {@code limit} per page, after {@code cursor} (from a previous page),
   * optionally only ids starting with {@code prefix} and only those with {@code status}.
   */
  public NamespacePage list(int limit, String cursor, String prefix, NamespaceStatus status) {
    return list(limit, cursor, prefix, status, id -> true);
  }

  /**
   * Like {@link #list(int, String, String, NamespaceStatus)}, over only the namespaces whose id
   * {@code include} accepts (cluster mode: those this server owns), in pages and total alike.
   */
  public NamespacePage list(int limit, String cursor, String prefix, NamespaceStatus status,
      java.util.function.Predicate<String> include) {
    ensureOpen();
    return registry.list(limit, cursor, prefix, status, include);
  }

  /** Deletes a namespace and all its data; in any status. */
  public void delete(String id) {
    ensureOpen();
    registry.require(id).write(() -> {
      registry.delete(id, usage::record);
      return null;
    });
    usage.flush();
    LOG.info("Deleted namespace {}", id);
  }

  /** Changes some quotas as the admin, within the plan's ceilings. */
  public NamespaceInfo updateQuotas(String id, QuotaPatch patch) {
    return updateQuotas(id, patch, false, Actor.ADMIN);
  }

  /**
   * Sets the fields of {@code patch} (a null value: unlimited). A value above the plan's ceiling is
   * refused (400 {@code exceeds_plan}) unless {@code override}; the change is recorded in the
   * audit trail, an override marked as one.
   */
  public NamespaceInfo updateQuotas(String id, QuotaPatch patch, boolean override, Actor actor) {
    Namespace ns = require(id);
    return ns.write(() -> Figures.info(ns, changes.updateQuotas(ns, patch, override, actor)));
  }

  /**
   * Moves a namespace to another plan. With {@code resetQuotas} its quotas become the new plan's;
   * otherwise they are kept and must be within the new plan's ceilings (400 {@code exceeds_plan})
   * unless {@code override}.
   */
  public NamespaceInfo changePlan(String id, String plan, boolean resetQuotas, boolean override, Actor actor) {
    Namespace ns = require(id);
    return ns.write(() -> Figures.info(ns, changes.changePlan(ns, plan, resetQuotas, override, actor)));
  }

  /** Sets a namespace's own quota policy; null: it follows its plan's again. */
  public NamespaceInfo updateQuotaPolicy(String id, QuotaPolicy policy, Actor actor) {
    Namespace ns = require(id);
    return ns.write(() -> Figures.info(ns, changes.updatePolicy(ns, policy, actor)));
  }

  public NamespaceInfo updateStatus(String id, NamespaceStatus status) {
    return updateStatus(id, status, Actor.ADMIN);
  }

  /** Sets a namespace's status, recorded in its audit trail. */
  public NamespaceInfo updateStatus(String id, NamespaceStatus status, Actor actor) {
    Namespace ns = require(id);
    return ns.write(() -> Figures.info(ns, changes.updateStatus(ns, status, actor)));
  }

  /** The most events one page of an audit trail holds. */
  public static final int MAX_EVENTS_PAGE = 1000;

  /**
   * A page of a namespace's audit trail (its last {@link EventLog#KEEP} events), newest first,
   * {@code limit} (1 to 1000) per page, after {@code cursor} (from a previous page).
   */
  public EventPage events(String id, int limit, String cursor) {
    Namespace ns = require(id);
    if (limit < 1 || limit > MAX_EVENTS_PAGE) {
      throw new io.vecstore.core.error.InvalidRequestException(
          "limit must be between 1 and " + MAX_EVENTS_PAGE + ", got: " + limit);
    }
    Long before = cursor == null ? null : Long.valueOf(Cursors.decode(cursor, k -> k.matches("[1-9][0-9]{0,18}")));
    List<NamespaceEvent> page;
    try {
      page = ns.events().newestFirst(before, limit + 1);
    } catch (IOException e) {
      throw UnavailableException.storage(id, "cannot read the audit trail: " + e.getMessage(), e);
    }
    if (page.size() <= limit) {
      return new EventPage(page, null);
    }
    List<NamespaceEvent> shown = page.subList(0, limit);
    return new EventPage(shown, Cursors.encode(Long.toString(shown.getLast().seq())));
  }

  /** The plans of this server: the built-in ones and those of its plans file. */
  public Plans plans() {
    return changes.plans();
  }

  /** Quota changes since start-up by cause (admin, override, plan, policy), for metrics. */
  public Map<ChangeCause, Long> quotaChanges() {
    return changes.counts();
  }

  public NamespaceStats stats(String id) {
    return Figures.stats(require(id));
  }

  public AggregateStats aggregateStats() {
    return aggregateStats(id -> true);
  }

  /** Totals over the namespaces whose id {@code include} accepts (cluster mode: those this server owns). */
  public AggregateStats aggregateStats(java.util.function.Predicate<String> include) {
    ensureOpen();
    long total = 0, active = 0, vectors = 0, requests = 0, bytes = 0;
    for (Namespace ns : registry.all()) {
      if (!include.test(ns.id)) {
        continue;
      }
      total++;
      if (ns.meta().status() == NamespaceStatus.ACTIVE) {
        active++;
      }
      NamespaceInfo info = Figures.info(ns);
      vectors += info.vectorCount();
      bytes += info.storageBytes();
      requests += ns.usage().totalRequests();
    }
    return new AggregateStats(total, active, vectors, requests, bytes);
  }

  /**
   * Starts merging away the namespace's deleted vectors in the background, unless a compaction of
   * it is already running; returns its state. Queries and writes go on meanwhile.
   */
  public Compaction compact(String id) {
    return compactions.start(require(id));
  }

  /** The last compaction of a namespace since start-up, or null. */
  public Compaction compaction(String id) {
    return require(id).compaction;
  }

  /** When a pending_deletion namespace will be deleted, or null if it is not pending deletion. */
  public Instant deletionDue(NamespaceMeta meta) {
    return maintenance.deletionDue(meta);
  }

  /** When the namespace {@code id} will be deleted, or null if it is not pending deletion. */
  public Instant deletionDue(String id) {
    return deletionDue(require(id).meta());
  }

  /** Namespace keys: create, list, revoke, authenticate. */
  public KeyRegistry keys() {
    ensureOpen();
    return registry.keys();
  }

  /** Snapshots, restore, export and the imports. */
  public NamespaceSnapshots snapshots() {
    ensureOpen();
    return snapshots;
  }

  // --- data ------------------------------------------------------------------------------------

  /**
   * Adds or replaces a batch of vectors, all or nothing. Returns the number of distinct ids
   * written. Admission: status, batch size, dimension, rate; then, under the namespace's write
   * lock, the vector and storage reservations, so concurrent writers never overshoot a quota.
   */
  public long upsert(String namespaceId, List<VectorRecord> batch) {
    ensureOpen();
    return data.upsert(namespaceId, batch);
  }

  public List<QueryHit> query(String namespaceId, SearchRequest request) {
    ensureOpen();
    return data.query(namespaceId, request);
  }

  public VectorRecord fetch(String namespaceId, String vectorId) {
    ensureOpen();
    return data.fetch(namespaceId, vectorId);
  }

  /** Deletes the given ids; unknown ids are ignored. Returns how many existed. */
  public long deleteVectors(String namespaceId, List<String> ids) {
    ensureOpen();
    return data.deleteVectors(namespaceId, ids);
  }

  /** Deletes one vector; not-found if it does not exist. */
  public void deleteVector(String namespaceId, String vectorId) {
    if (deleteVectors(namespaceId, List.of(vectorId)) == 0) {
      throw NotFoundException.vector(namespaceId, vectorId);
    }
  }

  /** Deletes every vector matching the filter. Returns how many. */
  public long deleteByFilter(String namespaceId, JsonNode filter) {
    ensureOpen();
    return data.deleteByFilter(namespaceId, filter);
  }

  /** The vectors with these ids that exist, in the order asked (1 to 1000 ids). */
  public List<VectorRecord> fetchMany(String namespaceId, List<String> ids) {
    ensureOpen();
    return data.fetchMany(namespaceId, ids);
  }

  /** A page of vector ids starting with {@code prefix} (null: any), in byte order, after {@code cursor}. */
  public IdPage listIds(String namespaceId, String prefix, int limit, String cursor) {
    ensureOpen();
    return data.listIds(namespaceId, prefix, limit, cursor);
  }

  /** A page of the vectors {@code filter} matches, in byte order of their ids, after {@code cursor}. */
  public RecordPage fetchByFilter(String namespaceId, JsonNode filter, int limit, String cursor) {
    ensureOpen();
    return data.fetchByFilter(namespaceId, filter, limit, cursor);
  }

  /**
   * Changes one vector: new values (null: kept) and metadata merged key by key (null: kept; a key
   * given null is removed). Returns the vector as written; not-found if it does not exist.
   */
  public VectorRecord update(String namespaceId, String vectorId, float[] values, ObjectNode metadata) {
    ensureOpen();
    return data.update(namespaceId, vectorId, values, metadata);
  }

  /** Merges {@code metadata} into every vector {@code filter} matches (or only counts them: dry run). */
  public UpdateCount updateByFilter(String namespaceId, JsonNode filter, ObjectNode metadata, boolean dryRun) {
    ensureOpen();
    return data.updateByFilter(namespaceId, filter, metadata, dryRun);
  }

  /** Deletes every vector of the namespace (the namespace itself stays). Returns how many. */
  public long deleteAll(String namespaceId) {
    ensureOpen();
    return data.deleteAll(namespaceId);
  }

  // --- usage -----------------------------------------------------------------------------------

  /** Usage figures of every namespace, for metrics; opens no namespace that is not open. */
  public List<NamespaceUsage> usage() {
    return usage.current();
  }

  /**
   * Daily usage of every namespace (deleted ones included) from {@code from} to {@code to}, UTC
   * days, both inclusive; today's figures are sampled first so they are current.
   */
  public List<DailyUsage> usageBetween(LocalDate from, LocalDate to, String prefix) {
    ensureOpen();
    return usage.between(from, to, prefix);
  }

  /** The ids of every namespace this server holds, sorted; in memory, opens nothing. */
  public List<String> ids() {
    ensureOpen();
    return registry.all().stream().map(ns -> ns.id).toList();
  }

  /** How many namespaces have their index open now. */
  public int openNamespaces() {
    return registry.openNamespaces();
  }

  /** Commits every open namespace, saves counters, stops the background threads. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    maintenance.stop();
    usage.sampleAll();
    IOException first = null;
    for (Namespace ns : registry.all()) {
      try {
        ns.close();
      } catch (IOException | RuntimeException e) {
        LOG.error("Closing namespace {} failed", ns.id, e);
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        }
      }
    }
    executors.stopIndexing();
    if (first != null) {
      throw first;
    }
  }

  private Namespace require(String id) {
    ensureOpen();
    return registry.require(id);
  }

  private void ensureOpen() {
    if (closed) {
      throw UnavailableException.shuttingDown();
    }
  }
}
