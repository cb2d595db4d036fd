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
      }
    } else if (value.isNumber()) {
      double d = value.doubleValue();
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
}
