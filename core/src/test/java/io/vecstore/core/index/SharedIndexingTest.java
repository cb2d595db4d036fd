package io.vecstore.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class SharedIndexingTest {

  @Test
  void everyDocumentIsIndexedExactlyOnceAcrossThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      int n = 5_000;
      AtomicIntegerArray seen = new AtomicIntegerArray(n);
      SharedIndexing.run(n, pool, 3, seen::incrementAndGet);
      for (int i = 0; i < n; i++) {
        assertEquals(1, seen.get(i), "document " + i);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aHelperThatNeverStartsIsNotWaitedFor() throws Exception {
    List<Runnable> parked = new ArrayList<>();
    int[] count = new int[1];
    SharedIndexing.run(100, parked::add, 2, i -> count[0]++); // an executor that never runs anything
    assertEquals(100, count[0]);
    assertEquals(2, parked.size());
    parked.forEach(Runnable::run); // started late: finds nothing to do and touches nothing
    assertEquals(100, count[0]);
  }

  @Test
  void aFailureStopsTheBatchAndReachesTheCaller() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      IOException boom = new IOException("disk full");
      IOException thrown = assertThrows(IOException.class, () -> SharedIndexing.run(10_000, pool, 2, i -> {
        if (i == 50) {
          throw boom;
        }
      }));
      assertSame(boom, thrown);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void smallBatchesStayOnTheCallersThread() throws Exception {
    List<Runnable> parked = new ArrayList<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    SharedIndexing.run(SharedIndexing.MIN_PARALLEL_DOCS - 1, parked::add, 2, i -> threads.add(Thread.currentThread().getName()));
    assertEquals(Set.of(Thread.currentThread().getName()), threads);
    assertTrue(parked.isEmpty());
  }
}
