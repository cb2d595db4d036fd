package io.vecstore.server.cluster;

import io.vecstore.cluster.CasResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.ClusterUnavailableException;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.cluster.Placement;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.namespace.NamespaceMoves;
import io.vecstore.core.wal.WalRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of replication. Every write of a namespace this node owns is confirmed, after
 * it is durable here and before it is acknowledged, by each in-sync replica ({@link #confirm}: the
 * log records up to it shipped and durable there, see {@link Shipper}). A replica that does not
 * confirm within {@link Shipper#TIMEOUT}, or for which this node has no shipping state (it just
 * became the owner, or restarted), is first removed from the in-sync set in ZooKeeper, then the
 * write is acknowledged without it; if that removal cannot be written the write is refused
 * ({@code not_owner}, not acknowledged).
 *
 * <p>Replicas assigned by the leader but not in sync are built by {@link #sweep} (every second):
 * the namespace's copy streamed to the replica (snapshot archive), the log written since shipped
 * in rounds, then writes paused for the last records and the metadata, the replica marked in
 * sync, writes resumed. The copy's log hold stays with the new {@link Shipper}.
 *
 * <p>Thread-safe. Catch-ups run on two named daemon threads.
 */
final class ReplicaShipping implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaShipping.class);
  private static final int CATCH_UP_ROUNDS = 20;
  private static final long ROUND_BYTES = 8L << 20;
  private static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(5);
  private static final long FOLLOW_WAIT_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private final NamespaceManager manager;
  private final NodeClient client;
  private final Supplier<ClusterNode> node;
  private final Map<String, Shipper> shippers = new ConcurrentHashMap<>(); // key: namespace + '\0' + replica
  private final Set<String> catchingUp = ConcurrentHashMap.newKeySet();
  private final ExecutorService builders;

  ReplicaShipping(NamespaceManager manager, NodeClient client, Supplier<ClusterNode> node, String nodeId) {
    this.manager = manager;
    this.client = client;
    this.node = node;
    AtomicInteger n = new AtomicInteger();
    this.builders = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "vecstore-cluster-" + nodeId + "-replica-build-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Confirms the namespace's log up to {@code seq} on every in-sync replica (see the class comment). */
  void confirm(String namespaceId, long seq) {
    ClusterNode n = node.get();
    Placement p = n == null ? null : n.placements().cached(namespaceId);
    if (p == null || !p.owner().equals(n.nodeId()) || p.inSync().isEmpty()) {
      return; // unreplicated, or not ours: the ownership check after this refuses what it must
    }
    if (seq < 0) {
      return; // no index open (a delete, a settings change of a closed namespace): nothing logged to ship
    }
    for (String replica : p.inSync()) {
      Shipper shipper = shippers.get(key(namespaceId, replica));
      String failure;
      if (shipper == null || shipper.epoch != p.epoch()) {
        failure = "this node has no shipping state for it at epoch " + p.epoch();
      } else {
        try {
          shipper.ship(seq);
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = "interrupted";
        } catch (Exception e) {
          failure = e.toString();
        }
      }
      dropFromInSync(n, p, replica, failure);
    }
  }

  /** Removes {@code replica} from the in-sync set, or refuses the write when that cannot be recorded. */
  private void dropFromInSync(ClusterNode n, Placement p, String replica, String why) {
    CasResult result;
    try {
      result = n.placements().updateCopies(p.namespaceId(), p.owner(), p.epoch(), q -> q.withInSync(
          q.inSync().stream().filter(r -> !r.equals(replica)).toList()));
    } catch (ClusterUnavailableException e) {
      throw UnavailableException.notOwner(p.namespaceId(), "a replica did not confirm the write and ZooKeeper cannot "
          + "be told", 2);
    }
    if (!(result instanceof CasResult.Done)) {
      throw UnavailableException.notOwner(p.namespaceId(), "its ownership changed while a replica was dropped", 1);
    }
    Shipper gone = shippers.remove(key(p.namespaceId(), replica));
    if (gone != null) {
      gone.close();
    }
    LOG.warn("Namespace {}: replica {} dropped from the in-sync set ({}); it is rebuilt", p.namespaceId(), replica, why);
  }

  /** Starts building the replicas not in sync of the namespaces this node owns; ends shipping that is no longer ours. */
  void sweep() {
    ClusterNode n = node.get();
    if (n == null || !n.fence().isOpen()) {
      return;
    }
    Map<String, NodeInfo> live = n.liveNodes();
    for (Map.Entry<String, Shipper> e : shippers.entrySet()) {
      Shipper s = e.getValue();
      Placement p = n.placements().cached(s.namespaceId);
      boolean current = p != null && p.epoch() == s.epoch && p.owner().equals(n.nodeId()) && p.inSync().contains(s.replica);
      // A follower set up before a move's transfer waits for its epoch (a minute at most).
      boolean awaited = p != null && p.epoch() < s.epoch && System.nanoTime() - s.createdNanos < FOLLOW_WAIT_NANOS;
      if (!current && !awaited) {
        if (shippers.remove(e.getKey(), s)) {
          s.close();
        }
      }
    }
    shippers.values().forEach(Shipper::syncMeta); // settings changed without a logged write
    Set<String> local = new java.util.HashSet<>(manager.ids()); // once per sweep, not per namespace
    for (String id : n.view().namespacesOf(n.nodeId())) {
      Placement p = n.placements().cached(id);
      if (p == null || p.state() == Placement.State.MOVING || !local.contains(id)) {
        continue;
      }
      for (String replica : p.replicas()) {
        NodeInfo target = live.get(replica);
        if (!p.inSync().contains(replica) && target != null && catchingUp.add(key(id, replica))) {
          try {
            builders.execute(() -> build(p, target));
          } catch (RejectedExecutionException closing) {
            catchingUp.remove(key(id, replica));
          }
        }
      }
    }
  }

  /** Builds one replica's copy and marks it in sync (see the class comment). */
  private void build(Placement p, NodeInfo target) {
    String id = p.namespaceId();
    String replica = target.nodeId();
    long start = System.nanoTime();
    NamespaceMoves.Outgoing out;
    try {
      out = manager.moves().openOutgoing(id);
    } catch (RuntimeException e) {
      catchingUp.remove(key(id, replica));
      LOG.warn("Namespace {}: cannot copy it for replica {} (retried): {}", id, replica, e.toString());
      return;
    }
    boolean paused = false;
    boolean kept = false;
    try {
      if (!out.logged()) {
        LOG.warn("Namespace {}: no write-ahead log (durability 'none'), so no replica can follow it", id);
        return;
      }
      URI base = target.advertiseUrl();
      long seq = out.snapshot().walSeq();
      NamespaceMover.install(client, out, base, ReplicaRoutes.path(id, "?epoch=" + p.epoch() + "&seq=" + seq));
      String log = ReplicaRoutes.path(id, "/log?epoch=" + p.epoch() + "&after=");
      for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
        List<WalRecord> tail = out.logAfter(seq, ROUND_BYTES);
        if (tail.isEmpty()) {
          break;
        }
        seq = NamespaceMover.ship(client, base, log + seq, tail, Shipper.TIMEOUT.multipliedBy(10));
      }
      out.pauseWrites(DRAIN);
      paused = true;
      for (List<WalRecord> tail; !(tail = out.logAfter(seq, ROUND_BYTES)).isEmpty(); ) {
        seq = NamespaceMover.ship(client, base, log + seq, tail, Shipper.TIMEOUT.multipliedBy(10));
      }
      out.confirmed(seq);
      Object meta = out.meta();
      Shipper.putMeta(client, base, id, p.epoch(), out.metaAsIs());
      // Marked in sync first, then registered, both while writes are paused: no write can find the
      // replica in sync without its shipper, and the sweep never sees a shipper not yet in sync.
      CasResult marked = node.get().placements().updateCopies(id, p.owner(), p.epoch(),
          q -> q.replicas().contains(replica) ? q.withInSync(withAdded(q.inSync(), replica)) : q);
      if (!(marked instanceof CasResult.Done done) || !done.placement().inSync().contains(replica)) {
        LOG.info("Namespace {}: replica {} built but no longer wanted ({})", id, replica, marked);
        return;
      }
      Shipper previous = shippers.put(key(id, replica), new Shipper(id, replica, p.epoch(), base, out, client, seq, meta));
      kept = true;
      if (previous != null) {
        previous.close();
      }
      LOG.info("Namespace {}: replica {} in sync (built in {} ms, log to seq {})", id, replica,
          (System.nanoTime() - start) / 1_000_000, seq);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("Namespace {}: building replica {} failed (retried): {}", id, replica, e.toString());
    } finally {
      if (paused) {
        out.resumeWrites();
      }
      if (!kept) {
        out.close();
      }
      catchingUp.remove(key(id, replica));
    }
  }

  /**
   * The end of a move to this node, before the transfer: the node the namespace comes from keeps
   * its copy as a replica in sync with this one, whose log holds the same records in the same
   * numbering up to {@code after}. From the transfer on (ownership at {@code epoch}), writes here
   * are shipped to it from {@code after} on.
   *
   * @throws IllegalStateException this copy's log does not end at {@code after}
   */
  void follow(String namespaceId, NodeInfo replica, long epoch, long after) {
    NamespaceMoves.Outgoing out = manager.moves().openFollowing(namespaceId);
    if (!out.logged() || out.lastLoggedSeq() != after) {
      long last = out.lastLoggedSeq();
      out.close();
      throw new IllegalStateException("namespace " + namespaceId + ": the copy here ends at log record " + last + ", not "
          + after);
    }
    Shipper previous = shippers.put(key(namespaceId, replica.nodeId()),
        new Shipper(namespaceId, replica.nodeId(), epoch, replica.advertiseUrl(), out, client, after, out.meta()));
    if (previous != null) {
      previous.close();
    }
  }

  /** Records the primary has not yet seen confirmed, per in-sync replica it ships to. */
  Map<String, Long> lag(String namespaceId) {
    Map<String, Long> lag = new java.util.TreeMap<>();
    shippers.values().stream().filter(s -> s.namespaceId.equals(namespaceId)).forEach(s -> lag.put(s.replica, s.lag()));
    return lag;
  }

  private static List<String> withAdded(List<String> list, String item) {
    List<String> out = new ArrayList<>(list);
    if (!out.contains(item)) {
      out.add(item);
    }
    return out;
  }

  private static String key(String namespaceId, String replica) {
    return namespaceId + '\u0000' + replica;
  }

  @Override
  public void close() {
    builders.shutdownNow();
    shippers.values().forEach(Shipper::close);
    shippers.clear();
  }
}
