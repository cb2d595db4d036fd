package io.vecstore.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Lucene 9.12.3 fixture index (resources {@code lucene9/}, made by
 * {@code src-test-data/lucene9-fixture}): copies it to a directory, and gives the records an
 * import of it must produce.
 */
public final class Lucene9Index {

  /** The field names the fixture uses. */
  public static final String VECTOR_FIELD = "embedding";
  public static final String ID_FIELD = "doc_id";
  public static final int DIMENSION = 16;

  private Lucene9Index() {}

  /** Copies the index files into {@code dir} (created) and returns it. */
  public static Path copyTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : lines("lucene9/index.files")) {
      try (InputStream in = resource("lucene9/index/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    return dir;
  }

  /**
   * Every document an import must produce, one JSON object a line:
   * {@code {"id","values":[…],"metadata":{"title","year","price","tags":[…]}}}.
   */
  public static List<String> expectedRecords() {
    try {
      return lines("lucene9/expected.jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(String name) throws IOException {
    try (InputStream in = resource(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Lucene9Index.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("test resource missing: " + name);
    }
    return in;
  }
}
