package io.vecstore.core.index;

import io.vecstore.core.vector.VectorRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.error.InvalidRequestException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * An existing Lucene index not written by VecStore (any version Lucene 10 reads, 9.x included,
 * through lucene-backward-codecs), read as vector records: the id from a stored field, the vector
 * from a float vector field, the metadata from the other stored fields (numbers stay numbers,
 * several values become an array, binary values are left out). Opened read-only: the index is
 * never changed.
 *
 * <p>Not thread-safe; one import reads it, then closes it.
 */
public final class ExternalIndex implements Closeable {

  private final Directory directory;
  private final DirectoryReader reader;
  private final String vectorField;
  private final String idField;
  private final FieldInfo vectorInfo;

  private ExternalIndex(Directory directory, DirectoryReader reader, String vectorField, String idField, FieldInfo info) {
    this.directory = directory;
    this.reader = reader;
    this.vectorField = vectorField;
    this.idField = idField;
    this.vectorInfo = info;
  }

  /** Opens the index in {@code path}; a path that holds no readable index, or lacks the fields, is a 400. */
  public static ExternalIndex open(Path path, String vectorField, String idField) throws IOException {
    if (!Files.isDirectory(path)) {
      throw new InvalidRequestException("path is not a directory on the server: " + path);
    }
    Directory dir = FSDirectory.open(path);
    try {
      if (!DirectoryReader.indexExists(dir)) {
        throw new InvalidRequestException("path holds no Lucene index: " + path);
      }
      DirectoryReader reader;
      try {
        reader = DirectoryReader.open(dir);
      } catch (IOException | RuntimeException e) {
        throw new InvalidRequestException("the Lucene index in " + path + " cannot be read: " + e.getMessage());
      }
      FieldInfo info = null;
      for (LeafReaderContext leaf : reader.leaves()) {
        FieldInfo fi = leaf.reader().getFieldInfos().fieldInfo(vectorField);
        if (fi != null && fi.getVectorDimension() > 0) {
          info = fi;
          break;
        }
      }
      if (info == null || info.getVectorEncoding() != VectorEncoding.FLOAT32) {
        reader.close();
        throw new InvalidRequestException("vector_field '" + vectorField + "' is not a float vector field of the index in " + path);
      }
      return new ExternalIndex(dir, reader, vectorField, idField, info);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  public int dimension() {
    return vectorInfo.getVectorDimension();
  }

  /** The metric matching the field's similarity (Lucene's DOT_PRODUCT and MAXIMUM_INNER_PRODUCT are both dot_product). */
  public Metric metric() {
    return switch (vectorInfo.getVectorSimilarityFunction()) {
      case COSINE -> Metric.COSINE;
      case EUCLIDEAN -> Metric.EUCLIDEAN;
      case DOT_PRODUCT, MAXIMUM_INNER_PRODUCT -> Metric.DOT_PRODUCT;
    };
  }

  public long liveDocs() {
    return reader.numDocs();
  }

  /** How many live documents were read, and how many were left out (no id or no vector). */
  public record ReadCounts(long read, long skippedNoId, long skippedNoVector) {}

  /**
   * Reads every live document in batches of at most {@code batchSize}, handing each to {@code sink}.
   *
   * @param metadataFields stored fields to keep as metadata; null keeps all but the id field
   */
  public ReadCounts read(int batchSize, Set<String> metadataFields, Consumer<List<VectorRecord>> sink) throws IOException {
    long read = 0, noId = 0, noVector = 0;
    List<VectorRecord> batch = new ArrayList<>(batchSize);
    for (LeafReaderContext leaf : reader.leaves()) {
      Bits live = leaf.reader().getLiveDocs();
      FloatVectorValues values = leaf.reader().getFloatVectorValues(vectorField);
      int withVectors = 0;
      StoredFields stored = leaf.reader().storedFields();
      if (values != null) {
        KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          withVectors++;
          Document d = stored.document(doc);
          String id = idOf(d);
          if (id == null) {
            noId++;
            continue;
          }
          batch.add(new VectorRecord(id, values.vectorValue(it.index()).clone(), metadata(d, metadataFields)));
          read++;
          if (batch.size() == batchSize) {
            sink.accept(List.copyOf(batch));
            batch.clear();
          }
        }
      }
      int liveInLeaf = leaf.reader().numDocs();
      noVector += liveInLeaf - withVectors;
    }
    if (!batch.isEmpty()) {
      sink.accept(List.copyOf(batch));
    }
    return new ReadCounts(read, noId, noVector);
  }

  private String idOf(Document d) {
    IndexableField f = d.getField(idField);
    if (f == null) {
      return null;
    }
    if (f.numericValue() != null) {
      return f.numericValue().toString();
    }
    return f.stringValue();
  }

  private ObjectNode metadata(Document d, Set<String> keep) {
    Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
    for (IndexableField f : d.getFields()) {
      String name = f.name();
      if (name.equals(idField) || name.equals(vectorField) || (keep != null && !keep.contains(name))) {
        continue;
      }
      JsonNode value = value(f);
      if (value != null) {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    if (byName.isEmpty()) {
      return null;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    byName.forEach((name, values) -> {
      if (values.size() == 1) {
        out.set(name, values.getFirst());
      } else {
        ArrayNode array = out.putArray(name);
        values.forEach(array::add);
      }
    });
    return out;
  }

  private static JsonNode value(IndexableField f) {
    Number n = f.numericValue();
    if (n != null) {
      return switch (n) {
        case Integer i -> JsonNodeFactory.instance.numberNode(i);
        case Long l -> JsonNodeFactory.instance.numberNode(l);
        case Float x -> JsonNodeFactory.instance.numberNode(x);
        default -> JsonNodeFactory.instance.numberNode(n.doubleValue());
      };
    }
    String s = f.stringValue();
    return s == null ? null : JsonNodeFactory.instance.textNode(s);
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      directory.close();
    }
  }
}
