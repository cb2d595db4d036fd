package io.vecstore.bench.hybrid;

import static io.vecstore.bench.BenchUtil.flag;

import io.vecstore.bench.dataset.WordNetCorpus;
import io.vecstore.core.text.TextAnalyzer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What {@code bin/vecstore bench --hybrid} runs, from its flags (bench/README.md).
 *
 * @param quick a small run for tests: {@link #QUICK_DOCS} documents, {@link #QUICK_QUERIES} queries, 1 s rounds
 * @param out where {@code hybrid.json} and {@code hybrid.md} go
 * @param workDir parent of the run's temporary directory (server data, wrk scripts)
 * @param wordnet the WordNet data files (installed from Debian's wordnet-base when it is the default and missing)
 * @param limit documents kept, every query's relevant one among them (0 = every synset)
 * @param queries test queries (each also masked)
 * @param devQueries dev queries (disjoint synsets), for the fusion settings sweep; never reported as results
 * @param seed the sampling seed
 * @param batch texts per upsert request, and per call of the bare embedder
 * @param chunk texts per alternation of the throughput comparison (bare embedder, then upserts, or the reverse)
 * @param threads the embedder's pool size (the server's: one per core)
 * @param analyzers the keyword analyzers compared; the first is the one the latency runs use
 * @param latencySeconds length of each latency round
 * @param rounds measured latency rounds per kind; the best (lowest mean) is reported
 * @param wrk whether the HTTP latency runs with wrk (in-process latency always runs)
 * @param mergeTimeoutSeconds how long to wait for the server to merge the namespace into one segment before the latency runs
 */
record HybridOptions(
    boolean quick, Path out, Path workDir, Path wordnet, int limit, int queries, int devQueries, long seed, int batch,
    int chunk, int threads, List<TextAnalyzer> analyzers, int latencySeconds, int rounds, boolean wrk,
    int mergeTimeoutSeconds) {

  static final int QUICK_DOCS = 1_000;
  static final int QUICK_QUERIES = 100;

  HybridOptions {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be at least 0 (0 = all), got: " + limit);
    }
    if (queries < 1) {
      throw new IllegalArgumentException("queries must be at least 1, got: " + queries);
    }
    if (devQueries < 0) {
      throw new IllegalArgumentException("dev queries must be at least 0, got: " + devQueries);
    }
    if (batch < 1 || batch > 1000) {
      throw new IllegalArgumentException("batch must be between 1 and 1000, got: " + batch);
    }
    if (chunk < batch) {
      throw new IllegalArgumentException("chunk must be at least the batch (" + batch + "), got: " + chunk);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got: " + threads);
    }
    if (analyzers.isEmpty()) {
      throw new IllegalArgumentException("analyzers must name at least one analyzer");
    }
    if (latencySeconds < 1) {
      throw new IllegalArgumentException("latency seconds must be at least 1, got: " + latencySeconds);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, got: " + rounds);
    }
    analyzers = List.copyOf(analyzers);
  }

  private static final Set<String> VALUED = Set.of("--out", "--work", "--wordnet", "--limit", "--queries", "--dev-queries",
      "--seed", "--batch", "--chunk", "--threads", "--analyzers", "--seconds", "--rounds", "--merge-timeout", "--bench-data");
  private static final Set<String> SWITCHES = Set.of("--hybrid", "--quick", "--no-wrk");

  /** Parses the flags of {@code bench --hybrid}; unknown flags are an error naming the flag. */
  static HybridOptions parse(List<String> a) {
    for (int i = 0; i < a.size(); i++) {
      String arg = a.get(i);
      if (VALUED.contains(arg)) {
        i++;
      } else if (!SWITCHES.contains(arg)) {
        throw new IllegalArgumentException("unknown flag " + arg + " for --hybrid\n" + usage());
      }
    }
    boolean quick = a.contains("--quick");
    Path benchData = Path.of(flag(a, "--bench-data", "bench-data"));
    String batch = flag(a, "--batch", "100");
    return new HybridOptions(
        quick,
        Path.of(flag(a, "--out", benchData.resolve("results").toString())),
        Path.of(flag(a, "--work", System.getProperty("java.io.tmpdir"))),
        Path.of(flag(a, "--wordnet", WordNetCorpus.DEFAULT_DIR.toString())),
        Integer.parseInt(flag(a, "--limit", quick ? Integer.toString(QUICK_DOCS) : "0")),
        Integer.parseInt(flag(a, "--queries", quick ? Integer.toString(QUICK_QUERIES) : "1000")),
        Integer.parseInt(flag(a, "--dev-queries", quick ? "20" : "500")),
        Long.parseLong(flag(a, "--seed", "24")),
        Integer.parseInt(batch),
        Integer.parseInt(flag(a, "--chunk", batch)),
        Integer.parseInt(flag(a, "--threads", Integer.toString(Runtime.getRuntime().availableProcessors()))),
        Arrays.stream(flag(a, "--analyzers", "english,standard").split(",")).map(String::strip)
            .map(s -> TextAnalyzer.parse("--analyzers", s)).toList(),
        Integer.parseInt(flag(a, "--seconds", quick ? "1" : "10")),
        Integer.parseInt(flag(a, "--rounds", quick ? "1" : "3")),
        !a.contains("--no-wrk"),
        Integer.parseInt(flag(a, "--merge-timeout", "600")));
  }

  static String usage() {
    return """
        usage: bin/vecstore bench --hybrid [--quick] [flags]
          --quick               %d documents, %d test and 20 dev queries, one 1 s latency round
                                (under a minute; the test runs it)
          --out DIR             hybrid.json and hybrid.md (default bench-data/results)
          --work DIR            parent of the temporary server data and wrk scripts (default java.io.tmpdir)
          --wordnet DIR         WordNet's data files (default /usr/share/wordnet, Debian's wordnet-base)
          --limit N             documents, the queries' relevant ones always among them (default 0 = all synsets)
          --queries N           test queries, each also masked (default 1000)
          --dev-queries N       dev queries for the fusion settings sweep, disjoint from the test ones (default 500)
          --seed N              sampling seed (default 24)
          --batch N             texts per upsert request and per bare embedder call (default 100)
          --chunk N             texts per alternation of the throughput comparison (default: one batch)
          --threads N           the embedder's pool size (default: the cores)
          --analyzers a,b       keyword analyzers compared; the first is used for latency (default english,standard)
          --seconds N           length of each latency round (default 10)
          --rounds N            measured latency rounds per kind, the best reported (default 3)
          --no-wrk              in-process latency only (no HTTP latency with wrk)
          --merge-timeout N     seconds to wait for the one-segment merge before the latency runs (default 600)"""
        .formatted(QUICK_DOCS, QUICK_QUERIES);
  }
}
