package io.vecstore.cluster;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * This node's two ephemeral znodes, {@code nodes/<id>} (who and what load) and {@code loads/<id>}
 * (per-namespace sizes), kept by Curator's PersistentNode recipe so they come back after a
 * session is lost and a new one made. Publishes only what changed. Thread-safe (synchronized).
 */
final class Membership implements Closeable {

  private final CuratorFramework client;
  private final ZkLayout layout;
  private final Duration sessionTimeout;
  private final Duration connectionTimeout;
  private NodeInfo self;
  private byte[] loadsJson;
  private PersistentNode nodeZnode;
  private PersistentNode loadsZnode;

  Membership(CuratorFramework client, ZkLayout layout, NodeInfo self, Duration sessionTimeout, Duration connectionTimeout) {
    this.client = client;
    this.layout = layout;
    this.self = self;
    this.sessionTimeout = sessionTimeout;
    this.connectionTimeout = connectionTimeout;
  }

  /**
   * Creates the node's znode, refusing when another live session holds the id. A crashed
   * earlier run of this node holds it until its session expires, so that long is waited first.
   */
  synchronized void register(Map<String, NamespaceLoad> loads) throws Exception {
    String path = layout.node(self.nodeId());
    self = self.withLoad(Load.of(loads));
    loadsJson = Json.loads(loads);
    long deadline = System.nanoTime() + sessionTimeout.plusSeconds(1).toNanos();
    while (true) {
      try {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, Json.node(self));
        break;
      } catch (KeeperException.NodeExistsException e) {
        Stat stat = new Stat();
        byte[] data;
        try {
          data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException gone) {
          continue;
        }
        if (stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId()) {
          break; // our own create, retried by Curator after a lost answer
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("node id '" + self.nodeId() + "' is already live in the cluster ("
              + path + " = " + new String(data, java.nio.charset.StandardCharsets.UTF_8) + ", session 0x"
              + Long.toHexString(stat.getEphemeralOwner()) + "); waited " + sessionTimeout.plusSeconds(1).toSeconds()
              + " s for it to expire. Give this node another --node-id, or stop the other one.");
        }
        Thread.sleep(200);
      }
    }
    nodeZnode = start(path, Json.node(self));
    loadsZnode = start(layout.loads(self.nodeId()), loadsJson);
  }

  private PersistentNode start(String path, byte[] data) throws Exception {
    PersistentNode znode = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, data);
    znode.start();
    if (!znode.waitForInitialCreate(connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      znode.close();
      throw new ClusterUnavailableException("could not create " + path + " within " + connectionTimeout, null);
    }
    return znode;
  }

  /** Whether this node's znode exists and belongs to the client's current session. */
  boolean registeredInCurrentSession() throws Exception {
    Stat stat = client.checkExists().forPath(layout.node(self().nodeId()));
    return stat != null && stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId();
  }

  synchronized NodeInfo self() {
    return self;
  }

  /** Publishes the loads if they changed since the last call. */
  synchronized void publish(Map<String, NamespaceLoad> loads) throws Exception {
    if (nodeZnode == null) {
      return;
    }
    NodeInfo updated = self.withLoad(Load.of(loads));
    if (!updated.equals(self)) {
      self = updated;
      nodeZnode.setData(Json.node(self));
    }
    byte[] json = Json.loads(loads);
    if (!Arrays.equals(json, loadsJson)) {
      loadsJson = json;
      loadsZnode.setData(json);
    }
  }

  /** Tells the cluster this node is leaving: it gets no new namespaces and is no move target. */
  synchronized void markLeaving() throws Exception {
    self = self.asLeaving();
    if (nodeZnode != null) {
      // Synchronously, so the others' caches can hear of it before the hand-off begins.
      client.setData().forPath(nodeZnode.getActualPath(), Json.node(self));
      nodeZnode.setData(Json.node(self));
    }
  }

  /** Deletes both znodes: the node leaves the cluster. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    IOException failure = null;
    for (PersistentNode znode : new PersistentNode[] {loadsZnode, nodeZnode}) {
      if (znode != null) {
        try {
          znode.close();
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    loadsZnode = null;
    nodeZnode = null;
    if (failure != null) {
      throw failure;
    }
  }
}
