package io.vecstore.cluster;

import java.util.HashSet;
import java.util.List;

/**
 * Where a namespace lives: its owner node (the primary), the ownership epoch, whether it is being
 * moved, and its copies on other nodes. Stored as JSON in the persistent znode
 * {@code <root>/namespaces/<id>}. The epoch starts at 1 and grows by one with every change of
 * owner; a node acknowledges a write only while it holds the current epoch (see
 * {@link WriteFence}).
 *
 * <p>Replication: the namespace wants {@code replicationFactor} copies, the owner's included.
 * {@code replicas} are the other nodes assigned a copy (by the leader); {@code inSync} those of
 * them that hold every acknowledged write (the owner adds a replica once it caught up and removes
 * it, before acknowledging anything more, when it fails to confirm a write). Only an in-sync
 * replica may be promoted when the owner's node is gone.
 *
 * <p>Immutable and thread-safe.
 *
 * @param target the node it is moving to while {@code state} is {@link State#MOVING}, else null
 * @param replicas other nodes assigned a copy, in the order assigned; never the owner
 * @param inSync the replicas that hold every acknowledged write; a subset of {@code replicas}
 */
public record Placement(String namespaceId, String owner, long epoch, State state, String target,
    int replicationFactor, List<String> replicas, List<String> inSync) {

  /** The most copies a namespace may ask for. */
  public static final int MAX_REPLICATION_FACTOR = 5;

  /** Whether the namespace is settled on its owner or on its way to {@code target}. */
  public enum State {
    OWNED("owned"),
    MOVING("moving");

    private final String json;

    State(String json) {
      this.json = json;
    }

    /** The word stored in the znode. */
    public String json() {
      return json;
    }

    static State fromJson(String word) {
      for (State state : values()) {
        if (state.json.equals(word)) {
          return state;
        }
      }
      throw new IllegalArgumentException("placement state must be owned or moving, got: " + Ids.quote(word));
    }
  }

  public Placement {
    Ids.requireNamespaceId(namespaceId);
    Ids.requireNodeId("owner", owner);
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, got: " + epoch);
    }
    if (state == null) {
      throw new IllegalArgumentException("state must not be null, got: null (namespace " + namespaceId + ")");
    }
    if (state == State.MOVING) {
      Ids.requireNodeId("target", target);
      if (target.equals(owner)) {
        throw new IllegalArgumentException("target must differ from owner, got: " + Ids.quote(target));
      }
    } else if (target != null) {
      throw new IllegalArgumentException("target must be null unless moving, got: " + Ids.quote(target));
    }
    if (replicationFactor < 1 || replicationFactor > MAX_REPLICATION_FACTOR) {
      throw new IllegalArgumentException("replication_factor must be between 1 and " + MAX_REPLICATION_FACTOR + ", got: "
          + replicationFactor);
    }
    replicas = List.copyOf(replicas);
    inSync = List.copyOf(inSync);
    for (String r : replicas) {
      Ids.requireNodeId("replica", r);
      if (r.equals(owner)) {
        throw new IllegalArgumentException("replicas must not include the owner, got: " + Ids.quote(r));
      }
    }
    if (new HashSet<>(replicas).size() != replicas.size()) {
      throw new IllegalArgumentException("replicas must be distinct, got: " + replicas);
    }
    if (!replicas.containsAll(inSync) || new HashSet<>(inSync).size() != inSync.size()) {
      throw new IllegalArgumentException("in_sync must be distinct replicas, got: " + inSync + " of " + replicas);
    }
  }

  /** An unreplicated placement (one copy). */
  public Placement(String namespaceId, String owner, long epoch, State state, String target) {
    this(namespaceId, owner, epoch, state, target, 1, List.of(), List.of());
  }

  /** A new namespace's placement: owned by {@code owner} at epoch 1. */
  static Placement initial(String namespaceId, String owner, int replicationFactor) {
    return new Placement(namespaceId, owner, 1, State.OWNED, null, replicationFactor, List.of(), List.of());
  }

  Placement movingTo(String newTarget) {
    return new Placement(namespaceId, owner, epoch, State.MOVING, newTarget, replicationFactor, replicas, inSync);
  }

  Placement settled() {
    return new Placement(namespaceId, owner, epoch, State.OWNED, null, replicationFactor, replicas, inSync);
  }

  /**
   * Owned by {@code newOwner} at the next epoch. The other replicas stay assigned but none is in
   * sync with the new owner yet (it ships to them only once they caught up with its copy).
   */
  Placement transferredTo(String newOwner) {
    List<String> others = replicas.stream().filter(r -> !r.equals(newOwner)).toList();
    return new Placement(namespaceId, newOwner, epoch + 1, State.OWNED, null, replicationFactor, others, List.of());
  }

  /**
   * Owned by {@code newOwner} at the next epoch, the old owner kept as the one replica in sync
   * (the end of a move whose source keeps its copy); the other replicas stay assigned, out of
   * sync, within the factor.
   */
  Placement transferredKeeping(String newOwner) {
    List<String> next = new java.util.ArrayList<>();
    next.add(owner);
    replicas.stream().filter(r -> !r.equals(newOwner) && !r.equals(owner)).forEach(next::add);
    List<String> kept = next.subList(0, Math.min(next.size(), replicationFactor - 1));
    return new Placement(namespaceId, newOwner, epoch + 1, State.OWNED, null, replicationFactor, kept, List.of(owner));
  }

  /** The same ownership with other copies. */
  public Placement withCopies(int factor, List<String> newReplicas, List<String> newInSync) {
    return new Placement(namespaceId, owner, epoch, state, target, factor, newReplicas, newInSync);
  }

  /** The same placement with another in-sync set (a subset of the replicas). */
  public Placement withInSync(List<String> newInSync) {
    return withCopies(replicationFactor, replicas, newInSync);
  }

  /** Whether {@code nodeId} is assigned a copy other than the owner's. */
  public boolean isReplica(String nodeId) {
    return replicas.contains(nodeId);
  }

  boolean isMoving() {
    return state == State.MOVING;
  }
}
