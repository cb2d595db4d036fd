package io.vecstore.server.cluster;

import io.vecstore.core.namespace.NamespaceMoves;
import io.vecstore.core.wal.WalRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Ships one namespace's log to one in-sync replica, from the primary: {@link #ship} sends every
 * record after the last one the replica confirmed, up to at least the given sequence number, and
 * returns once the replica has them durable. Writers of the namespace call it concurrently; one
 * sends at a time and the others find their records already sent with it (group shipping).
 * Metadata changes (quotas, status, keys) travel before the next records.
 *
 * <p>Thread-safe. Closing releases the log the replica no longer needs.
 */
final class Shipper implements AutoCloseable {

  /** How long a replica may take to confirm before it is dropped from the in-sync set. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final long BATCH_BYTES = 4L << 20;

  final String namespaceId;
  final String replica;
  final long epoch;
  final long createdNanos = System.nanoTime();
  private final URI base;
  private final NamespaceMoves.Outgoing source;
  private final NodeClient client;
  private long confirmed; // guarded by this
  private Object metaShipped; // guarded by this
  private volatile boolean closed;

  Shipper(String namespaceId, String replica, long epoch, URI base, NamespaceMoves.Outgoing source, NodeClient client,
      long confirmed, Object metaShipped) {
    this.namespaceId = namespaceId;
    this.replica = replica;
    this.epoch = epoch;
    this.base = base;
    this.source = source;
    this.client = client;
    this.confirmed = confirmed;
    this.metaShipped = metaShipped;
  }

  /** Ships until the replica confirmed {@code seq}. Throws when it cannot (the caller drops the replica). */
  synchronized void ship(long seq) throws IOException, InterruptedException {
    if (closed) {
      throw new IOException("shipping to " + replica + " has ended");
    }
    shipMetaIfChanged();
    while (confirmed < seq) {
      List<WalRecord> records = source.logAfter(confirmed, BATCH_BYTES);
      if (records.isEmpty()) {
        throw new IOException("the log holds nothing after " + confirmed + " though " + seq + " was written");
      }
      confirmed = NamespaceMover.ship(client, base, ReplicaRoutes.path(namespaceId, "/log?epoch=" + epoch + "&after=" + confirmed),
          records, TIMEOUT);
      source.confirmed(confirmed);
    }
  }

  /**
   * Ships the metadata if it changed since the last shipment (a settings change that logged
   * nothing); a failure is left to the next write, which drops the replica if it persists.
   */
  synchronized void syncMeta() {
    if (closed) {
      return;
    }
    try {
      shipMetaIfChanged();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LoggerFactory.getLogger(Shipper.class).debug("Namespace {}: settings not shipped to {} yet: {}", namespaceId, replica,
          e.toString());
    }
  }

  /** The records written here and not yet confirmed by the replica. */
  long lag() {
    long last = source.lastLoggedSeq();
    synchronized (this) {
      return Math.max(0, last - confirmed);
    }
  }

  private void shipMetaIfChanged() throws IOException, InterruptedException {
    Object meta = source.meta();
    if (meta != metaShipped) {
      putMeta(client, base, namespaceId, epoch, source.metaAsIs());
      metaShipped = meta;
    }
  }

  /** Sends the primary's namespace.json to a replica. */
  static void putMeta(NodeClient client, URI base, String namespaceId, long epoch, byte[] json)
      throws IOException, InterruptedException {
    NamespaceMover.expect(client.send(client.request(base, ReplicaRoutes.path(namespaceId, "/meta?epoch=" + epoch), TIMEOUT)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(json)).header("Content-Type", "application/json").build()), 200, "meta");
  }

  @Override
  public void close() {
    closed = true;
    source.close();
  }
}
