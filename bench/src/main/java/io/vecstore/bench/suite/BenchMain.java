package io.vecstore.bench.suite;

import static io.vecstore.bench.BenchUtil.flag;

import io.vecstore.bench.dataset.Dataset;
import io.vecstore.bench.dataset.DatasetBuilder;
import io.vecstore.bench.dataset.SyntheticDataset;
import io.vecstore.bench.dataset.WordNetCorpus;
import io.vecstore.bench.hybrid.HybridBench;
import io.vecstore.bench.querypath.QueryPathBench;
import io.vecstore.bench.querypath.QueryPathOptions;
import io.vecstore.core.index.Quantization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code bin/vecstore bench [--quick] [--out DIR] …}: runs the registered {@link Scenarios}
 * against the real server over loopback HTTP and against raw Lucene, prints the table and writes
 * {@code results.json} and {@code results.md}. Flags: bench/README.md.
 */
public final class BenchMain {

  /** Size of the quick synthetic base set: small enough for CI, large enough for HNSW to matter. */
  static final int QUICK_BASE = 2_000;

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    if (a.contains("--help") || a.contains("-h")) {
      System.out.println(a.contains("--query-path") ? QueryPathOptions.usage()
          : a.contains("--hybrid") ? HybridBench.usage() : usage());
      return;
    }
    if (a.contains("--make-data")) {
      Path dir = Path.of(flag(a, "--data", Path.of(flag(a, "--bench-data", "bench-data"), "wordnet-minilm").toString()));
      if (a.contains("--force")) {
        DatasetBuilder.main(new String[] {"--out", dir.toString(), "--force"});
      } else {
        DatasetBuilder.ensure(dir, WordNetCorpus.DEFAULT_DIR, 0, Runtime.getRuntime().availableProcessors());
      }
      return;
    }
    if (a.contains("--query-path")) {
      QueryPathBench.run(QueryPathOptions.parse(a), machine());
      return;
    }
    if (a.contains("--hybrid")) {
      HybridBench.run(a, machine());
      return;
    }
    BenchOptions options = parse(a);
    run(options);
  }

  static BenchOptions parse(List<String> a) {
    boolean quick = a.contains("--quick");
    Path benchData = Path.of(flag(a, "--bench-data", "bench-data"));
    for (String arg : a) {
      if (arg.startsWith("--") && !KNOWN.contains(arg)) {
        throw new IllegalArgumentException("unknown flag " + arg + "\n" + usage());
      }
    }
    return new BenchOptions(
        quick,
        Path.of(flag(a, "--out", benchData.resolve("results").toString())),
        Path.of(flag(a, "--data", benchData.resolve("wordnet-minilm").toString())),
        Path.of(flag(a, "--work", System.getProperty("java.io.tmpdir"))),
        Integer.parseInt(flag(a, "--threads", "2")),
        list(flag(a, "--concurrency", "1,2"), Integer::parseInt),
        list(flag(a, "--candidates", "default,20,50,100,200,400"), s -> s.equals("default") ? 0 : Integer.parseInt(s)),
        list(flag(a, "--quantizations", "none,int8,int4,bbq"), Quantization::parse),
        list(flag(a, "--scenarios", String.join(",", Scenarios.all().stream().map(Scenario::name).toList())), s -> s),
        Integer.parseInt(flag(a, "--queries", quick ? "200" : "1000")),
        Integer.parseInt(flag(a, "--warmup", quick ? "50" : "500")),
        list(flag(a, "--batches", "100,1000"), Integer::parseInt),
        Long.parseLong(flag(a, "--seed", "42")),
        Integer.parseInt(flag(a, "--base", "0")));
  }

  /** Runs the scenarios and writes the report into {@code options.out()}; returns the report. */
  public static Report run(BenchOptions options) throws Exception {
    List<Scenario> scenarios = Scenarios.select(options.scenarios());
    long t0 = System.nanoTime();
    Dataset data;
    if (options.quick()) {
      data = SyntheticDataset.create(options.seed(), QUICK_BASE, 200, 64, options.threads());
    } else {
      if (!Dataset.exists(options.dataDir())) {
        System.out.println("no data set in " + options.dataDir() + ": building it (embeds ~117k texts, 15-25 minutes on 2 cores)");
        DatasetBuilder.ensure(options.dataDir(), WordNetCorpus.DEFAULT_DIR, 0, Runtime.getRuntime().availableProcessors());
      }
      data = Dataset.load(options.dataDir());
      if (options.base() > 0) {
        data = data.truncate(options.base(), options.threads());
      }
    }
    System.out.printf(Locale.ROOT, "data set: %s%n", data.description());
    Report report = new Report();
    report.header("machine", machine());
    Map<String, Object> ds = new LinkedHashMap<>();
    ds.put("name", data.name());
    ds.put("description", data.description());
    ds.put("base", data.base().length);
    ds.put("queries", Math.min(options.queries(), data.queries().length));
    ds.put("dimension", data.dimension());
    List<Map<String, Object>> filters = new ArrayList<>();
    for (Dataset.Filter f : data.filters()) {
      filters.add(Map.of("name", f.name(), "categories", f.categories(), "matches", f.matches(), "fraction", f.fraction()));
    }
    ds.put("filters", filters);
    report.header("dataset", ds);
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("quick", options.quick());
    opts.put("threads", options.threads());
    opts.put("concurrency", options.concurrencies());
    opts.put("num_candidates", options.candidates().stream().map(QueryScenario::nc).toList());
    opts.put("quantizations", options.quantizations().stream().map(Quantization::wireName).toList());
    opts.put("batches", options.batches());
    opts.put("k", QueryScenario.K);
    opts.put("warmup", options.warmup());
    opts.put("durability", "request");
    opts.put("scenarios", scenarios.stream().map(Scenario::name).toList());
    report.header("options", opts);
    report.header("started_at", Instant.now().toString());
    try (BenchContext ctx = new BenchContext(data, options)) {
      for (Scenario s : scenarios) {
        System.out.printf(Locale.ROOT, "%n== %s: %s ==%n", s.name(), s.description());
        s.run(ctx, report);
      }
    }
    report.header("seconds", Math.round((System.nanoTime() - t0) / 1e9));
    report.write(options.out());
    report.print(System.out);
    System.out.println("results written to " + options.out().resolve("results.json") + " and results.md");
    return report;
  }

  /** The machine the bench runs on: cpu model, cores, java, os, heap, whether Lucene's SIMD module is there. */
  public static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpu", cpuModel());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", Runtime.version().toString());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    m.put("vector_incubator", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    return m;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture alone
    }
    return System.getProperty("os.arch");
  }

  private static final List<String> KNOWN = List.of("--quick", "--out", "--data", "--work", "--threads", "--concurrency",
      "--candidates", "--quantizations", "--scenarios", "--queries", "--warmup", "--batches", "--seed", "--base", "--bench-data");

  static String usage() {
    return """
        usage: bin/vecstore bench [--quick] [--out DIR] [flags]
               bin/vecstore bench --query-path [--quick] [flags]   (its flags: bin/vecstore bench --query-path --help)
               bin/vecstore bench --hybrid [--quick] [flags]       (its flags: bin/vecstore bench --hybrid --help)
          --quick                synthetic seeded set (2,000 x 64-d, 200 queries) instead of the real embeddings
          --out DIR              results.json and results.md (default bench-data/results)
          --data DIR             real data set (default bench-data/wordnet-minilm; built there when missing)
          --bench-data DIR       the bench-data directory the two defaults above are in (bin/vecstore: the repository's)
          --make-data [--force]  only build (or rebuild) the real data set
          --scenarios a,b        of: %s (default all)
          --quantizations a,b    of none,int8,int4,bbq (default all)
          --candidates a,b       num_candidates sweep, 'default' = the namespace default (default default,20,50,100,200,400)
          --concurrency a,b      query client threads (default 1,2)
          --threads N            ingest client threads and raw-Lucene indexing threads (default 2)
          --batches a,b          upsert batch sizes; the last builds the query indexes (default 100,1000)
          --queries N            queries per measured run (default all: 1000; quick 200)
          --warmup N             unmeasured queries per index first (default 500; quick 50)
          --work DIR             temporary server data and Lucene directories (default java.io.tmpdir)
          --base N               only the first N base vectors of the real set (ground truth recomputed)
          --seed N               synthetic set seed (default 42)""".formatted(String.join(",", Scenarios.all().stream().map(Scenario::name).toList()));
  }

  private static <T> List<T> list(String csv, Function<String, T> parse) {
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(parse).toList();
  }

}
