package io.vecstore.cluster;

import java.util.function.UnaryOperator;

import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Placement of namespaces in {@code <root>/namespaces/<id>}: claims for new namespaces, and the
 * compare-and-set changes of an existing one. Every change is a ZooKeeper versioned write (create
 * fails if the znode exists; setData and delete carry the version read just before), so two
 * nodes racing on one namespace cannot both succeed. Each successful write is applied to this
 * node's view at once, before the cache hears of it.
 *
 * <p>Thread-safe. Owned by {@link ClusterNode}; do not close. Every method may throw
 * {@link ClusterUnavailableException} when ZooKeeper does not answer; then the write may or may
 * not have happened (read the placement again to know).
 */
public final class Placements {

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final ClusterState state;

  Placements(CuratorFramework client, ZkLayout layout, ClusterState state) {
    this.client = client;
    this.layout = layout;
    this.state = state;
  }

  /**
   * Places a new namespace on the live, non-leaving node with the least load: fewest vectors,
   * then fewest storage bytes (both as the nodes last published), then fewest namespaces (as
   * the placements say now); among nodes equal on all three, by a hash of the namespace and node
   * ids (rendezvous hashing). Creates the znode at epoch 1, owned.
   *
   * @throws ClusterUnavailableException no live node is known, or ZooKeeper did not answer
   */
  public ClaimResult claim(String namespaceId) {
    return claim(namespaceId, defaultReplicationFactor());
  }

  /**
   * As {@link #claim(String)}, asking for {@code replicationFactor} copies (the owner's included);
   * the leader assigns the other copies' nodes.
   *
   * @throws IllegalArgumentException the factor is below 1 or above the live nodes
   */
  public ClaimResult claim(String namespaceId, int replicationFactor) {
    Ids.requireNamespaceId(namespaceId);
    requireReplicationFactor(replicationFactor);
    Placement cached = state.placement(namespaceId);
    if (cached != null) {
      return new ClaimResult.AlreadyPlaced(cached);
    }
    return create(Placement.initial(namespaceId, leastLoadedNode(namespaceId), replicationFactor));
  }

  /** Two copies when at least two nodes are live, else one. */
  public int defaultReplicationFactor() {
    return Math.min(2, Math.max(1, state.nodes().size()));
  }

  /**
   * Checks a replication factor against the live nodes.
   *
   * @throws IllegalArgumentException naming the value and the bounds
   */
  public void requireReplicationFactor(int replicationFactor) {
    int max = Math.min(Placement.MAX_REPLICATION_FACTOR, Math.max(1, state.nodes().size()));
    if (replicationFactor < 1 || replicationFactor > max) {
      throw new IllegalArgumentException("replication_factor must be between 1 and " + max
          + " (at most the live nodes, " + state.nodes().size() + "), got: " + replicationFactor);
    }
  }

  /**
   * Changes a namespace's copies (factor, assigned replicas, in-sync set) while it is owned by
   * {@code owner} at {@code expectedEpoch}: reads, applies {@code change}, writes at the version
   * read, and tries again when only the copies changed in between (the leader assigns replicas,
   * the owner marks them in sync). A conflict when the owner or epoch changed.
   */
  public CasResult updateCopies(String namespaceId, String owner, long expectedEpoch, UnaryOperator<Placement> change) {
    for (int attempt = 0; ; attempt++) {
      StoredPlacement current = read(namespaceId);
      if (current == null || !current.placement().owner().equals(owner) || current.placement().epoch() != expectedEpoch) {
        return conflict(current);
      }
      Placement next = change.apply(current.placement());
      if (next.equals(current.placement())) {
        return new CasResult.Done(next);
      }
      CasResult result = write(current, next, "update copies");
      if (result instanceof CasResult.Done || attempt == 4) {
        return result;
      }
    }
  }

  /**
   * Places a new namespace on a given live node (its data can only be made there: an import of
   * files on that node, or namespaces found on its disk with no placement). Otherwise as
   * {@link #claim}.
   *
   * @throws IllegalArgumentException the node is not live
   */
  public ClaimResult claimOn(String namespaceId, String nodeId) {
    Ids.requireNamespaceId(namespaceId);
    Placement cached = state.placement(namespaceId);
    if (cached != null) {
      return new ClaimResult.AlreadyPlaced(cached);
    }
    if (state.node(nodeId) == null) {
      throw new IllegalArgumentException("nodeId must be a live node, got: " + Ids.quote(nodeId));
    }
    return create(Placement.initial(namespaceId, nodeId, 1));
  }

