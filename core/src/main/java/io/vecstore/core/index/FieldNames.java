package io.vecstore.core.index;

/**
 * The one place that names the Lucene fields of a namespace's documents. Documented in the README
 * so that users can query an index with their own Lucene code.
 *
 * <ul>
 *   <li>{@code _id}: the vector id, a keyword ({@code StringField}), stored.
 *   <li>{@code vector}: the vector, a {@code KnnFloatVectorField} (HNSW).
 *   <li>{@code _source}: the metadata object as given, UTF-8 JSON bytes, stored only.
 *   <li>{@code text}: the record's text, stored; in a namespace with {@code text.analyzer} also a
 *       full-text field ({@code TextField}, BM25) analyzed by that Lucene analyzer.
 *   <li>{@code _keys}: one keyword per top-level metadata key whose value is not null.
 *   <li>{@code _nulls}: one keyword per top-level metadata key whose value is JSON null.
 *   <li>{@code s:<key>}: string values of {@code key} (keyword; array elements multi-valued).
 *   <li>{@code n:<key>}: number values of {@code key} as {@code DoublePoint} plus
 *       {@code SortedNumericDocValuesField} of the sortable long bits.
 *   <li>{@code b:<key>}: boolean values of {@code key} as keyword {@code true}/{@code false}.
 *   <li>{@code x:<key>}: every non-empty suffix (cut at code point boundaries) of each string
 *       value of {@code key} that has at most {@link #MAX_SUFFIXED_CODE_POINTS} code points
 *       (keyword, multi-valued). A substring of a value is a prefix of one of its suffixes, so
 *       {@code CONTAINS} is one exact prefix query here.
 *   <li>{@code xl:<key>}: the string values of {@code key} longer than that (keyword), which
 *       {@code CONTAINS} scans term by term.
 * </ul>
 *
 * No prefix contains a colon, so a field name splits back into (prefix, key) at its first colon:
 * two different pairs never give the same name, whatever colons the keys contain.
 *
 * Nested objects are stored in {@code _source} but not indexed.
 */
public final class FieldNames {

  public static final String ID = "_id";
  public static final String VECTOR = "vector";
  public static final String SOURCE = "_source";
  public static final String TEXT = "text";
  public static final String KEYS = "_keys";
  public static final String NULLS = "_nulls";

  /**
   * Strings up to this many code points get the suffix index {@link #suffixes}; longer ones go to
   * {@link #longStrings}. At 64 a string costs at most 64 extra terms (about 2 KB of ASCII before
   * the terms dictionary's prefix compression).
   */
  public static final int MAX_SUFFIXED_CODE_POINTS = 64;

  private FieldNames() {}

  /** Keyword field holding the string values of a metadata key. */
  public static String string(String key) {
    return "s:" + key;
  }

  /** Point and doc-values field holding the numeric values of a metadata key, as doubles. */
  public static String number(String key) {
    return "n:" + key;
  }

  /** Keyword field holding the boolean values of a metadata key. */
  public static String bool(String key) {
    return "b:" + key;
  }

  /** Keyword field holding every suffix of the short string values of a metadata key. */
  public static String suffixes(String key) {
    return "x:" + key;
  }

  /** Keyword field holding the string values of a metadata key too long for {@link #suffixes}. */
  public static String longStrings(String key) {
    return "xl:" + key;
  }
}
