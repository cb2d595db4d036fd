package io.vecstore.core.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.NumericUtils;

/**
 * Turns a metadata object into typed Lucene fields (see {@link FieldNames}) so that filters become
 * Lucene queries. Stateless and thread-safe.
 *
 * <p>Cost of the substring index: a string of n ≤ {@link FieldNames#MAX_SUFFIXED_CODE_POINTS} code
 * points adds n keyword terms whose bytes sum to about n²/2 (before the terms dictionary's shared
 * prefix compression); strings over that add one term to {@code xl:<key>}. Categorical values and
 * short titles are cheap; a field holding many distinct 64-character strings roughly triples the
 * size of its terms dictionary.
 */
final class MetadataFields {

  /**
   * Lucene refuses terms over 32,766 bytes; longer strings are kept in {@code _source} but are not
   * searchable by filters.
   */
  static final int MAX_INDEXED_STRING_BYTES = 32_766;

  private MetadataFields() {}

  static void addTo(Document doc, ObjectNode metadata) {
    for (Map.Entry<String, JsonNode> e : metadata.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (value.isNull()) {
        doc.add(new StringField(FieldNames.NULLS, key, Field.Store.NO));
        continue;
      }
      doc.add(new StringField(FieldNames.KEYS, key, Field.Store.NO));
      if (value.isArray()) {
        for (JsonNode element : value) {
          addScalar(doc, key, element);
        }
      } else {
        addScalar(doc, key, value);
      }
    }
  }

  private static void addScalar(Document doc, String key, JsonNode value) {
    if (value.isTextual()) {
      String s = value.textValue();
      if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_INDEXED_STRING_BYTES) {
        doc.add(new StringField(FieldNames.string(key), s, Field.Store.NO));
        addSubstringTerms(doc, key, s);
      }
    } else if (value.isNumber()) {
      // -0.0 and 0.0 are equal numbers but different points; index one of them.
      double d = value.doubleValue() + 0.0;
      if (Double.isFinite(d)) {
        String field = FieldNames.number(key);
        doc.add(new DoublePoint(field, d));
        doc.add(new SortedNumericDocValuesField(field, NumericUtils.doubleToSortableLong(d)));
      }
    } else if (value.isBoolean()) {
      doc.add(new StringField(FieldNames.bool(key), Boolean.toString(value.booleanValue()), Field.Store.NO));
    }
    // Objects, nested arrays and nulls inside arrays are stored in _source only.
  }

  /** Suffixes of a short string (for exact CONTAINS by prefix), or the long string itself. */
  private static void addSubstringTerms(Document doc, String key, String s) {
    if (s.isEmpty()) {
      return; // CONTAINS '' is compiled against s:<key>, which holds the empty string
    }
    if (s.codePointCount(0, s.length()) > FieldNames.MAX_SUFFIXED_CODE_POINTS) {
      doc.add(new StringField(FieldNames.longStrings(key), s, Field.Store.NO));
      return;
    }
    String field = FieldNames.suffixes(key);
    for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
      doc.add(new StringField(field, s.substring(i), Field.Store.NO));
    }
  }
}
