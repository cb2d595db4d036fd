package io.vecstore.core.index;

import io.vecstore.core.vector.VectorRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.config.ManagerConfig;
import io.vecstore.core.namespace.NamespaceManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an outside Lucene program does with a snapshot, while the server keeps serving and
 * writing: open {@code snapshots/<name>/index} with plain lucene-core, knowing only the README's
 * schema (field names are written out here on purpose, not taken from {@link FieldNames}).
 */
class SnapshotLuceneReadTest {

  @TempDir Path dataDir;

  @Test
  void plainLuceneFindsAVectorsIdAndMetadataInASnapshot() throws Exception {
    ObjectMapper json = new ObjectMapper();
    try (NamespaceManager manager = new NamespaceManager(ManagerConfig.defaults(dataDir))) {
      manager.create(new CreateNamespace("shop", "shop", null, Map.of(), null, null, Metric.COSINE, null));
      manager.upsert("shop", List.of(
          new VectorRecord("p1", new float[] {1, 0, 0}, (ObjectNode) json.readTree("{\"category\":\"tech\",\"price\":10}")),
          new VectorRecord("p2", new float[] {0, 1, 0}, (ObjectNode) json.readTree("{\"category\":\"food\"}")),
          new VectorRecord("p3", new float[] {0.9f, 0.1f, 0}, (ObjectNode) json.readTree("{\"category\":\"food\"}"))));
      manager.snapshots().create("shop", "for-analysis");
      manager.upsert("shop", List.of(new VectorRecord("p4", new float[] {1, 0, 0}, null))); // after the snapshot
      manager.deleteVector("shop", "p2");

      Path snapshotIndex = dataDir.resolve("shop").resolve("snapshots").resolve("for-analysis").resolve("index");
      try (Directory dir = FSDirectory.open(snapshotIndex); DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(3, reader.numDocs(), "the snapshot's point in time: p1, p2, p3");
        IndexSearcher searcher = new IndexSearcher(reader);

        TopDocs byId = searcher.search(new TermQuery(new Term("_id", "p2")), 1);
        assertEquals(1, byId.totalHits.value());
        Document p2 = searcher.storedFields().document(byId.scoreDocs[0].doc);
        assertEquals("{\"category\":\"food\"}", p2.getBinaryValue("_source").utf8ToString());

        var food = new BooleanQuery.Builder().add(new TermQuery(new Term("s:category", "food")), BooleanClause.Occur.FILTER).build();
        TopDocs nearest = searcher.search(new KnnFloatVectorQuery("vector", new float[] {1, 0, 0}, 1, food), 1);
        Document hit = searcher.storedFields().document(nearest.scoreDocs[0].doc);
        assertEquals("p3", hit.get("_id"));
        assertEquals("{\"category\":\"food\"}", hit.getBinaryValue("_source").utf8ToString());
      }
      assertEquals(3, manager.stats("shop").vectorCount(), "the live namespace went on: p1, p3, p4");
    }
  }
}
