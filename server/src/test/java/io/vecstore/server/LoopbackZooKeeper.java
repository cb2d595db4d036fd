package io.vecstore.server;

import java.util.Map;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** The cluster tests' ZooKeeper: curator-test's in-process server, on 127.0.0.1 only. */
final class LoopbackZooKeeper {

  private LoopbackZooKeeper() {}

  /** Started; tickTime 500 ms allows sessions of up to 10 s (the test nodes ask for 6 s). The caller closes it. */
  static TestingServer start() throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1, Map.of("clientPortAddress", "127.0.0.1"),
        "127.0.0.1");
    return new TestingServer(spec, true);
  }
}
