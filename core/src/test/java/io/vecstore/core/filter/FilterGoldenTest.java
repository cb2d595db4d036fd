package io.vecstore.core.filter;

import io.vecstore.core.wal.Durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.FieldNames;
import io.vecstore.core.index.IndexSettings;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.vector.QueryHit;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every golden case of {@code src-test-data/.../filters/*.case} (format in that folder's
 * README): each filter is compiled, run against a real index both as a plain Lucene query and as the
 * kNN pre-filter of {@link NamespaceIndex#search}, and the ids or the error are compared.
 */
class FilterGoldenTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FOLDER = "filters";

  @TempDir static Path sharedDir;
  private static Fixture shared;

  @TempDir Path caseDir;

  record Case(String name, JsonNode filter, List<String> docs, Set<String> expected, String errorAt, String message) {}

  @BeforeAll
  static void indexSharedData() throws IOException {
    List<String> lines = Files.readAllLines(folder().resolve("data.jsonl"), StandardCharsets.UTF_8);
    List<String[]> docs = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      JsonNode metadata = node.get("metadata");
      docs.add(new String[] {node.get("id").textValue(), metadata == null ? "" : metadata.toString()});
    }
    shared = Fixture.create(sharedDir, docs);
  }

  @AfterAll
  static void closeShared() throws IOException {
    if (shared != null) {
      shared.close();
    }
  }

  static Stream<Arguments> cases() throws IOException {
    try (Stream<Path> files = Files.list(folder())) {
      List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".case")).sorted().toList();
      List<Arguments> out = new ArrayList<>();
      for (Path file : sorted) {
        out.add(Arguments.of(parseCase(file)));
      }
      assertTrue(out.size() >= 80, "expected at least 80 golden cases, found " + out.size());
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenCase(Case c) throws IOException {
    if (c.errorAt() != null) {
      InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Filters.compile(c.filter()));
      assertEquals(InvalidRequestException.INVALID_FILTER, e.code());
      assertTrue(e.getMessage().endsWith(" at " + c.errorAt()), () -> "message: " + e.getMessage());
      if (c.errorAt().matches("\\d+")) {
        assertEquals(Map.of("position", Integer.parseInt(c.errorAt())), e.details());
      } else {
        assertEquals(Map.of("path", c.errorAt()), e.details());
      }
      if (c.message() != null) {
        assertEquals(c.message(), e.getMessage());
      }
      return;
    }
    Query query = Filters.compile(c.filter());
    if (c.docs().isEmpty()) {
      shared.check(query, c.expected());
    } else {
      List<String[]> docs = new ArrayList<>();
      for (String line : c.docs()) {
        String[] parts = line.split(" ", 2);
        docs.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
      }
      try (Fixture own = Fixture.create(caseDir, docs)) {
        own.check(query, c.expected());
      }
    }
  }

  private static Case parseCase(Path file) throws IOException {
    String name = file.getFileName().toString().replaceFirst("\\.case$", "");
    JsonNode filter = null;
    List<String> docs = new ArrayList<>();
    Set<String> expected = null;
    String errorAt = null;
    String message = null;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (raw.isBlank() || raw.startsWith("#")) {
        continue;
      }
      int colon = raw.indexOf(':');
      if (colon < 0) {
        fail(name + ": line without a key: " + raw);
      }
      String key = raw.substring(0, colon);
      String value = raw.substring(colon + 1).strip();
      switch (key) {
        case "filter" -> filter = TextNode.valueOf(value);
        case "json" -> filter = JSON.readTree(value);
        case "doc" -> docs.add(value);
        case "expect" -> expected = new TreeSet<>(value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+")));
        case "error" -> {
          if (!value.startsWith("invalid_filter at ")) {
            fail(name + ": error must read 'invalid_filter at <where>', got: " + value);
          }
          errorAt = value.substring("invalid_filter at ".length());
        }
        case "message" -> message = value;
        default -> fail(name + ": unknown key " + key);
      }
    }
    if (filter == null || (expected == null) == (errorAt == null)) {
      fail(name + ": needs a filter and exactly one of expect/error");
    }
    return new Case(name, filter, docs, expected, errorAt, message);
  }

  /** The folder of the cases, from the class path: a directory, or a folder inside the test-data jar. */
  private static Path folder() throws IOException {
    URL url = FilterGoldenTest.class.getClassLoader().getResource(FOLDER + "/data.jsonl");
    if (url == null) {
      throw new IllegalStateException(FOLDER + "/data.jsonl is not on the class path (vecstore-src-test-data)");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (java.nio.file.FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        return fs.provider().getPath(uri).getParent();
      }
      return Path.of(uri).getParent();
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** A real namespace index holding a data set, open for kNN search and read by a plain reader. */
  private record Fixture(NamespaceIndex index, DirectoryReader reader, int size) implements AutoCloseable {

    static Fixture create(Path dir, List<String[]> docs) throws IOException {
      NamespaceIndex index = NamespaceIndex.open("golden", dir, null, Metric.EUCLIDEAN, IndexSettings.defaults().withDurability(Durability.NONE), Map::of);
      List<io.vecstore.core.vector.VectorRecord> records = new ArrayList<>();
      int i = 0;
      for (String[] doc : docs) {
        ObjectNode metadata = doc[1].isEmpty() ? null : (ObjectNode) JSON.readTree(doc[1]);
        records.add(new io.vecstore.core.vector.VectorRecord(doc[0], new float[] {i++, 1f}, metadata));
      }
      index.writes().upsert(records, 0, n -> {});
      index.commitIfDirty();
      DirectoryReader reader = DirectoryReader.open(FSDirectory.open(dir));
      return new Fixture(index, reader, docs.size());
    }

    void check(Query query, Set<String> expected) throws IOException {
      IndexSearcher searcher = new IndexSearcher(reader);
      Set<String> matched = new TreeSet<>();
      for (ScoreDoc sd : searcher.search(query, Math.max(1, reader.maxDoc())).scoreDocs) {
        matched.add(searcher.storedFields().document(sd.doc).get(FieldNames.ID));
      }
      assertEquals(expected, matched, () -> "plain query " + query);
      assertEquals(expected.size(), searcher.count(query), "count");
      // As the kNN pre-filter: with k = every document, the hits are exactly the matches.
      Set<String> hits = new TreeSet<>();
      for (QueryHit hit : index.searches().search(new float[] {0.5f, 1f}, size, size, query, false, false)) {
        hits.add(hit.id());
      }
      assertEquals(expected, hits, () -> "kNN pre-filter " + query);
    }

    @Override
    public void close() throws IOException {
      IOUtils.close(reader, index);
    }
  }
}
