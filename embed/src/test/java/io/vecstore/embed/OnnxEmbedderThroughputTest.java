package io.vecstore.embed;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vecstore.core.text.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Texts per second on 2,000 WordNet glosses (the wordnet-minilm bench data set, built by the
 * bench module), pool of 2, with ONNX Runtime's intra-op threads at 1 and at its default: the
 * measurement behind {@link OnnxEmbedder#INTRA_OP_THREADS}. Prints, asserts nothing. Run on a
 * quiet machine with {@code mvn -o -pl embed -am test -Dvecstore.excludedGroups=none
 * -Dtest=OnnxEmbedderThroughputTest -Dsurefire.failIfNoSpecifiedTests=false}, plus
 * {@code -Dvecstore.bench.texts=PATH/base.tsv} from a worktree.
 */
class OnnxEmbedderThroughputTest {

  /** The data set's texts; bench-data/ is not in git, so a worktree may point at another checkout's. */
  private static final Path TEXTS =
      Path.of(System.getProperty("vecstore.bench.texts", "../bench-data/wordnet-minilm/base.tsv"));

  @Test
  @Tag("slow") // about a minute of full load on 2 cores, and needs the bench data set
  void printsTextsPerSecond() throws IOException {
    assumeTrue(Files.exists(TEXTS), "no " + TEXTS.toAbsolutePath() + " (built by the bench module)");
    List<String> texts;
    try (var lines = Files.lines(TEXTS)) {
      texts = lines.limit(2_000).map(line -> line.split("\t", 3)[2]).toList();
    }
    for (int round = 1; round <= 2; round++) {
      for (int intraOp : new int[] {1, 0}) {
        try (OnnxEmbedder embedder = new OnnxEmbedder(2, intraOp)) {
          for (EmbeddingModel model : EmbeddingModel.values()) {
            embedder.embed(model, texts.subList(0, 100)); // load and warm up
            long start = System.nanoTime();
            embedder.embed(model, texts);
            double seconds = (System.nanoTime() - start) / 1e9;
            // The load average shows whether something else ran on the machine meanwhile.
            System.out.printf("round %d, intra-op %s, %s: %.0f texts/s (load average %s)%n", round,
                intraOp == 0 ? "default" : intraOp, model.wireName(), texts.size() / seconds,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
          }
        }
      }
    }
  }
}
