package io.vecstore.core.text;

import io.vecstore.core.error.InvalidRequestException;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * The analyzers a namespace's full-text field may use, by wire name: Lucene's own, with their
 * default stop words and stemmers, so that a Lucene tool reading the index can analyze a query the
 * same way by naming the same class.
 *
 * <p>Thread-safety: {@link #analyzer()} gives one shared instance per constant, created on first
 * use; Lucene analyzers are safe for concurrent use (each thread gets its own token streams).
 */
public enum TextAnalyzer {
  /** Unicode word breaks (UAX#29), lower case; no stop words, no stemming. */
  STANDARD("standard", StandardAnalyzer::new),
  /** Standard, plus English possessives, stop words and Porter stemming. */
  ENGLISH("english", EnglishAnalyzer::new),
  /** Letters only, lower case. */
  SIMPLE("simple", SimpleAnalyzer::new),
  /** Splits at white space only; keeps case and punctuation. */
  WHITESPACE("whitespace", WhitespaceAnalyzer::new),
  GERMAN("german", GermanAnalyzer::new),
  FRENCH("french", FrenchAnalyzer::new),
  SPANISH("spanish", SpanishAnalyzer::new),
  ITALIAN("italian", ItalianAnalyzer::new),
  PORTUGUESE("portuguese", PortugueseAnalyzer::new),
  DUTCH("dutch", DutchAnalyzer::new);

  private final String wireName;
  private final Supplier<Analyzer> factory;
  private volatile Analyzer shared;

  TextAnalyzer(String wireName, Supplier<Analyzer> factory) {
    this.wireName = wireName;
    this.factory = factory;
  }

  public String wireName() {
    return wireName;
  }

  /** The shared analyzer of this kind; never closed (its per-thread caches are small). */
  public Analyzer analyzer() {
    Analyzer a = shared;
    if (a == null) {
      synchronized (this) {
        a = shared;
        if (a == null) {
          shared = a = factory.get();
        }
      }
    }
    return a;
  }

  /** The analyzer of a wire name; a 400 naming {@code field} and the choices otherwise. */
  public static TextAnalyzer parse(String field, String name) {
    for (TextAnalyzer t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new InvalidRequestException(field + " must be one of "
        + Arrays.stream(values()).map(TextAnalyzer::wireName).toList() + ", got: " + name);
  }
}
