package io.vecstore.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.text.EmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The embedder with its real models: shapes, determinism, concurrency, close. */
class OnnxEmbedderTest {

  /** Fifty different short texts. */
  private static final List<String> BATCH = batch();

  private static OnnxEmbedder embedder;

  @BeforeAll
  static void open() {
    embedder = new OnnxEmbedder(2);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @ParameterizedTest
  @EnumSource(EmbeddingModel.class)
  void givesOneUnitVectorOfTheModelsDimensionPerTextInOrder(EmbeddingModel model) {
    float[][] vectors = embedder.embed(model, BATCH);
    assertEquals(BATCH.size(), vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      assertEquals(384, vectors[i].length);
      assertEquals(model.dimension(), vectors[i].length);
      assertEquals(1.0, Vectors.norm(vectors[i]), 1e-6, "norm of vector " + i);
    }
    // In order: each vector is its own text's, as embedding the texts one by one shows.
    float[][] reversed = embedder.embed(model, BATCH.reversed());
    for (int i = 0; i < vectors.length; i++) {
      assertArrayEquals(vectors[i], reversed[vectors.length - 1 - i], "text " + i);
    }
    assertFalse(Arrays.equals(vectors[0], vectors[1]));
  }

  @ParameterizedTest
  @EnumSource(EmbeddingModel.class)
  void emptyListGivesNoVectors(EmbeddingModel model) {
    assertEquals(0, embedder.embed(model, List.of()).length);
  }

  @ParameterizedTest
  @EnumSource(EmbeddingModel.class)
  void aTextsVectorDoesNotDependOnItsBatchCompanions(EmbeddingModel model) {
    String text = "A text whose vector must not depend on the texts embedded with it.";
    float[] alone = embedder.embed(model, List.of(text))[0];
    List<String> batch = new ArrayList<>(BATCH.subList(0, 49));
    batch.add(37, text);
    float[] inBatch = embedder.embed(model, batch)[37];
    assertArrayEquals(alone, inBatch, "bitwise: alone and at position 37 of 50");
    assertArrayEquals(alone, embedder.embed(model, List.of(text, BATCH.get(0)))[0], "at position 0 of 2");
  }

  @ParameterizedTest
  @EnumSource(EmbeddingModel.class)
  void twoEmbeddersGiveTheSameVectors(EmbeddingModel model) {
    float[][] ours = embedder.embed(model, BATCH);
    try (OnnxEmbedder other = new OnnxEmbedder(1)) {
      float[][] theirs = other.embed(model, BATCH);
      for (int i = 0; i < ours.length; i++) {
        assertArrayEquals(ours[i], theirs[i], "text " + i);
      }
    }
  }

  @Test
  void concurrentCallersGetTheVectorsOfSequentialCalls() throws Exception {
    EmbeddingModel model = EmbeddingModel.ALL_MINILM_L6_V2;
    int callers = 4;
    List<List<String>> batches = new ArrayList<>();
    float[][][] sequential = new float[callers][][];
    for (int c = 0; c < callers; c++) {
      // Overlapping batches in different orders: the same text meets different companions.
      List<String> batch = new ArrayList<>(BATCH.subList(c * 5, c * 5 + 30));
      if (c % 2 == 1) {
        batch = batch.reversed();
      }
      batches.add(batch);
      sequential[c] = embedder.embed(model, batch);
    }
    float[][][] concurrent = new float[callers][][];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(callers);
    CountDownLatch done = new CountDownLatch(callers);
    for (int c = 0; c < callers; c++) {
      int caller = c;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int round = 0; round < 3; round++) {
            concurrent[caller] = embedder.embed(model, batches.get(caller));
            for (int i = 0; i < concurrent[caller].length; i++) {
              assertArrayEquals(sequential[caller][i], concurrent[caller][i], "caller " + caller + ", text " + i);
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.countDown();
        }
      }, "embed-test-caller-" + c);
      thread.start();
    }
    done.await();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @Test
  void runsOnItsNamedDaemonThreads() {
    try (OnnxEmbedder three = new OnnxEmbedder(3)) {
      three.embed(EmbeddingModel.ALL_MINILM_L6_V2, BATCH);
      // Names are per pool, so other embedders' threads have the same names: count daemons by name only.
      long named = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().matches("vecstore-embed-[0-9]+"))
          .peek(t -> assertTrue(t.isDaemon(), t.getName() + " is not a daemon"))
          .count();
      assertTrue(named >= 3, "pool threads seen: " + named);
    }
  }

  @Test
  void countsTokensBeforeTheCut() {
    assertEquals(5, embedder.tokenCount(EmbeddingModel.ALL_MINILM_L6_V2, "hello, world"));
    String longText = "word ".repeat(1000);
    assertEquals(1002, embedder.tokenCount(EmbeddingModel.ALL_MINILM_L6_V2, longText));
    assertEquals(1002, embedder.tokenCount(EmbeddingModel.BGE_SMALL_EN_V1_5, longText));
  }

  @Test
  void rejectsANullText() {
    List<String> texts = Arrays.asList("a", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> embedder.embed(EmbeddingModel.ALL_MINILM_L6_V2, texts));
    assertEquals("texts[1] must not be null, got: null", e.getMessage());
  }

  @Test
  void rejectsAPoolOfNoThreads() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OnnxEmbedder(0));
    assertEquals("threads must be at least 1, got: 0", e.getMessage());
  }

  @Test
  void isUnavailableOnceClosed() {
    OnnxEmbedder closing = new OnnxEmbedder(1);
    closing.embed(EmbeddingModel.ALL_MINILM_L6_V2, List.of("loaded"));
    closing.close();
    closing.close(); // idempotent
    for (EmbeddingModel model : EmbeddingModel.values()) {
      UnavailableException e = assertThrows(UnavailableException.class,
          () -> closing.embed(model, List.of("after close")));
      assertEquals("embedding_unavailable", e.code());
      assertEquals("Embedding model " + model.wireName() + " is unavailable: the embedder is closed", e.getMessage());
    }
  }

  @Test
  void closeFailsTheCallsInFlightInsteadOfLeavingThemWaiting() throws Exception {
    OnnxEmbedder closing = new OnnxEmbedder(1);
    closing.embed(EmbeddingModel.ALL_MINILM_L6_V2, List.of("loaded"));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.addAll(BATCH); // 2,000 texts: seconds of work for one thread
    }
    CompletableFuture<float[][]> call = CompletableFuture.supplyAsync(
        () -> closing.embed(EmbeddingModel.ALL_MINILM_L6_V2, many), runnable -> new Thread(runnable, "embed-test-caller").start());
    Thread.sleep(300);
    closing.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    UnavailableException cause = assertInstanceOf(UnavailableException.class, e.getCause());
    assertEquals("embedding_unavailable", cause.code());
  }

  private static List<String> batch() {
    String[] subjects = {"The river", "A teacher", "My neighbour's dog", "The old bridge", "Every winter"};
    String[] predicates = {"floods the valley", "reads a long letter", "sleeps in the garden",
        "collapses under snow", "brings quiet mornings", "smells of oranges", "costs too much",
        "changes everything", "ends at the island", "needs a doctor"};
    List<String> texts = new ArrayList<>();
    for (String s : subjects) {
      for (String p : predicates) {
        texts.add(s + " " + p + ".");
      }
    }
    return List.copyOf(texts);
  }
}
