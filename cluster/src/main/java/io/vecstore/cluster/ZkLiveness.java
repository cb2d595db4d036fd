package io.vecstore.cluster;

import java.util.function.BooleanSupplier;
import org.apache.curator.CuratorZookeeperClient;
import org.apache.zookeeper.ZooKeeper;

/**
 * Whether the ZooKeeper session is connected right now, read from the ZooKeeper handle itself:
 * its state changes on the client's I/O thread the moment the connection drops or the session
 * is declared expired, before Curator's connection events are delivered. The handle is re-read
 * after every (re)connection, before the fence reopens. Thread-safe (volatile reads).
 */
final class ZkLiveness implements BooleanSupplier {

  private final CuratorZookeeperClient client;
  private volatile ZooKeeper handle;

  ZkLiveness(CuratorZookeeperClient client) {
    this.client = client;
  }

  /** Takes the current handle; call on (re)connection only (Curator's getter has side effects). */
  void refresh() throws Exception {
    handle = client.getZooKeeper();
  }

  @Override
  public boolean getAsBoolean() {
    ZooKeeper current = handle;
    // A read-only server (CONNECTEDREADONLY) takes no writes: that counts as not connected.
    return current != null && current.getState() == ZooKeeper.States.CONNECTED && client.isConnected();
  }
}
