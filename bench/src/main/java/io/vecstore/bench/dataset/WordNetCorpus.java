package io.vecstore.bench.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The English WordNet 3.0 synsets of Debian's {@code wordnet-base} package as short texts with a
 * real categorical attribute: each synset becomes {@code "lemma, lemma: gloss"} and carries its
 * lexicographer file ({@code noun.artifact}, {@code verb.motion}, … 45 in all) as category.
 * Static methods only; thread-safe.
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
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(lemma(f[4 + 2 * i]));
    }
    text.append(": ").append(line.substring(bar + 3).strip());
    String t = text.length() > MAX_TEXT_CHARS ? text.substring(0, MAX_TEXT_CHARS) : text.toString();
    return new Entry(pos + offset, LEXNAMES[lexFile], t);
  }

  // "ice_cream" -> "ice cream"; adjective markers such as "(a)" or "(ip)" dropped.
  private static String lemma(String word) {
    int paren = word.indexOf('(');
    String w = paren > 0 ? word.substring(0, paren) : word;
    return w.replace('_', ' ');
  }
}
