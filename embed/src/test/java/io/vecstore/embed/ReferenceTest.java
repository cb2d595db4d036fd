package io.vecstore.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.vecstore.core.text.EmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our vectors against langchain4j's in-process models, the reference implementation the model
 * files come from: for texts inside both windows the two encoders must agree to float rounding
 * (we pool and normalize in double, langchain4j in float).
 */
class ReferenceTest {

  /** Short, varied texts: each well under 128 tokens, so no encoder cuts any of them. */
  static final List<String> TEXTS = List.of(
      "Hello, world!",
      "The cat sat on the mat.",
      "What is the capital of France?",
      "Paris is the capital and most populous city of France.",
      "A vector database stores embeddings and searches them by similarity.",
      "sunrise: of an industry or technology; new and developing",
      "waterline, water line, water level: a line corresponding to the surface of the water",
      "I don't think it's going to rain tomorrow, but bring an umbrella anyway.",
      "café, naïve, résumé and façade keep their accents in French",
      "The quick brown fox jumps over the lazy dog 1234567890 times.",
      "SELECT id, title FROM articles WHERE year >= 2020 ORDER BY score DESC;",
      "e = mc^2 (energy equals mass times the speed of light squared)",
      "UPPERCASE AND lowercase and MiXeD cAsE",
      "Tokyo 東京 is in Japan 日本",
      "How do I reset my password if I no longer have access to my email?",
      "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
      "New York City (NYC) - the Big Apple; population: ~8.3 million.",
      "Photosynthesis converts light energy into chemical energy stored in glucose.",
      "ok",
      "https://example.com/path?query=vector&limit=10");

  private static OnnxEmbedder embedder;

  @BeforeAll
  static void open() {
    embedder = new OnnxEmbedder(2);
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void miniLmMatchesLangchain4j() {
    assertMatches(EmbeddingModel.ALL_MINILM_L6_V2, new AllMiniLmL6V2QuantizedEmbeddingModel());
  }

  @Test
  void bgeMatchesLangchain4j() {
    assertMatches(EmbeddingModel.BGE_SMALL_EN_V1_5, new BgeSmallEnV15QuantizedEmbeddingModel());
  }

  private static void assertMatches(EmbeddingModel model, dev.langchain4j.model.embedding.EmbeddingModel reference) {
    float[][] ours = embedder.embed(model, TEXTS);
    double worstDiff = 0;
    double worstCosine = 1;
    for (int i = 0; i < TEXTS.size(); i++) {
      String text = TEXTS.get(i);
      assertTrue(embedder.tokenCount(model, text) < 128, "not a short text: " + text);
      float[] theirs = reference.embed(TextSegment.from(text)).content().vector();
      assertEquals(model.dimension(), theirs.length);
      double diff = Vectors.maxDiffToUnit(ours[i], theirs);
      double cosine = Vectors.cosine(ours[i], theirs);
      assertTrue(diff < 1e-5, model.wireName() + " differs by " + diff + " on: " + text);
      assertTrue(cosine > 0.99999, model.wireName() + " has cosine " + cosine + " on: " + text);
      worstDiff = Math.max(worstDiff, diff);
      worstCosine = Math.min(worstCosine, cosine);
    }
    System.out.printf("%s against langchain4j: max abs diff %.3g, min cosine %.10f%n",
        model.wireName(), worstDiff, worstCosine);
  }
}
