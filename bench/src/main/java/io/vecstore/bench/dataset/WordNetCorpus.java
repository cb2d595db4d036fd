package io.vecstore.bench.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The English WordNet 3.0 synsets of Debian's {@code wordnet-base} package as short texts with a
 * real categorical attribute: each synset becomes {@code "lemma, lemma: gloss"} and carries its
 * lexicographer file ({@code noun.artifact}, {@code verb.motion}, … 45 in all) as category.
 * {@link #readSynsets} gives the same synsets with each gloss taken apart (definition, examples)
 * for judged retrieval sets. Static methods only; thread-safe.
 */
public final class WordNetCorpus {

  /** The Debian package holding the data files, and where it puts them. */
  public static final String PACKAGE = "wordnet-base";

  public static final Path DEFAULT_DIR = Path.of("/usr/share/wordnet");

  // WordNet's lexnames file (lex_filenum -> name); Debian's package does not ship it, and the
  // numbering has been fixed since WordNet 1.5.
  private static final String[] LEXNAMES = {
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
    "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event",
    "noun.feeling", "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object",
    "noun.person", "noun.phenomenon", "noun.plant", "noun.possession", "noun.process",
    "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance", "noun.time",
    "verb.body", "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather", "adj.ppl",
  };

  private static final String[] FILES = {"data.adj", "data.adv", "data.noun", "data.verb"};

  // Texts are cut to this many characters: MiniLM reads at most 256 word pieces, and a few
  // glosses carry long lists of examples that would only be split and averaged.
  private static final int MAX_TEXT_CHARS = 600;

  private WordNetCorpus() {}

  /** One synset: {@code key} is its part of speech and offset (e.g. {@code n00001740}), unique. */
  public record Entry(String key, String category, String text) {}

  /** Every synset of the four data files under {@code dir}, in file order (adj, adv, noun, verb). */
  public static List<Entry> read(Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>(120_000);
    for (String file : FILES) {
      for (String line : Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8)) {
        if (!line.startsWith(" ")) { // the licence header lines start with two spaces
          entries.add(parse(line));
        }
      }
    }
    return entries;
  }

  /** Parses one line of a WordNet {@code data.*} file (format: WordNet's wndb(5) manual page). */
  static Entry parse(String line) {
    Synset s = parseSynset(line);
    String text = String.join(", ", s.lemmas()) + ": " + s.gloss();
    String t = text.length() > MAX_TEXT_CHARS ? text.substring(0, MAX_TEXT_CHARS) : text;
    return new Entry(s.key(), s.category(), t);
  }

  /**
   * One synset with its gloss taken apart, for judged retrieval sets: WordNet glosses are a
   * definition followed by quoted example sentences ({@code definition; "example"; "example"}).
   *
   * @param key part of speech and offset, as {@link Entry#key()}
   * @param lemmas the synset's words, underscores as spaces, adjective markers dropped
   * @param gloss the whole gloss, examples included
   * @param definition the gloss before its first quoted example, trailing separators removed
   *     (may be empty: a few glosses are examples only)
   * @param examples the quoted example sentences, in order, without their quotes
   */
  public record Synset(String key, String category, List<String> lemmas, String gloss, String definition,
      List<String> examples) {
    public Synset {
      lemmas = List.copyOf(lemmas);
      examples = List.copyOf(examples);
    }

    /** The synset without its examples, as a text: {@code "lemma, lemma: definition"} (the lemmas alone when no definition). */
    public String document() {
      String words = String.join(", ", lemmas);
      return definition.isEmpty() ? words : words + ": " + definition;
    }
  }

  /** Every synset of the four data files under {@code dir}, in file order (adj, adv, noun, verb), gloss taken apart. */
  public static List<Synset> readSynsets(Path dir) throws IOException {
    List<Synset> synsets = new ArrayList<>(120_000);
    for (String file : FILES) {
      for (String line : Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8)) {
        if (!line.startsWith(" ")) {
          synsets.add(parseSynset(line));
        }
      }
    }
    return synsets;
  }

  /** Parses one data line into a {@link Synset}. */
  public static Synset parseSynset(String line) {
    int bar = line.indexOf(" | ");
    if (bar < 0) {
      throw new IllegalArgumentException("data line must have a ' | ' before the gloss, got: " + line);
    }
    String[] f = line.substring(0, bar).split(" ");
    String offset = f[0];
    int lexFile = Integer.parseInt(f[1]);
    if (lexFile < 0 || lexFile >= LEXNAMES.length) {
      throw new IllegalArgumentException("lex_filenum must be between 0 and 44, got: " + lexFile);
    }
    char pos = f[2].charAt(0) == 's' ? 'a' : f[2].charAt(0); // satellite adjectives are adjectives
    int words = Integer.parseInt(f[3], 16);
    List<String> lemmas = new ArrayList<>(words);
    for (int i = 0; i < words; i++) {
      lemmas.add(lemma(f[4 + 2 * i]));
    }
    String gloss = line.substring(bar + 3).strip();
    int quote = gloss.indexOf('"');
    String definition = quote < 0 ? gloss : DEFINITION_END.matcher(gloss.substring(0, quote)).replaceAll("");
    List<String> examples = new ArrayList<>();
    while (quote >= 0) {
      // A handful of glosses leave their last quote open: the example then runs to the end.
      int close = gloss.indexOf('"', quote + 1);
      String example = gloss.substring(quote + 1, close < 0 ? gloss.length() : close).strip();
      if (!example.isEmpty()) {
        examples.add(example);
      }
      quote = close < 0 ? -1 : gloss.indexOf('"', close + 1);
    }
    return new Synset(pos + offset, LEXNAMES[lexFile], lemmas, gloss, definition, examples);
  }

  // What separates a definition from its first example: "; ", ": ", "e.g.", "as in", "i.e.".
  private static final Pattern DEFINITION_END = Pattern.compile("(?:[\\s;:,]|\\b(?:e\\.g\\.?|as in|i\\.e\\.?))*$");

  /**
   * WordNet's irregular inflections ({@code adj.exc}, {@code adv.exc}, {@code noun.exc},
   * {@code verb.exc}: {@code "ran run"}, {@code "geese goose"}): each inflected form, underscores
   * as spaces, with the base forms it comes from.
   */
  public static Map<String, List<String>> readExceptions(Path dir) throws IOException {
    Map<String, List<String>> out = new HashMap<>();
    for (String file : new String[] {"adj.exc", "adv.exc", "noun.exc", "verb.exc"}) {
      for (String line : Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8)) {
        String[] f = line.strip().split(" ");
        if (f.length < 2) {
          continue;
        }
        List<String> bases = out.computeIfAbsent(f[0].replace('_', ' '), k -> new ArrayList<>());
        for (int i = 1; i < f.length; i++) {
          bases.add(f[i].replace('_', ' '));
        }
      }
    }
    return out;
  }

  // "ice_cream" -> "ice cream"; adjective markers such as "(a)" or "(ip)" dropped.
  private static String lemma(String word) {
    int paren = word.indexOf('(');
    String w = paren > 0 ? word.substring(0, paren) : word;
    return w.replace('_', ' ');
  }
}
