package io.vecstore.bench.hybrid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tartarus.snowball.ext.PorterStemmer;

/**
 * Hides a synset's own words in one of its example sentences: every occurrence of one of its
 * lemmas becomes {@value #MASK}. A lemma matches a run of words of the sentence word for word,
 * case-insensitively, where a word matches a lemma word when both have the same Porter stem, or
 * when the word is one of WordNet's irregular forms of it ({@code ran} → {@code run}); so
 * {@code "the dogs barked"} loses {@code barked} for the lemma {@code bark}, and a multiword lemma
 * ({@code ice cream}, {@code give up}) is masked as a whole. Masking by stem hides more than the
 * exact words: an English analyzer (Porter stemming) would match the inflected forms anyway.
 *
 * <p>Not thread-safe (one stemmer); one per thread.
 */
final class Masker {

  /** What a masked word run becomes: no analyzer finds a term in it, and a reader sees a blank. */
  static final String MASK = "___";

  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private final Map<String, List<String>> irregular;
  private final PorterStemmer stemmer = new PorterStemmer();

  /** @param irregular WordNet's irregular forms, inflected form → base forms (lower case) */
  Masker(Map<String, List<String>> irregular) {
    this.irregular = Map.copyOf(irregular);
  }

  /** A masked sentence and how many lemma occurrences were hidden in it. */
  record Masked(String text, int occurrences) {}

  /** {@code sentence} with every occurrence of one of {@code lemmas} replaced by {@link #MASK}. */
  Masked mask(String sentence, List<String> lemmas) {
    List<Word> words = new ArrayList<>();
    Matcher m = WORD.matcher(sentence);
    while (m.find()) {
      String w = m.group().toLowerCase(Locale.ROOT);
      Set<String> forms = new HashSet<>();
      forms.add(stem(w));
      for (String base : irregular.getOrDefault(w, List.of())) {
        forms.add(stem(base));
      }
      words.add(new Word(m.start(), m.end(), forms));
    }
    // Longer lemmas first: "ice cream" is one occurrence, not "ice" and "cream".
    List<List<String>> stems = new ArrayList<>();
    for (String lemma : lemmas) {
      List<String> s = new ArrayList<>();
      Matcher lm = WORD.matcher(lemma.toLowerCase(Locale.ROOT));
      while (lm.find()) {
        s.add(stem(lm.group()));
      }
      if (!s.isEmpty()) {
        stems.add(s);
      }
    }
    stems.sort(Comparator.comparingInt(s -> -s.size()));
    StringBuilder out = new StringBuilder(sentence.length());
    int copied = 0;
    int occurrences = 0;
    for (int i = 0; i < words.size(); ) {
      int length = matchAt(words, i, stems);
      if (length == 0) {
        i++;
        continue;
      }
      out.append(sentence, copied, words.get(i).start()).append(MASK);
      copied = words.get(i + length - 1).end();
      occurrences++;
      i += length;
    }
    out.append(sentence, copied, sentence.length());
    return new Masked(out.toString(), occurrences);
  }

  /** The words of the longest lemma matching at word {@code i}, or 0. */
  private static int matchAt(List<Word> words, int i, List<List<String>> lemmas) {
    for (List<String> lemma : lemmas) {
      if (i + lemma.size() > words.size()) {
        continue;
      }
      boolean all = true;
      for (int j = 0; j < lemma.size() && all; j++) {
        all = words.get(i + j).forms().contains(lemma.get(j));
      }
      if (all) {
        return lemma.size();
      }
    }
    return 0;
  }

  private String stem(String word) {
    stemmer.setCurrent(word);
    stemmer.stem();
    return stemmer.getCurrent();
  }

  private record Word(int start, int end, Set<String> forms) {}
}
