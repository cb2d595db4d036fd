package io.vecstore.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vecstore.cluster.ClaimResult;
import io.vecstore.cluster.ClusterNode;
import io.vecstore.cluster.Placement;
import io.vecstore.cluster.Route;
import io.vecstore.core.error.AlreadyExistsException;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.meta.NamespaceIds;
import io.vecstore.http.dto.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Creates and imports on a REST cluster node, after authentication: the new namespace is placed
 * first (on the least loaded node; an import of a local Lucene index on this node), then created
 * where it landed, by the handler here or forwarded to its owner. A placement claimed for a
 * request the handler here refuses as invalid is noted on the request ({@link #CLAIMED},
 * {@link #CLAIMED_ID}) so that {@link RestRouting#after} releases it again.
 *
 * <p>Thread-safe (no state of its own).
 */
final class RestPlacing {

  /** Request attribute: the epoch of the placement this request claimed here. */
  static final String CLAIMED = "vecstore.cluster.claimedEpoch";
  /** Request attribute: the id of the namespace this request claimed here. */
  static final String CLAIMED_ID = "vecstore.cluster.claimedId";

  private final OwnershipCheck check;
  private final RestForwarding forwarding;
  private final long maxBodyBytes;

  RestPlacing(OwnershipCheck check, RestForwarding forwarding, long maxBodyBytes) {
    this.check = check;
    this.forwarding = forwarding;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A create or import of {@code id}: claims its placement (on the least loaded node, or on this
   * one for a Lucene import of files here) and serves it where it landed. Returns whether it
   * answered; false lets the handler run here (also when the request is invalid: its 400).
   */
  boolean place(Context ctx, String id, boolean forwarded, boolean onThisNode) {
    return place(ctx, id, forwarded, onThisNode, null);
  }

  /** As above, asking for {@code replicationFactor} copies (null: the cluster's default). */
  boolean place(Context ctx, String id, boolean forwarded, boolean onThisNode, Integer replicationFactor) {
    if (id == null || !NamespaceIds.isValid(id)) {
      return false;
    }
    ClusterNode n = forwarding.joined();
    if (forwarded) {
      Route route = n.router().route(id);
      if (!(route instanceof Route.Local)) {
        route = forwarding.freshRoute(id); // the placement was made by the sender a moment ago
      }
      if (route instanceof Route.Local local) {
        check.routedAt(local.epoch());
        return false;
      }
      throw UnavailableException.notOwner(id, "it was placed on another node", 1);
    }
    ClaimResult claim = RoutingSteps.claim(n, id, onThisNode, replicationFactor);
    boolean claimedNow = claim instanceof ClaimResult.Claimed;
    Placement placement = RoutingSteps.placement(claim, id);
    if (placement.owner().equals(n.nodeId())) {
      check.routedAt(placement.epoch());
      if (claimedNow) {
        ctx.attribute(CLAIMED, placement.epoch());
        ctx.attribute(CLAIMED_ID, id);
      }
      return false; // created here (or 409 here, if it exists)
    }
    if (onThisNode) {
      throw new AlreadyExistsException(id); // its files are here, the namespace is elsewhere
    }
    Route route = n.router().route(id);
    if (route instanceof Route.Remote remote) {
      boolean answered = forwarding.forward(ctx, id, remote, -1);
      if (claimedNow && ctx.statusCode() / 100 == 4 && ctx.statusCode() != 409) {
        n.placements().release(id, placement.epoch()); // refused as invalid: nothing was created
      }
      return answered;
    }
    if (route instanceof Route.OwnerDown down) {
      throw UnavailableException.ownerDown(id, down.nodeId(), 5);
    }
    throw new AlreadyExistsException(id);
  }

  /** A create's JSON body as a tree, or null when it is none (the handler reports why). */
  JsonNode jsonBody(Context ctx) {
    byte[] body = RestForwarding.body(ctx, maxBodyBytes);
    try {
      return JsonCodec.MAPPER.readTree(body);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The {@code id} of a JSON body, or null for the handler to refuse. */
  static String idOf(JsonNode body) {
    return textOf(body, "id");
  }

  /** A text field of a JSON body, or null for the handler to refuse. */
  static String textOf(JsonNode body, String field) {
    JsonNode value = body == null ? null : body.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** The {@code replication_factor} of a create's body when it is a whole number, else null (the handler checks it). */
  static Integer replicationOf(JsonNode body) {
    JsonNode factor = body == null ? null : body.get("replication_factor");
    return factor != null && factor.isIntegralNumber() && factor.canConvertToInt() ? factor.intValue() : null;
  }

  /** {@code ?id=}, else the id in the archive's namespace.json (the whole body is read for it). */
  static String idOfImport(Context ctx) {
    String id = ctx.queryParam("id");
    if (id != null && !id.isEmpty()) {
      return id;
    }
    byte[] body = RestForwarding.body(ctx, -1);
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(body)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().equals("namespace.json")) {
          JsonNode meta = JsonCodec.MAPPER.readTree(tar.readAllBytes());
          return meta.path("id").isTextual() ? meta.get("id").asText() : null;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not an archive: the handler says so
    }
    return null;
  }
}
