package io.vecstore.bench.querypath;

import static io.vecstore.bench.BenchUtil.flag;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code bin/vecstore bench --query-path} runs, from its flags (bench/README.md).
 *
 * @param quick the seeded synthetic set (and short rounds) instead of the real embeddings
 * @param out where {@code query-path.json} and {@code query-path.md} go
 * @param dataDir the real data set's directory
 * @param workDir parent of the run's temporary directory (server data, raw Lucene index, wrk scripts)
 * @param serverJar the shaded server jar the server process runs
 * @param serverJavaOptions extra JVM options of the server process (besides the launcher's own)
 * @param profile record the server with JFR during the wrk rounds and report its time by layer
 * @param base base vectors ingested (the first {@code base} of the data set; 0 = all)
 * @param batch vectors per upsert request
 * @param roundSeconds length of each wrk round and of each raw-Lucene round
 * @param rounds measured rounds per figure; the best (lowest mean latency) is reported
 * @param connections wrk connections (one wrk thread each) and raw-Lucene query threads
 * @param candidates num_candidates of the real-set queries
 * @param mergeTimeoutSeconds how long to wait for the server to merge the namespace into one segment
 * @param seed the synthetic set's seed
 */
public record QueryPathOptions(
    boolean quick, Path out, Path dataDir, Path workDir, Path serverJar, List<String> serverJavaOptions, int base,
    int batch, int roundSeconds, int rounds, List<Integer> connections, List<Integer> candidates, int mergeTimeoutSeconds,
    long seed, boolean profile) {

  /** k of every query: the figures are top-10 queries. */
  public static final int K = 10;

  /** The base set of the full run: the 40,000 real MiniLM vectors. */
  static final int DEFAULT_BASE = 40_000;

  /** The quick run's synthetic base set: small enough for a test, large enough for an HNSW graph. */
  static final int QUICK_BASE = 2_000;

  public QueryPathOptions {
    if (base < 0) {
      throw new IllegalArgumentException("base must be at least 0 (0 = all), got: " + base);
    }
    if (batch < 1 || batch > 1000) {
      throw new IllegalArgumentException("batch must be between 1 and 1000, got: " + batch);
    }
    if (roundSeconds < 1) {
      throw new IllegalArgumentException("round seconds must be at least 1, got: " + roundSeconds);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, got: " + rounds);
    }
    if (connections.isEmpty() || connections.stream().anyMatch(c -> c < 1 || c > 64)) {
      throw new IllegalArgumentException("connections must be between 1 and 64, got: " + connections);
    }
    if (candidates.isEmpty() || candidates.stream().anyMatch(c -> c < K || c > 10_000)) {
      throw new IllegalArgumentException("num_candidates must be between " + K + " and 10000, got: " + candidates);
    }
    if (mergeTimeoutSeconds < 1) {
      throw new IllegalArgumentException("merge timeout must be at least 1 s, got: " + mergeTimeoutSeconds);
    }
    serverJavaOptions = List.copyOf(serverJavaOptions);
    connections = List.copyOf(connections);
    candidates = List.copyOf(candidates);
  }

  /** Flags of this mode besides {@code --query-path} itself. */
  static final List<String> FLAGS = List.of("--quick", "--out", "--data", "--work", "--bench-data", "--server-jar",
      "--server-java-options", "--base", "--batch", "--seconds", "--rounds", "--connections", "--candidates",
      "--merge-timeout", "--seed", "--profile");

  /** Options from the command line ({@code args} holds {@code --query-path} and the other flags). */
  public static QueryPathOptions parse(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--query-path") || arg.equals("--quick") || arg.equals("--profile")) {
        continue;
      }
      if (!FLAGS.contains(arg)) {
        throw new IllegalArgumentException("unknown flag " + arg + " for --query-path\n" + usage());
      }
      i++; // its value, which may itself start with "--" (--server-java-options)
    }
    boolean quick = args.contains("--quick");
    Path benchData = Path.of(flag(args, "--bench-data", "bench-data"));
    String javaOptions = flag(args, "--server-java-options", "").strip();
    return new QueryPathOptions(
        quick,
        Path.of(flag(args, "--out", benchData.resolve("results").toString())),
        Path.of(flag(args, "--data", benchData.resolve("wordnet-minilm").toString())),
        Path.of(flag(args, "--work", System.getProperty("java.io.tmpdir"))),
        Path.of(flag(args, "--server-jar", defaultServerJar().toString())),
        javaOptions.isEmpty() ? List.of() : Arrays.asList(javaOptions.split("\\s+")),
        Integer.parseInt(flag(args, "--base", Integer.toString(quick ? QUICK_BASE : DEFAULT_BASE))),
        Integer.parseInt(flag(args, "--batch", "1000")),
        Integer.parseInt(flag(args, "--seconds", quick ? "1" : "10")),
        Integer.parseInt(flag(args, "--rounds", "3")),
        ints(flag(args, "--connections", "1,2")),
        ints(flag(args, "--candidates", "40,100")),
        Integer.parseInt(flag(args, "--merge-timeout", "300")),
        Long.parseLong(flag(args, "--seed", "42")),
        args.contains("--profile"));
  }

  /**
   * The server jar of the repository this bench was built in: {@code http/target/vecstore.jar}
   * beside the bench module whose {@code target/} holds these classes (the bench jar for
   * {@code bin/vecstore bench}, {@code target/classes} for tests).
   */
  static Path defaultServerJar() {
    try {
      Path code = Path.of(QueryPathOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = code; p != null; p = p.getParent()) {
        if (p.getFileName() != null && p.getFileName().toString().equals("target")) {
          Path jar = p.getParent().resolveSibling("server").resolve("target").resolve("vecstore.jar");
          if (Files.isDirectory(jar.getParent().getParent())) {
            return jar;
          }
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not run from a build tree: the relative default below
    }
    return Path.of("server", "target", "vecstore.jar");
  }

  /** The flags of this mode, for --help. */
  public static String usage() {
    return """
        usage: bin/vecstore bench --query-path [--quick] [flags]
          the cost of one query: wrk (out of process, 1 and 2 connections) against the server jar run
          as its own process, GET /health, a query on a 1-vector namespace and on the real set at each
          num_candidates, against raw Lucene in-process on the same vectors, one segment
          --quick                  synthetic seeded set (2,000 x 64-d, 200 queries), 1 s rounds
          --data DIR               real data set (default bench-data/wordnet-minilm; built by --make-data)
          --base N                 base vectors ingested (default 40000; quick 2000; 0 = all)
          --batch N                vectors per upsert request (default 1000)
          --seconds N              length of each round (default 10; quick 1)
          --rounds N               measured rounds per figure, the best reported (default 3)
          --connections a,b        wrk connections = raw-Lucene threads (default 1,2)
          --candidates a,b         num_candidates of the real-set queries (default 40,100)
          --merge-timeout N        seconds to wait for the server to merge the namespace into one segment (default 300)
          --server-jar JAR         the shaded server jar (default server/target/vecstore.jar of this build)
          --server-java-options S  extra JVM options of the server process, space-separated (default none)
          --out DIR                query-path.json and query-path.md (default bench-data/results)
          --work DIR               parent of the temporary directory, deleted afterwards (default java.io.tmpdir)
          --seed N                 synthetic set seed (default 42)
          --profile                record the server with JFR during the wrk rounds and print its request
                                   threads' time by layer (query-path-profile.txt, query-path-server.jfr)""";
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Integer::parseInt).toList();
  }
}