  /**
   * The placement read from ZooKeeper after a sync (one round trip; the cached view is updated
   * too), or null when the namespace is not placed.
   *
   * @throws ClusterUnavailableException ZooKeeper did not answer
   */
  public Placement current(String namespaceId) {
    StoredPlacement stored = readSynced(namespaceId);
    return stored == null ? null : stored.placement();
  }

  private ClaimResult create(Placement placement) {
    String namespaceId = placement.namespaceId();
    String path = layout.namespace(namespaceId);
    try {
      Stat stat = new Stat();
      ZkCall.run("claim " + namespaceId, () -> client.create().storingStatIn(stat)
          .creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, Json.placement(placement)));
      state.apply(new StoredPlacement(placement, stat.getVersion(), stat.getMzxid()));
      return new ClaimResult.Claimed(placement);
    } catch (KeeperException.NodeExistsException e) {
      return new ClaimResult.AlreadyPlaced(read(namespaceId) instanceof StoredPlacement s ? s.placement() : null);
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      throw new IllegalStateException("unexpected answer to a create of " + path, e);
    }
  }

  /**
   * Deletes the placement (the namespace was deleted) if its epoch is {@code expectedEpoch};
   * tries again when only its copies changed in between (a replica assigned or marked in sync
   * while the namespace was being deleted must not keep its placement alive).
   */
  public CasResult release(String namespaceId, long expectedEpoch) {
    for (int attempt = 0; ; attempt++) {
      StoredPlacement current = read(namespaceId);
      if (current == null || current.placement().epoch() != expectedEpoch) {
        return conflict(current);
      }
      try {
        ZkCall.run("release " + namespaceId, () -> client.delete().withVersion(current.version())
            .forPath(layout.namespace(namespaceId)));
        state.delete(namespaceId, current.modifiedZxid());
        return new CasResult.Done(current.placement());
      } catch (KeeperException.NoNodeException e) {
        return conflict(read(namespaceId));
      } catch (KeeperException.BadVersionException e) {
        if (attempt == 19) {
          return conflict(read(namespaceId));
        }
      } catch (KeeperException.NodeExistsException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Gives the namespace from {@code from} to {@code to}: allowed when the owner is {@code from}
   * at {@code expectedEpoch} (owned, or moving to {@code to}); writes owner {@code to}, epoch+1,
   * owned. This is the last step of a move, made by {@code from} itself once its writes are
   * sealed. To take a namespace from an owner that is not live, use {@link #reassign}.
   */
  public CasResult transfer(String namespaceId, String from, String to, long expectedEpoch) {
    return transfer(namespaceId, from, to, expectedEpoch, false);
  }

  /**
   * As {@link #transfer(String, String, String, long)}; with {@code fromStaysInSync}, {@code from}
   * becomes a replica in sync with {@code to} (its copy holds every record {@code to} holds, and
   * {@code to} is ready to ship it the next ones), the other replicas stay assigned out of sync.
   */
  public CasResult transfer(String namespaceId, String from, String to, long expectedEpoch, boolean fromStaysInSync) {
    Ids.requireNodeId("to", to);
    StoredPlacement current = read(namespaceId);
    if (current == null) {
      return conflict(null);
    }
    Placement p = current.placement();
    boolean expected = p.owner().equals(from) && p.epoch() == expectedEpoch && !to.equals(from)
        && (!p.isMoving() || p.target().equals(to));
    if (!expected) {
      // A retry after a lost answer finds its own write done: that is success, not a conflict.
      return p.owner().equals(to) && p.epoch() == expectedEpoch + 1 && !p.isMoving()
          ? new CasResult.Done(p) : conflict(current);
    }
    return write(current, fromStaysInSync ? p.transferredKeeping(to) : p.transferredTo(to), "transfer");
  }

  /**
   * Gives a namespace whose owner is <i>not live</i> to {@code to} (an operator's repair after a
   * node was lost for good; its data must be restored on {@code to} separately). One ZooKeeper
   * transaction checks that the owner has no node znode (it creates and deletes it) and writes
   * owner {@code to}, epoch+1, owned at the version read; so it fails with a conflict if the old
   * owner is live, and an old owner that comes back registers before it re-reads its placements
   * (see {@link WriteFence}), so it sees the new owner before it could write.
   */
  public CasResult reassign(String namespaceId, String to, long expectedEpoch) {
    Ids.requireNodeId("to", to);
    StoredPlacement current = read(namespaceId);
    if (current == null || current.placement().epoch() != expectedEpoch || current.placement().owner().equals(to)) {
      return conflict(current);
    }
    return takeOver(current, to);
  }

  /**
   * Failover: gives a namespace whose owner is not live to {@code to}, one of its in-sync
   * replicas (so it holds every acknowledged write), as {@link #reassign} does (same transaction,
   * same guarantee against a live owner); a move the dead owner was making is abandoned. A
   * conflict when {@code to} is not in sync at the version read.
   */
  public CasResult promote(String namespaceId, String to, long expectedEpoch) {
    Ids.requireNodeId("to", to);
    StoredPlacement current = read(namespaceId);
    if (current == null || current.placement().epoch() != expectedEpoch || !current.placement().inSync().contains(to)) {
      return conflict(current);
    }
    return takeOver(current, to);
  }

  /**
   * Failover of many namespaces of one dead owner at once: {@code promotions} maps each namespace
   * to the in-sync replica that takes it. One transaction per batch of up to 200 checks that the
   * owner's znode is absent and writes every placement at the version this node's cache holds
   * (each must still be owned by {@code deadOwner} and name its new owner in sync). Returns the
   * namespaces promoted; when a batch fails (a placement changed since the cache saw it), its
   * namespaces are promoted one by one ({@link #promote}).
   */
  public List<String> promoteAll(String deadOwner, Map<String, String> promotions) {
    List<String> done = new java.util.ArrayList<>();
    List<Map.Entry<String, String>> entries = new java.util.ArrayList<>(promotions.entrySet());
    for (int from = 0; from < entries.size(); from += 200) {
      List<Map.Entry<String, String>> batch = entries.subList(from, Math.min(entries.size(), from + 200));
      // First at the versions this node's cache holds; if one changed meanwhile, once more at
      // versions read now (a read each, no write), before falling back to one at a time.
      for (int attempt = 0; attempt < 2; attempt++) {
        List<StoredPlacement> current = new java.util.ArrayList<>();
        List<Placement> next = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : batch) {
          StoredPlacement seen = attempt == 0 ? state.stored(e.getKey()) : read(e.getKey());
          if (seen != null && seen.placement().owner().equals(deadOwner) && seen.placement().inSync().contains(e.getValue())) {
            current.add(seen);
            next.add(seen.placement().transferredTo(e.getValue()));
          }
        }
        if (current.isEmpty()) {
          break;
        }
        if (promoteBatch(deadOwner, current, next)) {
          next.forEach(p -> done.add(p.namespaceId()));
          batch = List.of();
          break;
        }
      }
      for (Map.Entry<String, String> e : batch) {
        StoredPlacement seen = state.stored(e.getKey());
        if (seen != null && promote(e.getKey(), e.getValue(), seen.placement().epoch()) instanceof CasResult.Done) {
          done.add(e.getKey());
        }
      }
    }
    return done;
  }

  private boolean promoteBatch(String deadOwner, List<StoredPlacement> current, List<Placement> next) {
    String ownerNode = layout.node(deadOwner);
    List<org.apache.curator.framework.api.transaction.CuratorOp> ops = new java.util.ArrayList<>();
    try {
      ops.add(client.transactionOp().create().forPath(ownerNode));
      ops.add(client.transactionOp().delete().forPath(ownerNode));
      for (int i = 0; i < current.size(); i++) {
        ops.add(client.transactionOp().setData().withVersion(current.get(i).version())
            .forPath(layout.namespace(next.get(i).namespaceId()), Json.placement(next.get(i))));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a failover transaction", e);
    }
    try {
      List<CuratorTransactionResult> results = ZkCall.run("promote " + next.size() + " namespaces of " + deadOwner,
          () -> client.transaction().forOperations(ops));
      for (int i = 0; i < next.size(); i++) {
        Stat stat = results.get(i + 2).getResultStat();
        state.apply(new StoredPlacement(next.get(i), stat.getVersion(), stat.getMzxid()));
      }
      return true;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return false;
    }
  }

  private CasResult takeOver(StoredPlacement current, String to) {
    String namespaceId = current.placement().namespaceId();
    Placement next = current.placement().transferredTo(to);
    String ownerNode = layout.node(current.placement().owner());
    try {
      List<CuratorTransactionResult> results = ZkCall.run("reassign " + namespaceId, () -> client.transaction().forOperations(
          client.transactionOp().create().forPath(ownerNode),
          client.transactionOp().delete().forPath(ownerNode),
          client.transactionOp().setData().withVersion(current.version())
              .forPath(layout.namespace(namespaceId), Json.placement(next))));
      Stat stat = results.get(2).getResultStat();
      state.apply(new StoredPlacement(next, stat.getVersion(), stat.getMzxid()));
      return new CasResult.Done(next);
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      return conflict(read(namespaceId));
    }
  }

  /**
   * Marks the namespace as moving to {@code target} (the leader's or a leaving node's request to
   * its owner); allowed when it is owned at {@code expectedEpoch} by a node other than the target.
   * The owner notices and runs the move through its {@link MoveExecutor}.
   */
  public CasResult markMoving(String namespaceId, String target, long expectedEpoch) {
    Ids.requireNodeId("target", target);
    StoredPlacement current = read(namespaceId);
    if (current == null || current.placement().isMoving() || current.placement().epoch() != expectedEpoch
        || current.placement().owner().equals(target)) {
      return conflict(current);
    }
    return write(current, current.placement().movingTo(target), "mark moving");
  }

  /** Ends a move that failed or was abandoned: back to owned, same owner and epoch. */
  public CasResult cancelMove(String namespaceId, long expectedEpoch) {
    StoredPlacement current = read(namespaceId);
    if (current == null || !current.placement().isMoving() || current.placement().epoch() != expectedEpoch) {
      return conflict(current);
    }
    return write(current, current.placement().settled(), "cancel move");
  }

  /** The placement as this node's cache has it (no ZooKeeper round trip), or null. */
  public Placement cached(String namespaceId) {
    return state.placement(namespaceId);
  }

  /** Like {@link #read}, after a sync: sees every write ZooKeeper had committed before the call. */
  StoredPlacement readSynced(String namespaceId) {
    try {
      ZkCall.run("sync " + namespaceId, () -> client.sync().forPath(layout.namespaces()));
    } catch (KeeperException e) {
      throw new IllegalStateException(e);
    }
    return read(namespaceId);
  }

  /** Reads the placement from ZooKeeper and applies it to the view (if newer); null if none. */
  StoredPlacement read(String namespaceId) {
    Ids.requireNamespaceId(namespaceId);
    String path = layout.namespace(namespaceId);
    try {
      Stat stat = new Stat();
      byte[] data = ZkCall.run("read " + namespaceId, () -> client.getData().storingStatIn(stat).forPath(path));
      StoredPlacement stored = new StoredPlacement(Json.placement(namespaceId, data), stat.getVersion(), stat.getMzxid());
      state.apply(stored);
      return stored;
    } catch (KeeperException.NoNodeException e) {
      return null;
    } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
      throw new IllegalStateException(e);
    }
  }

  private CasResult write(StoredPlacement current, Placement next, String what) {
    String id = next.namespaceId();
    try {
      Stat stat = ZkCall.run(what + " " + id, () -> client.setData().withVersion(current.version())
          .forPath(layout.namespace(id), Json.placement(next)));
      state.apply(new StoredPlacement(next, stat.getVersion(), stat.getMzxid()));
      return new CasResult.Done(next);
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
      StoredPlacement now = read(id);
      // Curator retries a write whose answer was lost; the retry then sees its own change.
      return now != null && now.placement().equals(next) ? new CasResult.Done(next) : conflict(now);
    } catch (KeeperException.NodeExistsException e) {
      throw new IllegalStateException(e);
    }
  }

  private String leastLoadedNode(String namespaceId) {
    NodeInfo node = state.leastLoaded(n -> !n.leaving(), Map.of());
    if (node == null) {
      throw new ClusterUnavailableException("cannot place namespace " + namespaceId + ": no live node is known", null);
    }
    // Among nodes that tie on every figure, pick by the namespace (rendezvous hashing): nodes
    // claiming at once see each other's newest claims a moment late, and a fixed order (the
    // smallest id) would then win most ties; a hash spreads them evenly and stays reproducible.
    Map<String, Integer> counts = state.ownedCounts();
    int count = counts.getOrDefault(node.nodeId(), 0);
    List<NodeInfo> tied = state.nodes().values().stream()
        .filter(n -> !n.leaving()
            && n.load().vectors() == node.load().vectors()
            && n.load().storageBytes() == node.load().storageBytes()
            && counts.getOrDefault(n.nodeId(), 0) == count)
        .toList();
    return tied.stream()
        .max(java.util.Comparator.comparingLong((NodeInfo n) -> rendezvous(namespaceId, n.nodeId())).thenComparing(NodeInfo::nodeId))
        .map(NodeInfo::nodeId)
        .orElse(node.nodeId());
  }

  /** A well-mixed 64-bit hash of the pair (FNV-1a, then a finalizer). */
  private static long rendezvous(String namespaceId, String nodeId) {
    long h = 0xcbf29ce484222325L;
    for (char c : (namespaceId + '\u0000' + nodeId).toCharArray()) {
      h = (h ^ c) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  private static CasResult conflict(StoredPlacement current) {
    return new CasResult.Conflict(current == null ? null : current.placement());
  }
}
