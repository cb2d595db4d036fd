package io.vecstore.cluster;

import org.apache.zookeeper.KeeperException;

/** One ZooKeeper operation; failures other than the KeeperExceptions a caller expects become unavailability. */
@FunctionalInterface
interface ZkCall<T> {

  T call() throws Exception;

  /** Runs the call; connection trouble and timeouts become {@link ClusterUnavailableException}. */
  static <T> T run(String what, ZkCall<T> call) throws KeeperException.NodeExistsException,
      KeeperException.NoNodeException, KeeperException.BadVersionException {
    try {
      return call.call();
    } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException(what + ": interrupted", e);
    } catch (Exception e) {
      throw new ClusterUnavailableException(what + ": ZooKeeper did not answer (" + e + ")", e);
    }
  }
}
