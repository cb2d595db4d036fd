package io.vecstore.cluster;

/**
 * Where a namespace lives: its owner node, the ownership epoch, and whether it is being moved.
 * Stored as JSON in the persistent znode {@code <root>/namespaces/<id>}. The epoch starts at 1
 * and grows by one with every change of owner; a node acknowledges a write only while it holds
 * the current epoch (see {@link WriteFence}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param target the node it is moving to while {@code state} is {@link State#MOVING}, else null
 */
public record Placement(String namespaceId, String owner, long epoch, State state, String target) {

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
  }

  /** A new namespace's placement: owned by {@code owner} at epoch 1. */
  static Placement initial(String namespaceId, String owner) {
    return new Placement(namespaceId, owner, 1, State.OWNED, null);
  }

  Placement movingTo(String newTarget) {
    return new Placement(namespaceId, owner, epoch, State.MOVING, newTarget);
  }

  Placement settled() {
    return new Placement(namespaceId, owner, epoch, State.OWNED, null);
  }

  Placement transferredTo(String newOwner) {
    return new Placement(namespaceId, newOwner, epoch + 1, State.OWNED, null);
  }

  boolean isMoving() {
    return state == State.MOVING;
  }
}
