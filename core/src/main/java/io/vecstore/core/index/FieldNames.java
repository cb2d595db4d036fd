package io.vecstore.core.index;

/**
 * The one place that names the Lucene fields of a namespace's documents. Documented in the README
 * so that users can query an index with their own Lucene code.
 *
 * <ul>
 *   <li>{@code _id}: the vector id, a keyword ({@code StringField}), stored.
 *   <li>{@code vector}: the vector, a {@code KnnFloatVectorField} (HNSW).
 *   <li>{@code _source}: the metadata object as given, UTF-8 JSON bytes, stored only.
 *   <li>{@code _keys}: one keyword per top-level metadata key whose value is not null.
 *   <li>{@code _nulls}: one keyword per top-level metadata key whose value is JSON null.
 *   <li>{@code s:<key>}: string values of {@code key} (keyword; array elements multi-valued).
 *   <li>{@code n:<key>}: number values of {@code key} as {@code DoublePoint} plus
 *       {@code SortedNumericDocValuesField} of the sortable long bits.
 *   <li>{@code b:<key>}: boolean values of {@code key} as keyword {@code true}/{@code false}.
 * </ul>
 *
 * Nested objects are stored in {@code _source} but not indexed.
 */
public final class FieldNames {

  public static final String ID = "_id";
  public static final String VECTOR = "vector";
  public static final String SOURCE = "_source";
  public static final String KEYS = "_keys";
  public static final String NULLS = "_nulls";

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
}
