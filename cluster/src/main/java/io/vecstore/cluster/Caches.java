package io.vecstore.cluster;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Curator's CuratorCache over {@code nodes/} and {@code namespaces/}, feeding parsed records into
 * the {@link ClusterState}. A znode that does not parse is logged and left out. Thread-safe.
 */
final class Caches implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(Caches.class);

  private final ZkLayout layout;
  private final ClusterState state;
  private final CuratorCache nodes;
  private final CuratorCache namespaces;

  Caches(CuratorFramework client, ZkLayout layout, ClusterState state) {
    this.layout = layout;
    this.state = state;
    this.nodes = CuratorCache.build(client, layout.nodes());
    this.namespaces = CuratorCache.build(client, layout.namespaces());
  }

  /** Starts both caches and waits until each has loaded what exists. */
  void start(Duration timeout) throws InterruptedException {
    CountDownLatch loaded = new CountDownLatch(2);
    nodes.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((before, after) -> node(after))
        .forDeletes(this::nodeGone)
        .forInitialized(loaded::countDown)
        .build());
    namespaces.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((before, after) -> placement(after))
        .forDeletes(this::placementGone)
        .forInitialized(loaded::countDown)
        .build());
    nodes.start();
    namespaces.start();
    if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ClusterUnavailableException("the caches of nodes and placements did not load within " + timeout, null);
    }
  }

  private void node(ChildData data) {
    String id = ZkLayout.childOf(layout.nodes(), data.getPath());
    if (id == null) {
      return;
    }
    try {
      NodeInfo node = Json.node(data.getData());
      if (!node.nodeId().equals(id)) {
        throw new IllegalArgumentException("node_id " + node.nodeId() + " differs from the znode name");
      }
      state.putNode(node);
    } catch (RuntimeException e) {
      LOG.warn("ignoring unreadable node znode {}: {}", data.getPath(), e.getMessage());
    }
  }

  private void nodeGone(ChildData data) {
    String id = ZkLayout.childOf(layout.nodes(), data.getPath());
    if (id != null) {
      state.removeNode(id);
    }
  }

  private void placement(ChildData data) {
    String id = ZkLayout.childOf(layout.namespaces(), data.getPath());
    if (id == null) {
      return;
    }
    try {
      state.apply(new StoredPlacement(Json.placement(id, data.getData()), data.getStat().getVersion(),
          data.getStat().getMzxid()));
    } catch (RuntimeException e) {
      LOG.warn("ignoring unreadable placement znode {}: {}", data.getPath(), e.getMessage());
    }
  }

  private void placementGone(ChildData data) {
    String id = ZkLayout.childOf(layout.namespaces(), data.getPath());
    if (id != null) {
      state.delete(id, data.getStat().getMzxid());
    }
  }

  @Override
  public void close() {
    namespaces.close();
    nodes.close();
  }
}
