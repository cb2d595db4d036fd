package io.vecstore.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * MoveExecutors that record every call, sleep a little like a copy would, and carry the
 * namespace's size from the source's FakeLoads to the target's when the transfer is done.
 */
final class FakeMoves {

  record Call(String source, String namespaceId, String target, long epoch) {}

  record Finish(String source, String namespaceId, String target, boolean transferred) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final List<Finish> finishes = new CopyOnWriteArrayList<>();
  /** Namespaces whose moves throw. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  volatile long sleepMillis = 20;

  MoveExecutor forNode(String source, Map<String, FakeLoads> loads) {
    return new MoveExecutor() {
      @Override
      public void move(String namespaceId, NodeInfo target, long epoch) throws Exception {
        calls.add(new Call(source, namespaceId, target.nodeId(), epoch));
        Thread.sleep(sleepMillis);
        if (failing.contains(namespaceId)) {
          throw new java.io.IOException("copy of " + namespaceId + " failed (test)");
        }
      }

      @Override
      public void moveFinished(String namespaceId, NodeInfo target, boolean transferred) {
        finishes.add(new Finish(source, namespaceId, target.nodeId(), transferred));
        if (transferred) {
          FakeLoads from = loads.computeIfAbsent(source, id -> new FakeLoads());
          NamespaceLoad size = from.sizes.remove(namespaceId);
          loads.computeIfAbsent(target.nodeId(), id -> new FakeLoads()).sizes
              .put(namespaceId, size == null ? NamespaceLoad.EMPTY : size);
        }
      }
    };
  }

  long movesTo(String target) {
    return finishes.stream().filter(f -> f.transferred() && f.target().equals(target)).count();
  }
}
