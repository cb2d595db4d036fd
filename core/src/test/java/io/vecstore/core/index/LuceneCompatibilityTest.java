package io.vecstore.core.index;

import io.vecstore.core.vector.VectorRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A namespace's index/ directory is a plain Lucene index that outside Lucene code can read. */
class LuceneCompatibilityTest {

  @TempDir Path dataDir;

  @Test
  void indexPassesCheckIndexAndOpensWithPlainDirectoryReader() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      manager.create(new CreateNamespace("plain", "plain", null, Map.of(), null, null, Metric.EUCLIDEAN, null));
      manager.upsert("plain", List.of(
          new VectorRecord("a", new float[] {0, 0, 1}, (ObjectNode) json.readTree("{\"price\":9.5,\"tag\":\"x\"}")),
          new VectorRecord("b", new float[] {1, 0, 0}, (ObjectNode) json.readTree("{\"price\":20,\"tag\":[\"y\",\"x\"]}")),
          new VectorRecord("c", new float[] {0, 1, 0}, null)));
      manager.deleteVector("plain", "c");
    }
    Path indexDir = dataDir.resolve("plain/index");
    try (Directory dir = FSDirectory.open(indexDir)) {
      try (CheckIndex checker = new CheckIndex(dir)) {
        checker.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_SLOW_CHECKS);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        checker.setInfoStream(new PrintStream(log, true, StandardCharsets.UTF_8));
        CheckIndex.Status status = checker.checkIndex();
        assertTrue(status.clean, log.toString(StandardCharsets.UTF_8));
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(2, reader.numDocs());
        IndexSearcher searcher = new IndexSearcher(reader);
        TopDocs byId = searcher.search(new TermQuery(new Term(FieldNames.ID, "b")), 1);
        assertEquals(1, byId.totalHits.value());
        Document doc = searcher.storedFields().document(byId.scoreDocs[0].doc);
        assertEquals("{\"price\":20,\"tag\":[\"y\",\"x\"]}", doc.getBinaryValue(FieldNames.SOURCE).utf8ToString());
        TopDocs nearest = searcher.search(new KnnFloatVectorQuery(FieldNames.VECTOR, new float[] {0, 0, 0.9f}, 1), 1);
        assertEquals("a", searcher.storedFields().document(nearest.scoreDocs[0].doc).get(FieldNames.ID));
        assertEquals(2, searcher.count(new TermQuery(new Term(FieldNames.string("tag"), "x"))));
        assertEquals(1, searcher.count(DoublePoint.newRangeQuery(FieldNames.number("price"), 10, 30)));
      }
    }
  }
}
