package io.vecstore.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.testdata.Seeded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Texts longer than a model's window are cut to it, [CLS] and [SEP] included, as
 * sentence-transformers does: 256 tokens for MiniLM, 512 for bge. Texts are built from words that
 * are one word-piece each, so word i is token i + 1.
 */
@ExtendWith(Seeded.class)
class TruncationTest {

  private static final String[] WORDS = ("river stone green house music light table paper water night garden"
      + " window yellow market winter summer doctor teacher mountain forest bridge silver school letter"
      + " horse orange family island dinner morning").split(" ");
  private static final long CLS = 101;
  private static final long SEP = 102;

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
  void cutsToTheWindowWithItsSpecialTokens(EmbeddingModel model, Random random) {
    for (String word : WORDS) {
      assertEquals(3, embedder.tokenCount(model, word), "not one word-piece: " + word);
    }
    // Never padded (MiniLM's tokenizer.json asks for padding to 128): padding would enter the mean.
    assertArrayEquals(new long[] {CLS, 2314, 2962, SEP}, embedder.inputIds(model, "river stone"));
    List<String> words = words(random, model.maxTokens() + 150);
    String text = String.join(" ", words);
    assertEquals(words.size() + 2, embedder.tokenCount(model, text));
    long[] ids = embedder.inputIds(model, text);
    assertEquals(model.maxTokens(), ids.length, "token ids given to the model");
    assertEquals(CLS, ids[0]);
    assertEquals(SEP, ids[ids.length - 1]);
    long[] untouched = embedder.inputIds(model, String.join(" ", words.subList(0, model.maxTokens() - 2)));
    assertArrayEquals(untouched, ids, "the first maxTokens - 2 pieces are kept, in order");
  }

  @ParameterizedTest
  @EnumSource(EmbeddingModel.class)
  void onlyTheWindowCounts(EmbeddingModel model, Random random) {
    int kept = model.maxTokens() - 2; // word-pieces inside the window
    List<String> words = words(random, model.maxTokens() + 150);
    String text = String.join(" ", words);
    String longer = text + " and then a good many more words at the very end of it";
    List<String> changedAfter = new ArrayList<>(words);
    for (int i = kept; i < changedAfter.size(); i++) {
      changedAfter.set(i, other(changedAfter.get(i)));
    }
    List<String> changedInside = new ArrayList<>(words);
    changedInside.set(kept - 1, other(changedInside.get(kept - 1)));

    float[][] v = embedder.embed(model, List.of(text, longer, String.join(" ", changedAfter),
        String.join(" ", changedInside)));
    assertArrayEquals(v[0], v[1], "words appended past the window");
    assertArrayEquals(v[0], v[2], "words changed past the window (from piece " + (kept + 1) + " on)");
    assertFalse(Arrays.equals(v[0], v[3]), "the last piece inside the window changed");
  }

  /**
   * langchain4j's MiniLM is cut at 128 tokens, not 256: its tokenizer.json asks for truncation at
   * 128, which DJL applies when langchain4j tokenizes (before langchain4j's own split into pieces
   * of 510, which therefore never happens). So its vector of a long text is our vector of the
   * text's first 126 word-pieces, and differs from ours.
   */
  @Test
  void langchain4jCutsMiniLmAt128Tokens(Random random) {
    EmbeddingModel model = EmbeddingModel.ALL_MINILM_L6_V2;
    List<String> words = words(random, 400);
    String text = String.join(" ", words);
    float[] theirs = new AllMiniLmL6V2QuantizedEmbeddingModel().embed(TextSegment.from(text)).content().vector();
    float[] ours = embedder.embed(model, List.of(text))[0];
    float[] oursAt128 = embedder.embed(model, List.of(String.join(" ", words.subList(0, 126))))[0];
    double cosine = Vectors.cosine(ours, theirs);
    System.out.printf("%s, 400 words: cosine to langchain4j %.6f; our first 126 words: %.8f%n",
        model.wireName(), cosine, Vectors.cosine(oursAt128, theirs));
    assertTrue(cosine < 0.999, "cosine " + cosine);
    assertTrue(Vectors.maxDiffToUnit(oursAt128, theirs) < 1e-5);
  }

  /**
   * langchain4j's bge is cut at 512 like ours: its tokenizer.json asks for no truncation, so DJL
   * falls back to 512, again before langchain4j could split the text.
   */
  @Test
  void langchain4jCutsBgeAt512TokensToo(Random random) {
    EmbeddingModel model = EmbeddingModel.BGE_SMALL_EN_V1_5;
    String text = String.join(" ", words(random, 700));
    float[] theirs = new BgeSmallEnV15QuantizedEmbeddingModel().embed(TextSegment.from(text)).content().vector();
    float[] ours = embedder.embed(model, List.of(text))[0];
    System.out.printf("%s, 700 words: max abs diff to langchain4j %.3g%n",
        model.wireName(), Vectors.maxDiffToUnit(ours, theirs));
    assertTrue(Vectors.maxDiffToUnit(ours, theirs) < 1e-5);
  }

  private static List<String> words(Random random, int count) {
    List<String> words = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      words.add(WORDS[random.nextInt(WORDS.length)]);
    }
    return words;
  }

  private static String other(String word) {
    return word.equals(WORDS[0]) ? WORDS[1] : WORDS[0];
  }
}
