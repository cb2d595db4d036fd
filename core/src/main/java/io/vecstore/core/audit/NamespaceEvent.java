package io.vecstore.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a namespace's audit trail.
 *
 * @param seq its number in the namespace's trail, from 1, one more per event
 * @param at when the change was made
 * @param oldValue the value before (for quotas: only the fields that changed), JSON null if none
 * @param newValue the value after, in the same shape
 * @param override whether the change passed a plan's ceiling by the admin's override
 * @param reason why the server made it (a policy's trigger), or null
 */
public record NamespaceEvent(long seq, Instant at, Actor actor, EventType type, JsonNode oldValue, JsonNode newValue,
    boolean override, String reason) {

  public NamespaceEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(type, "type");
    oldValue = oldValue == null ? JsonNodeFactory.instance.nullNode() : oldValue.deepCopy();
    newValue = newValue == null ? JsonNodeFactory.instance.nullNode() : newValue.deepCopy();
  }

  /** A change yet to be numbered and timed: what {@code Namespace} appends to the trail with its metadata. */
  public record Draft(Actor actor, EventType type, JsonNode oldValue, JsonNode newValue, boolean override, String reason,
      ChangeCause cause) {

    public Draft {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(type, "type");
    }

    public NamespaceEvent at(long seq, Instant at) {
      return new NamespaceEvent(seq, at, actor, type, oldValue, newValue, override, reason);
    }
  }

  /** {@code {"seq", "at", "actor", "type", "old", "new", "override", "reason"}}: in events.jsonl and in responses alike. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("seq", seq);
    n.put("at", at.toString());
    n.put("actor", actor.wireName());
    n.put("type", type.wireName());
    n.set("old", oldValue.deepCopy());
    n.set("new", newValue.deepCopy());
    n.put("override", override);
    n.put("reason", reason);
    return n;
  }

  /** An event as {@link #toJson()} wrote it; a missing or bad field is a RuntimeException. */
  public static NamespaceEvent fromJson(JsonNode n) {
    JsonNode reason = n.get("reason");
    return new NamespaceEvent(n.get("seq").asLong(), Instant.parse(n.get("at").asText()), Actor.parse(n.get("actor").asText()),
        EventType.parse(n.get("type").asText()), n.get("old"), n.get("new"), n.path("override").asBoolean(false),
        reason == null || reason.isNull() ? null : reason.asText());
  }
}
