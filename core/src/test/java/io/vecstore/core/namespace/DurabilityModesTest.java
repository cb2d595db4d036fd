package io.vecstore.core.namespace;

import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.meta.CreateNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.wal.Durability;
import io.vecstore.core.wal.WriteAheadLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every durability mode keeps data across a restart; only request and async keep a log. */
class DurabilityModesTest {

  @TempDir Path dataDir;

  private NamespaceManager open(Durability d) throws Exception {
    ManagerConfig defaults = ManagerConfig.defaults(dataDir);
    return new NamespaceManager(defaults.withIndexSettings(defaults.indexSettings().withDurability(d)));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void writesSurviveARestartInEveryMode(Durability mode) throws Exception {
    try (NamespaceManager manager = open(mode)) {
      manager.create(CreateNamespace.of("d", "d"));
      manager.upsert("d", List.of(new VectorRecord("a", new float[] {1, 2}, null), new VectorRecord("b", new float[] {2, 1}, null)));
      Path wal = dataDir.resolve("d/wal");
      if (mode == Durability.NONE) {
        assertFalse(Files.exists(wal), "no log without durability");
      } else {
        // request: written before the reply; async: written too, fsynced by the timer.
        assertFalse(WriteAheadLog.isEmpty(wal), "the upsert is in the log");
      }
      if (mode == Durability.ASYNC) {
        Thread.sleep(300); // several async fsync intervals (100 ms) pass without error
        assertEquals(2, manager.stats("d").vectorCount());
      }
    }
    try (NamespaceManager reopened = open(mode)) {
      assertEquals(2, reopened.stats("d").vectorCount());
      assertEquals(1f, reopened.fetch("d", "a").values()[0]);
      assertTrue(WriteAheadLog.isEmpty(dataDir.resolve("d/wal")), "a clean close leaves nothing to replay");
    }
  }
}
