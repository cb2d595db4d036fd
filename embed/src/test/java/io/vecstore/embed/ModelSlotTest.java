package io.vecstore.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vecstore.core.error.UnavailableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loading once, sharing, retrying after a failed load, and closing. */
class ModelSlotTest {

  /** Stands in for a model: counts its closes. */
  static final class Model implements AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void concurrentFirstCallsLoadOnceAndShareTheModel() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    ModelSlot<Model> slot = new ModelSlot<>("m", () -> {
      loads.incrementAndGet();
      sleep(200); // long enough for every caller to arrive while the load runs
      return new Model();
    });
    int callers = 8;
    CyclicBarrier start = new CyclicBarrier(callers);
    CountDownLatch done = new CountDownLatch(callers);
    List<Model> seen = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < callers; i++) {
      new Thread(() -> {
        try {
          start.await();
          seen.add(slot.get());
        } catch (Exception e) {
          throw new AssertionError(e);
        } finally {
          done.countDown();
        }
      }, "slot-test-caller-" + i).start();
    }
    done.await();
    assertEquals(1, loads.get());
    assertEquals(callers, seen.size());
    seen.forEach(m -> assertSame(seen.getFirst(), m));
  }

  @Test
  void aFailedLoadIsTriedAgainByTheNextCall() {
    AtomicInteger loads = new AtomicInteger();
    ModelSlot<Model> slot = new ModelSlot<>("m", () -> {
      if (loads.incrementAndGet() == 1) {
        throw UnavailableException.embedding("m", "it did not load: out of memory");
      }
      return new Model();
    });
    UnavailableException e = assertThrows(UnavailableException.class, slot::get);
    assertEquals("Embedding model m is unavailable: it did not load: out of memory", e.getMessage());
    Model model = slot.get();
    assertSame(model, slot.get());
    assertEquals(2, loads.get());
  }

  @Test
  void closeClosesTheModelOnceAndLaterCallsFail() throws Exception {
    ModelSlot<Model> slot = new ModelSlot<>("m", Model::new);
    Model model = slot.get();
    slot.close();
    slot.close();
    assertEquals(1, model.closes.get());
    UnavailableException e = assertThrows(UnavailableException.class, slot::get);
    assertEquals("Embedding model m is unavailable: the embedder is closed", e.getMessage());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
