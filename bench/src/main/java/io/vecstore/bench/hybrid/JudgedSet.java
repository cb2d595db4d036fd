package io.vecstore.bench.hybrid;

import io.vecstore.bench.dataset.WordNetCorpus.Synset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A judged retrieval set built offline from WordNet: the documents are synsets without their
 * examples ({@code "lemma, lemma: definition"}), a query is one example sentence of a synset and
 * its one relevant document is that synset. Each query comes twice: as written, and with the
 * synset's own words masked ({@link Masker}), where only the meaning is left to find it by.
 *
 * <p>Sampling is seeded: the query synsets are drawn from those with an example and a definition,
 * one example each; test and dev queries never share a synset. With a document limit, every
 * query's relevant document is kept and the rest drawn at random. Documents come in a seeded
 * shuffled order (ingest does not see one part of speech at a time). Immutable; thread-safe.
 *
 * @param docs the documents, in ingest order
 * @param test the queries reported
 * @param dev a disjoint set of queries for choosing settings (never reported as results)
 * @param synsets synsets in the corpus
 * @param candidates synsets a query could be drawn from (an example and a definition)
 */
record JudgedSet(List<Doc> docs, List<Query> test, List<Query> dev, int synsets, int candidates) {

  /** A document: the synset key as id, and its text. */
  record Doc(String id, String text) {}

  /**
   * A query: an example sentence and its masked form.
   *
   * @param relevant the id of the one relevant document
   * @param masked the sentence with the synset's lemmas masked
   * @param maskedOccurrences lemma occurrences masked (0: the masked query is the sentence as written)
   */
  record Query(String relevant, String text, String masked, int maskedOccurrences) {}

  JudgedSet {
    docs = List.copyOf(docs);
    test = List.copyOf(test);
    dev = List.copyOf(dev);
  }

  /**
   * Draws {@code queries} test and {@code devQueries} dev queries with {@code seed}, and keeps
   * {@code limit} documents (0 = every synset).
   */
  static JudgedSet build(List<Synset> synsets, Masker masker, long seed, int queries, int devQueries, int limit) {
    if (queries < 1) {
      throw new IllegalArgumentException("queries must be at least 1, got: " + queries);
    }
    if (devQueries < 0) {
      throw new IllegalArgumentException("dev queries must be at least 0, got: " + devQueries);
    }
    List<Synset> candidates = new ArrayList<>();
    for (Synset s : synsets) {
      if (!s.examples().isEmpty() && !s.definition().isEmpty()) {
        candidates.add(s);
      }
    }
    if (queries + devQueries > candidates.size()) {
      throw new IllegalArgumentException("queries + dev queries must be at most the " + candidates.size()
          + " synsets with an example, got: " + (queries + devQueries));
    }
    if (limit != 0 && limit < queries + devQueries) {
      throw new IllegalArgumentException("limit must be 0 (all) or at least the queries + dev queries ("
          + (queries + devQueries) + "), got: " + limit);
    }
    Random random = new Random(seed);
    Collections.shuffle(candidates, random);
    List<Query> test = new ArrayList<>(queries);
    List<Query> dev = new ArrayList<>(devQueries);
    Set<String> relevant = new HashSet<>();
    for (int i = 0; i < queries + devQueries; i++) {
      Synset s = candidates.get(i);
      String example = s.examples().get(random.nextInt(s.examples().size()));
      Masker.Masked m = masker.mask(example, s.lemmas());
      (i < queries ? test : dev).add(new Query(s.key(), example, m.text(), m.occurrences()));
      relevant.add(s.key());
    }
    List<Synset> kept = new ArrayList<>(synsets);
    Collections.shuffle(kept, random);
    if (limit > 0 && limit < kept.size()) {
      List<Synset> sample = new ArrayList<>(limit);
      int others = limit - relevant.size();
      for (Synset s : kept) {
        if (relevant.contains(s.key())) {
          sample.add(s);
        } else if (others > 0) {
          sample.add(s);
          others--;
        }
      }
      kept = sample;
    }
    List<Doc> docs = new ArrayList<>(kept.size());
    for (Synset s : kept) {
      docs.add(new Doc(s.key(), s.document()));
    }
    return new JudgedSet(docs, test, dev, synsets.size(), candidates.size());
  }
}
