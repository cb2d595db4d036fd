package io.vecstore.bench.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vecstore.bench.dataset.WordNetCorpus;
import io.vecstore.bench.dataset.WordNetCorpus.Synset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The judged set's parts: glosses taken apart, masking, sampling, and the metrics. */
class JudgedSetTest {

  private final Masker masker = new Masker(Map.of("ran", List.of("run"), "geese", List.of("goose")));

  @Test
  void splitsAGlossIntoDefinitionAndExamples() {
    Synset s = WordNetCorpus.parseSynset("00003993 03 n 01 congener 0 001 @ 00003553 n 0000 | a whole (a thing or person) "
        + "of the same kind or category as another; \"lard was also used, along with its congener, suet\"; \"a congener\"  ");
    assertEquals("n00003993", s.key());
    assertEquals(List.of("congener"), s.lemmas());
    assertEquals("a whole (a thing or person) of the same kind or category as another", s.definition());
    assertEquals(List.of("lard was also used, along with its congener, suet", "a congener"), s.examples());
    assertEquals("congener: a whole (a thing or person) of the same kind or category as another", s.document());

    Synset colon = WordNetCorpus.parseSynset("00001740 00 a 01 able 0 000 | penetrating no deeper than the skin: "
        + "\"her beauty is only skin-deep\"");
    assertEquals("penetrating no deeper than the skin", colon.definition());
    assertEquals(List.of("her beauty is only skin-deep"), colon.examples());

    Synset eg = WordNetCorpus.parseSynset("00001740 00 a 02 canonist 0 canonistic 0 000 | of rules accepted as axiomatic; "
        + "e.g. \"canonist communism\"");
    assertEquals("of rules accepted as axiomatic", eg.definition());
    assertEquals("canonist, canonistic: of rules accepted as axiomatic", eg.document());

    Synset open = WordNetCorpus.parseSynset("01835496 38 v 02 travel 0 go 1 000 | change location; \"an assimilative substance  ");
    assertEquals(List.of("an assimilative substance"), open.examples(), "an open quote runs to the end");

    Synset none = WordNetCorpus.parseSynset("01835496 38 v 02 travel 0 go 1 000 | change location; move, travel, or proceed");
    assertEquals("change location; move, travel, or proceed", none.definition());
    assertEquals(List.of(), none.examples());
  }

  @Test
  void masksLemmasInAnyInflectionAndMultiwordLemmasWhole() {
    assertEquals(new Masker.Masked("the dog ___ all night", 1), masker.mask("the dog barked all night", List.of("bark")));
    assertEquals(new Masker.Masked("___ is sold in ___", 2),
        masker.mask("Ice cream is sold in ice-creams", List.of("cream", "ice cream")));
    assertEquals(new Masker.Masked("she ___ home; the ___ flew", 2),
        masker.mask("she ran home; the geese flew", List.of("run", "goose")));
    assertEquals(new Masker.Masked("nothing here", 0), masker.mask("nothing here", List.of("dog")));
    assertEquals(new Masker.Masked("The ___'s proposal", 1), masker.mask("The Politician's proposal", List.of("politician")));
  }

  @Test
  void samplesDisjointQueriesAndKeepsTheirDocumentsUnderALimit() {
    List<Synset> synsets = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      List<String> examples = i % 2 == 0 ? List.of("the word" + i + " is here", "another word" + i) : List.of();
      synsets.add(new Synset("n" + i, "noun.Tops", List.of("word" + i), "gloss", "definition " + i, examples));
    }
    JudgedSet a = JudgedSet.build(synsets, masker, 7, 40, 20, 100);
    JudgedSet b = JudgedSet.build(synsets, masker, 7, 40, 20, 100);
    assertEquals(a, b, "seeded");
    assertEquals(100, a.docs().size());
    assertEquals(250, a.candidates());
    Set<String> docIds = new HashSet<>();
    a.docs().forEach(d -> docIds.add(d.id()));
    Set<String> relevant = new HashSet<>();
    for (JudgedSet.Query q : a.test()) {
      relevant.add(q.relevant());
    }
    for (JudgedSet.Query q : a.dev()) {
      assertTrue(relevant.add(q.relevant()), "dev and test share " + q.relevant());
    }
    assertEquals(60, relevant.size());
    assertTrue(docIds.containsAll(relevant));
    JudgedSet.Query q = a.test().getFirst();
    int n = Integer.parseInt(q.relevant().substring(1));
    assertTrue(q.text().equals("the word" + n + " is here") || q.text().equals("another word" + n), q.text());
    assertTrue(q.masked().contains(Masker.MASK) && !q.masked().contains("word" + n), q.masked());
    assertEquals(500, JudgedSet.build(synsets, masker, 7, 40, 20, 0).docs().size());
    assertEquals("limit must be 0 (all) or at least the queries + dev queries (60), got: 59",
        assertThrows(IllegalArgumentException.class, () -> JudgedSet.build(synsets, masker, 7, 40, 20, 59)).getMessage());
    assertEquals("queries + dev queries must be at most the 250 synsets with an example, got: 251",
        assertThrows(IllegalArgumentException.class, () -> JudgedSet.build(synsets, masker, 7, 250, 1, 0)).getMessage());
  }

  @Test
  void metricsOfOneRelevantDocument() {
    Relevance r = new Relevance(new int[] {1, 3, 11, 0, 100, 101});
    // nDCG@10: 1 + 1/log2(4) = 1.5 over 6 queries; MRR@10: 1 + 1/3; Recall@100: ranks 1, 3, 11, 100
    assertEquals(1.5 / 6, r.ndcgAt10(), 1e-12);
    assertEquals((1 + 1 / 3.0) / 6, r.mrrAt10(), 1e-12);
    assertEquals(4 / 6.0, r.recallAt100(), 1e-12);
    assertEquals(2 / 6.0, r.recallAt10(), 1e-12);
    double[] d = new Relevance(new int[] {1, 1, 1}).ndcgDifference(new Relevance(new int[] {3, 3, 3}), 100, 1);
    assertEquals(0.5, d[0], 1e-12);
    assertEquals(0.5, d[1], 1e-12);
    assertEquals(0.5, d[2], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new Relevance(new int[] {-1}));
  }

  @Test
  void parsesFlags() {
    HybridOptions quick = HybridOptions.parse(List.of("--hybrid", "--quick", "--no-wrk", "--analyzers", "standard"));
    assertEquals(HybridOptions.QUICK_DOCS, quick.limit());
    assertEquals(HybridOptions.QUICK_QUERIES, quick.queries());
    assertEquals(false, quick.wrk());
    assertEquals(List.of(io.vecstore.core.text.TextAnalyzer.STANDARD), quick.analyzers());
    HybridOptions full = HybridOptions.parse(List.of("--hybrid", "--limit", "20000"));
    assertEquals(20_000, full.limit());
    assertEquals(1000, full.queries());
    assertEquals(10, full.latencySeconds());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HybridOptions.parse(List.of("--hybrid", "--base", "5")));
    assertTrue(e.getMessage().startsWith("unknown flag --base for --hybrid"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HybridOptions.parse(List.of("--hybrid", "--chunk", "50")));
    assertEquals("chunk must be at least the batch (100), got: 50", e.getMessage());
  }
}
