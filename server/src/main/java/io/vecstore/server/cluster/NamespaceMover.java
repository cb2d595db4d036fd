package io.vecstore.server.cluster;

import io.vecstore.cluster.MoveExecutor;
import io.vecstore.cluster.NodeInfo;
import io.vecstore.core.meta.Usage;
import io.vecstore.core.namespace.NamespaceManager;
import io.vecstore.core.namespace.NamespaceMoves;
import io.vecstore.core.wal.WalFrames;
import io.vecstore.core.wal.WalRecord;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one namespace to another node (the cluster module's {@link MoveExecutor}, called on its
 * move thread): the snapshot copy streamed to the target's internal install route while writes go
 * on, the log written since shipped in rounds until it is short, then writes paused (running ones
 * finish, new ones wait), the last of the log and the namespace.json shipped, and the call returns
 * with writes still paused. After the ownership changed hands, {@link #moveFinished} hands the
 * local copy off (waiting writes are refused with {@code not_owner} and answered by the new owner,
 * see the routing) and tells the target what was counted here meanwhile; else it resumes them.
 *
 * <p>With durability {@code none} there is no log: writes are paused for the whole copy.
 *
 * <p>Thread-safe (one move per namespace at a time, as the cluster module runs them).
 */
final class NamespaceMover implements MoveExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceMover.class);
  /** Log rounds shipped while writes go on, at most, before pausing them. */
  private static final int CATCH_UP_ROUNDS = 8;
  /** A tail this small is shipped with writes paused: it takes a few milliseconds. */
  private static final int SHORT_TAIL_RECORDS = 64;
  private static final long ROUND_BYTES = 8L << 20;
  private static final Duration DRAIN = Duration.ofSeconds(2);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(30);

  /** A move between {@link #move} and {@link #moveFinished}. */
  private record InFlight(NamespaceMoves.Outgoing outgoing, Usage shippedUsage, long startNanos) {}

  private final NamespaceManager manager;
  private final NodeClient client;
  private final ClusterMetrics metrics;
  private final Consumer<String> handedOff;
  private final Map<String, InFlight> moves = new ConcurrentHashMap<>();

  private final java.util.function.Supplier<io.vecstore.cluster.ClusterNode> node;
  private final ReplicaRoutes replicaRoutes;
  private final Map<String, Long> keptAt = new ConcurrentHashMap<>(); // copies that stay as replicas: the log end

  /**
   * @param handedOff told each namespace whose local copy was handed off (dropped later)
   * @param replicaRoutes where a copy kept as the new owner's replica expects its records
   */
  NamespaceMover(NamespaceManager manager, NodeClient client, ClusterMetrics metrics, Consumer<String> handedOff,
      java.util.function.Supplier<io.vecstore.cluster.ClusterNode> node, ReplicaRoutes replicaRoutes) {
    this.manager = manager;
    this.client = client;
    this.metrics = metrics;
    this.handedOff = handedOff;
    this.node = node;
    this.replicaRoutes = replicaRoutes;
  }

  /**
   * A replicated namespace's copy here stays as the new owner's replica in sync: the target, whose
   * copy ends at the same log record, is told to ship this node what comes after it.
   */
  @Override
  public boolean staysInSync(String namespaceId, NodeInfo target, long epoch) throws IOException, InterruptedException {
    InFlight move = moves.get(namespaceId);
    if (move == null || !move.outgoing().logged()) {
      return false;
    }
    long after = move.outgoing().lastLoggedSeq();
    String self = node.get().nodeId();
    replicaRoutes.expect(namespaceId, epoch + 1, after);
    HttpResponse<byte[]> answer;
    try {
      // Unreachable now: the move is abandoned rather than given to a node that may be gone.
      answer = client.send(client.request(target.advertiseUrl(), InternalRoutes.PREFIX + "namespaces/" + namespaceId
          + "/follow?replica=" + self + "&epoch=" + (epoch + 1) + "&after=" + after, CALL_TIMEOUT)
          .POST(HttpRequest.BodyPublishers.noBody()).build());
    } catch (IOException | InterruptedException | RuntimeException e) {
      replicaRoutes.forget(namespaceId);
      throw e;
    }
    if (answer.statusCode() != 200) {
      replicaRoutes.forget(namespaceId);
      LOG.info("Namespace {}: this copy does not stay as a replica of {} ({} {}); the new owner builds its replicas",
          namespaceId, target.nodeId(), answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
      return false;
    }
    keptAt.put(namespaceId, after);
    return true;
  }

  @Override
  public void move(String namespaceId, NodeInfo target, long epoch) throws Exception {
    long start = System.nanoTime();
    NamespaceMoves.Outgoing out = manager.moves().openOutgoing(namespaceId);
    boolean paused = false;
    try {
      URI base = target.advertiseUrl();
      String path = InternalRoutes.PREFIX + "namespaces/" + namespaceId;
      if (!out.logged()) {
        out.pauseWrites(DRAIN); // no log to catch up from: writes wait for the whole copy
        paused = true;
      }
      install(client, out, base, path);
      long seq = out.snapshot().walSeq();
      if (out.logged()) {
        for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
          List<WalRecord> tail = out.logAfter(seq, ROUND_BYTES);
          if (tail.isEmpty()) {
            break;
          }
          seq = ship(client, base, path + "/log", tail, CALL_TIMEOUT);
          if (tail.size() < SHORT_TAIL_RECORDS) {
            break;
          }
        }
        out.pauseWrites(DRAIN);
        paused = true;
        for (List<WalRecord> tail; !(tail = out.logAfter(seq, ROUND_BYTES)).isEmpty(); ) {
          seq = ship(client, base, path + "/log", tail, CALL_TIMEOUT);
        }
      }
      byte[] meta = out.metaJson();
      Usage shipped = out.usage();
      expect(client.send(client.request(base, path + "/meta", CALL_TIMEOUT)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(meta)).header("Content-Type", "application/json").build()), 200, "meta");
      moves.put(namespaceId, new InFlight(out, shipped, start));
      LOG.info("Namespace {} copied to {} ({} vectors in the copy, log to seq {}); writes paused for the hand-over",
          namespaceId, target.nodeId(), out.snapshot().vectorCount(), seq);
    } catch (Exception | Error e) {
      if (paused) {
        out.resumeWrites();
      }
      out.close();
      dropTargetCopy(namespaceId, target);
      metrics.moveEnded(false, System.nanoTime() - start);
      throw e;
    }
  }

  @Override
  public void moveFinished(String namespaceId, NodeInfo target, boolean transferred) {
    InFlight move = moves.remove(namespaceId);
    if (move == null) {
      return;
    }
    NamespaceMoves.Outgoing out = move.outgoing();
    try {
      Long kept = keptAt.remove(namespaceId);
      if (transferred && kept != null && keptAsReplica(namespaceId)) {
        out.handOff(); // client writes refused here; the new owner's records still arrive
        manager.moves().becomeReplica(namespaceId);
        activate(namespaceId, target, lateUsage(out, move));
        LOG.info("Namespace {} now lives on {} (move took {} ms); this node keeps a replica in sync (log at {})",
            namespaceId, target.nodeId(), (System.nanoTime() - move.startNanos()) / 1_000_000, kept);
      } else if (transferred) {
        replicaRoutes.forget(namespaceId);
        out.handOff();
        activate(namespaceId, target, lateUsage(out, move));
        handedOff.accept(namespaceId);
        LOG.info("Namespace {} now lives on {} (move took {} ms)", namespaceId, target.nodeId(),
            (System.nanoTime() - move.startNanos()) / 1_000_000);
      } else {
        replicaRoutes.forget(namespaceId);
        out.resumeWrites();
        dropTargetCopy(namespaceId, target);
      }
    } catch (RuntimeException e) {
      LOG.warn("Finishing the move of {} to {}: {}", namespaceId, target.nodeId(), e.toString());
    } finally {
      out.close();
      metrics.moveEnded(transferred, System.nanoTime() - move.startNanos());
    }
  }

  /** Requests the source counted after its namespace.json was shipped (billed on the target). */
  private static Usage lateUsage(NamespaceMoves.Outgoing out, InFlight move) {
    Usage now = out.usage();
    return new Usage(now.totalRequests() - move.shippedUsage().totalRequests(),
        now.totalQueries() - move.shippedUsage().totalQueries(), now.totalUpserts() - move.shippedUsage().totalUpserts(),
        now.totalDeletes() - move.shippedUsage().totalDeletes());
  }

  /** Whether the transfer kept this node as a replica in sync (not when the node is leaving). */
  private boolean keptAsReplica(String namespaceId) {
    io.vecstore.cluster.ClusterNode n = node.get();
    io.vecstore.cluster.Placement p = n == null ? null : n.placements().cached(namespaceId);
    return p != null && p.inSync().contains(n.nodeId());
  }

  /**
   * Streams the archive to a node's install route {@code path} (a pipe: nothing is staged on disk
   * twice); expects 201. Also builds replicas' copies.
   */
  static void install(NodeClient client, NamespaceMoves.Outgoing out, URI base, String path) throws Exception {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    AtomicReference<Exception> writeFailure = new AtomicReference<>();
    Thread writer = Thread.ofPlatform().daemon().name("vecstore-cluster-move-archive").start(() -> {
      try (pipe) {
        out.writeArchive(pipe);
      } catch (IOException | RuntimeException e) {
        writeFailure.set(e);
      }
    });
    try {
      HttpResponse<byte[]> response = client.send(client.request(base, path, INSTALL_TIMEOUT)
          .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> in)).header("Content-Type", "application/gzip").build());
      writer.join();
      if (writeFailure.get() != null) {
        throw writeFailure.get();
      }
      expect(response, 201, "install");
    } finally {
      in.close(); // a writer still blocked on a full pipe fails and ends
      writer.join(10_000);
    }
  }

  /** Posts log records to a node's log route {@code path}; expects 200. Returns the last record's seq. */
  static long ship(NodeClient client, URI base, String path, List<WalRecord> tail, Duration timeout)
      throws IOException, InterruptedException {
    expect(client.send(client.request(base, path, timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(WalFrames.encode(tail)))
        .header("Content-Type", "application/octet-stream").build()), 200, "log");
    return tail.getLast().seq();
  }

  private void activate(String namespaceId, NodeInfo target, Usage late) {
    String body = "{\"requests\":" + late.totalRequests() + ",\"queries\":" + late.totalQueries()
        + ",\"upserts\":" + late.totalUpserts() + ",\"deletes\":" + late.totalDeletes() + "}";
    try {
      expect(client.send(client.request(target.advertiseUrl(), InternalRoutes.PREFIX + "namespaces/" + namespaceId
          + "/activate", CALL_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json").build()), 200, "activate");
    } catch (IOException | RuntimeException e) {
      // The target activates it by itself once it sees it owns it; only the late counts are lost.
      LOG.warn("Telling {} that {} is its own failed ({}); {} late requests not counted there",
          target.nodeId(), namespaceId, e.getMessage(), late.totalRequests());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void dropTargetCopy(String namespaceId, NodeInfo target) {
    try {
      client.send(client.request(target.advertiseUrl(), InternalRoutes.PREFIX + "namespaces/" + namespaceId, CALL_TIMEOUT)
          .DELETE().build());
    } catch (IOException | RuntimeException e) {
      LOG.debug("Dropping the copy of {} on {} failed ({}); it drops it itself later", namespaceId, target.nodeId(),
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void expect(HttpResponse<byte[]> response, int status, String step) throws IOException {
    if (response.statusCode() != status) {
      throw new IOException("copy step '" + step + "' answered " + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
  }
}
