package io.vecstore.bench.querypath;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.bench.querypath.QueryPathResults.Measured;
import io.vecstore.bench.querypath.QueryPathResults.Probe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a {@code --query-path} run, the quantities derived from them and the issue's
 * targets, as a printed table, {@code query-path.json} and {@code query-path.md} (a fragment ready
 * for BENCHMARKS.md). Derived, per connection count c, from mean latencies:
 *
 * <ul>
 *   <li>request work = 1-vector query − health; target at one connection: ≤ {@value #REQUEST_WORK_LIMIT} × health;
 *   <li>search inside the server = real-set query − 1-vector query, per num_candidates; target: ≤
 *       {@value #SEARCH_LIMIT} × raw Lucene (c threads);
 *   <li>p99 of each query ≤ health's p99 + {@value #P99_SLACK_US} µs;
 *   <li>ingest ratio = HTTP vectors/s ÷ raw Lucene vectors/s; target ≥ {@value #INGEST_LIMIT}.
 * </ul>
 *
 * Targets are judged at one connection (the smallest measured); other counts are reported beside.
 * Immutable; thread-safe.
 */
final class QueryPathReport {

  static final double REQUEST_WORK_LIMIT = 0.5;
  static final double SEARCH_LIMIT = 1.25;
  static final double P99_SLACK_US = 1000;
  static final double INGEST_LIMIT = 0.9;
  /** The Pinecone-compatible query must cost no more than ours: at least this share of its QPS. */
  static final double PINECONE_LIMIT = 0.95;

  /** Machine keys: the share of the CPU others used during the whole run, and while wrk and raw Lucene measured. */
  static final String OTHERS_SHARE_RUN = "others_cpu_share_run";
  static final String OTHERS_SHARE_MEASURING = "others_cpu_share_measuring";

  /** Above this share of the CPU used by other processes while measuring, the report warns. */
  static final double BUSY_SHARE = 0.05;

  /** One of the targets. {@code atMost}: the value must not exceed the limit, else reach it. */
  record Target(String name, int connections, double value, boolean atMost, double limit) {
    boolean met() {
      return atMost ? value <= limit : value >= limit;
    }
  }

  /** Search inside the server at one num_candidates and connection count. */
  record Search(int numCandidates, double realUs, double searchUs, double luceneUs, double ratio) {}

  /** The derived figures at one connection count. */
  record Derived(int connections, double healthUs, double oneVectorUs, double requestWorkUs, double requestWorkRatio,
      List<Search> searches, double healthP99Us) {}

  private final QueryPathResults r;
  private final List<Derived> derived = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private Target requestWork;
  private final Map<Integer, Target> search = new HashMap<>();
  private Target oneVectorP99;
  private final Map<Integer, Target> realP99 = new HashMap<>();
  private final Map<Integer, Target> pinecone = new HashMap<>();
  private final Target ingest;

  QueryPathReport(QueryPathResults results) {
    this.r = results;
    int single = results.options().connections().stream().mapToInt(Integer::intValue).min().orElseThrow();
    for (int c : results.options().connections()) {
      Latency health = get(Probe.HEALTH, 0, c);
      Latency one = get(Probe.ONE_VECTOR, 0, c);
      List<Search> searches = new ArrayList<>();
      for (int nc : results.options().candidates()) {
        Latency real = get(Probe.REAL, nc, c);
        Latency lucene = get(Probe.LUCENE, nc, c);
        double search = real.meanUs() - one.meanUs();
        searches.add(new Search(nc, real.meanUs(), search, lucene.meanUs(), search / lucene.meanUs()));
      }
      double work = one.meanUs() - health.meanUs();
      Derived d = new Derived(c, health.meanUs(), one.meanUs(), work, work / health.meanUs(), searches, health.p99Us());
      derived.add(d);
      if (c == single) {
        requestWork = add(new Target("request work / bare round trip", c, d.requestWorkRatio(), true, REQUEST_WORK_LIMIT));
        for (Search s : searches) {
          search.put(s.numCandidates(), add(new Target("search inside server / raw Lucene, num_candidates " + s.numCandidates(),
              c, s.ratio(), true, SEARCH_LIMIT)));
        }
        double limit = health.p99Us() + P99_SLACK_US;
        oneVectorP99 = add(new Target("p99 µs of the 1-vector query vs health p99 + 1 ms", c, one.p99Us(), true, limit));
        for (int nc : results.options().candidates()) {
          realP99.put(nc, add(new Target("p99 µs of the real-set query, num_candidates " + nc + " vs health p99 + 1 ms", c,
              get(Probe.REAL, nc, c).p99Us(), true, limit)));
        }
      }
      for (int nc : results.options().candidates()) {
        Target t = add(new Target("QPS of /pinecone/query / QPS of our query route, num_candidates " + nc, c,
            pineconeShare(nc, c), false, PINECONE_LIMIT));
        if (c == single) {
          pinecone.put(nc, t);
        }
      }
    }
    ingest = add(new Target("ingest ratio HTTP / raw Lucene", 1, results.ingest().ratio(), false, INGEST_LIMIT));
  }

  /** The Pinecone-compatible route's QPS as a share of our own query route's, same queries. */
  private double pineconeShare(int nc, int c) {
    return get(Probe.PINECONE, nc, c).perSecond() / get(Probe.REAL, nc, c).perSecond();
  }

  private Target add(Target t) {
    targets.add(t);
    return t;
  }

  private Latency get(Probe probe, int nc, int c) {
    Measured m = r.find(probe, nc, c);
    if (m == null) {
      throw new IllegalStateException("no figure for " + probe.key + " nc " + nc + " c " + c);
    }
    return m.best();
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  List<Derived> derived() {
    return List.copyOf(derived);
  }

  /** Writes {@code query-path.json} and {@code query-path.md} into {@code dir}. */
  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("query-path.json"), toJson());
    Files.writeString(dir.resolve("query-path.md"), toMarkdown());
  }

  String toJson() throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("mode", "query-path");
    root.set("machine", json.valueToTree(r.machine()));
    root.set("dataset", json.valueToTree(r.dataset()));
    QueryPathOptions o = r.options();
    ObjectNode opts = root.putObject("options");
    opts.put("quick", o.quick()).put("base", r.ingest().vectors()).put("batch", o.batch()).put("k", QueryPathOptions.K)
        .put("round_seconds", o.roundSeconds()).put("rounds", o.rounds()).put("durability", "request");
    o.connections().forEach(opts.putArray("connections")::add);
    o.candidates().forEach(opts.putArray("num_candidates")::add);
    ObjectNode server = root.putObject("server");
    r.serverCommand().forEach(server.putArray("command")::add);
    server.put("exit_status", r.serverExitStatus());
    root.put("client", r.wrkVersion());
    ObjectNode ingest = root.putObject("ingest");
    ingest.put("vectors", r.ingest().vectors()).put("batch", r.ingest().batch()).put("http_seconds", r.ingest().httpSeconds())
        .put("http_vectors_per_s", r.ingest().httpRate()).put("lucene_seconds", r.ingest().luceneSeconds())
        .put("lucene_vectors_per_s", r.ingest().luceneRate()).put("ratio", r.ingest().ratio())
        .put("lucene_force_merge_seconds", r.ingest().luceneMergeSeconds());
    QueryPathResults.Segments s = r.segments();
    root.putObject("segments").put("server_real_before", s.realBefore()).put("server_real_after", s.realAfter())
        .put("server_one_vector", s.oneVector()).put("lucene", s.lucene()).put("server_merge_wait_seconds", s.mergeWaitSeconds());
    ArrayNode recall = root.putArray("recall_at_10");
    for (QueryPathResults.Recall rc : r.recall()) {
      recall.addObject().put("num_candidates", rc.numCandidates()).put("queries", rc.queries()).put("server", rc.server())
          .put("lucene", rc.lucene());
    }
    measurements(root.putArray("http"), r.http());
    measurements(root.putArray("lucene"), r.lucene());
    ArrayNode der = root.putArray("derived");
    for (Derived d : derived) {
      ObjectNode n = der.addObject().put("connections", d.connections()).put("health_us", d.healthUs())
          .put("one_vector_us", d.oneVectorUs()).put("request_work_us", d.requestWorkUs())
          .put("request_work_ratio", d.requestWorkRatio()).put("health_p99_us", d.healthP99Us());
      ArrayNode ss = n.putArray("search_inside_server");
      for (Search x : d.searches()) {
        ss.addObject().put("num_candidates", x.numCandidates()).put("real_us", x.realUs()).put("search_us", x.searchUs())
            .put("lucene_us", x.luceneUs()).put("ratio", x.ratio());
      }
    }
    ArrayNode ts = root.putArray("targets");
    for (Target t : targets) {
      ts.addObject().put("name", t.name()).put("connections", t.connections()).put("value", t.value())
          .put("comparison", t.atMost() ? "<=" : ">=").put("limit", t.limit()).put("met", t.met());
    }
    root.put("seconds", r.seconds());
    if (busy() != null) {
      root.put("warning", busy());
    }
    return json.writeValueAsString(root);
  }

  private static void measurements(ArrayNode out, List<Measured> ms) {
    for (Measured m : ms) {
      Latency l = m.best();
      ObjectNode n = out.addObject().put("request", m.probe().key);
      if (m.numCandidates() > 0) {
        n.put("num_candidates", m.numCandidates());
      }
      n.put("connections", m.connections()).put("mean_us", l.meanUs()).put("p50_us", l.p50Us()).put("p99_us", l.p99Us())
          .put("max_us", l.maxUs()).put("per_second", l.perSecond()).put("count", l.count()).put("non_2xx", m.failures());
      m.roundMeansUs().forEach(n.putArray("round_means_us")::add);
      if (!Double.isNaN(m.wrkMeanUs())) {
        Latency u = m.uncorrected();
        n.put("wrk_corrected_mean_us", m.wrkMeanUs());
        n.putObject("uncorrected").put("mean_us", u.meanUs()).put("p50_us", u.p50Us()).put("p99_us", u.p99Us())
            .put("max_us", u.maxUs()).put("count", u.count());
      }
    }
  }

  /** The Markdown fragment for BENCHMARKS.md. */
  String toMarkdown() {
    QueryPathOptions o = r.options();
    List<Integer> cs = o.connections();
    StringBuilder md = new StringBuilder();
    md.append("### Query path (`bin/vecstore bench --query-path").append(o.quick() ? " --quick" : "").append("`)\n\n");
    md.append(String.format(Locale.ROOT, "Data: %s; %,d base vectors ingested, %d held-out queries rotated, k = %d. "
            + "Server: the shaded jar as its own process (`serve`, durability `request`, launcher JVM flags). "
            + "Client: %s, out of process, one thread per connection, c connections; each figure is the best of %d "
            + "rounds of %d s after a warm-up round; mean = time per request (c ÷ requests/s), p50/p99 from wrk's "
            + "latency distribution (corrected for coordinated omission by wrk). Raw Lucene: the same vectors "
            + "in-process, one segment, `KnnFloatVectorQuery(k = num_candidates)`, top %d and their stored ids, c "
            + "threads, every query timed, best of %d rounds. Other processes used %s of the machine's CPU while it "
            + "measured (%s over the whole run; load average %s at the start); the run took %.0f s.%n%n",
        r.dataset().get("description"), r.ingest().vectors(), ((Number) r.dataset().get("queries")).intValue(),
        QueryPathOptions.K, r.wrkVersion(), o.rounds(), o.roundSeconds(), QueryPathOptions.K, o.rounds(),
        percent(OTHERS_SHARE_MEASURING), percent(OTHERS_SHARE_RUN), r.machine().get("load_average_start"), r.seconds()));
    String busy = busy();
    if (busy != null) {
      md.append("**").append(busy).append("**\n\n");
    }
    md.append("| request |");
    for (int c : cs) {
      md.append(String.format(Locale.ROOT, " c=%d mean µs | p50 µs | p99 µs | req/s |", c));
    }
    md.append("\n|---|").append("---:|---:|---:|---:|".repeat(cs.size())).append('\n');
    row(md, Probe.HEALTH.label, Probe.HEALTH, 0, cs);
    row(md, Probe.ONE_VECTOR.label, Probe.ONE_VECTOR, 0, cs);
    for (int nc : o.candidates()) {
      row(md, String.format(Locale.ROOT, "query, %,d vectors, num_candidates %d", r.ingest().vectors(), nc), Probe.REAL, nc, cs);
    }
    for (int nc : o.candidates()) {
      row(md, String.format(Locale.ROOT, "`/pinecone/query`, %,d vectors, maxCandidates %d", r.ingest().vectors(), nc),
          Probe.PINECONE, nc, cs);
    }
    for (int nc : o.candidates()) {
      row(md, String.format(Locale.ROOT, "raw Lucene, num_candidates %d (c threads)", nc), Probe.LUCENE, nc, cs);
    }
    md.append("\nThe same rounds timed by the wrk script itself, per request and uncorrected (µs):\n\n| request |");
    for (int c : cs) {
      md.append(String.format(Locale.ROOT, " c=%d p50 | p99 | max | wrk's corrected mean |", c));
    }
    md.append("\n|---|").append("---:|---:|---:|---:|".repeat(cs.size())).append('\n');
    uncorrectedRow(md, Probe.HEALTH.label, Probe.HEALTH, 0, cs);
    uncorrectedRow(md, Probe.ONE_VECTOR.label, Probe.ONE_VECTOR, 0, cs);
    for (int nc : o.candidates()) {
      uncorrectedRow(md, String.format(Locale.ROOT, "query, %,d vectors, num_candidates %d", r.ingest().vectors(), nc),
          Probe.REAL, nc, cs);
    }
    md.append("\n| derived (mean µs) |");
    for (int c : cs) {
      md.append(" c=").append(c).append(" |");
    }
    md.append(" target (c=").append(cs.stream().mapToInt(Integer::intValue).min().orElseThrow()).append(") |\n|---|")
        .append("---:|".repeat(cs.size())).append("---|\n");
    derivedRow(md, "request work = 1-vector − health", cs, d -> us(d.requestWorkUs()), "");
    derivedRow(md, "request work / health", cs, d -> ratio(d.requestWorkRatio()), mark(requestWork));
    for (int i = 0; i < o.candidates().size(); i++) {
      int at = i;
      int nc = o.candidates().get(i);
      derivedRow(md, "search inside server, nc " + nc + " = real − 1-vector", cs, d -> us(d.searches().get(at).searchUs()), "");
      derivedRow(md, "raw Lucene, nc " + nc, cs, d -> us(d.searches().get(at).luceneUs()), "");
      derivedRow(md, "search inside server / raw Lucene, nc " + nc, cs, d -> ratio(d.searches().get(at).ratio()),
          mark(search.get(nc)));
    }
    derivedRow(md, "p99 limit = health p99 + 1 ms", cs, d -> us(d.healthP99Us() + P99_SLACK_US), "");
    derivedRow(md, "p99, query on 1 vector", cs, d -> us(get(Probe.ONE_VECTOR, 0, d.connections()).p99Us()), mark(oneVectorP99));
    for (int nc : o.candidates()) {
      derivedRow(md, "p99, real-set query, nc " + nc, cs, d -> us(get(Probe.REAL, nc, d.connections()).p99Us()),
          mark(realP99.get(nc)));
    }
    for (int nc : o.candidates()) {
      derivedRow(md, "QPS of /pinecone/query / QPS of our query route, nc " + nc, cs,
          d -> ratio(pineconeShare(nc, d.connections())), mark(pinecone.get(nc)));
    }
    // The same comparison on the script's uncorrected timings: when only the corrected p99 misses,
    // stalls (a pause of the server or of the machine) made the tail, not the requests' own work.
    int single = cs.stream().mapToInt(Integer::intValue).min().orElseThrow();
    double healthRaw = r.find(Probe.HEALTH, 0, single).uncorrected().p99Us();
    derivedRow(md, "uncorrected p99 limit = health's + 1 ms", cs,
        d -> us(r.find(Probe.HEALTH, 0, d.connections()).uncorrected().p99Us() + P99_SLACK_US), "");
    derivedRow(md, "uncorrected p99, query on 1 vector", cs,
        d -> us(r.find(Probe.ONE_VECTOR, 0, d.connections()).uncorrected().p99Us()),
        info(r.find(Probe.ONE_VECTOR, 0, single).uncorrected().p99Us(), healthRaw + P99_SLACK_US));
    for (int nc : o.candidates()) {
      derivedRow(md, "uncorrected p99, real-set query, nc " + nc, cs,
          d -> us(r.find(Probe.REAL, nc, d.connections()).uncorrected().p99Us()),
          info(r.find(Probe.REAL, nc, single).uncorrected().p99Us(), healthRaw + P99_SLACK_US));
    }
    QueryPathResults.Ingest in = r.ingest();
    md.append(String.format(Locale.ROOT, "%nIngest, %,d vectors in batches of %,d over HTTP, one client thread, durability "
            + "`request`: %,.0f vectors/s (%.1f s); raw Lucene, one thread, addDocument + commit: %,.0f vectors/s "
            + "(%.1f s; forceMerge(1) afterwards %.1f s); ratio %.2f %s.%n",
        in.vectors(), in.batch(), in.httpRate(), in.httpSeconds(), in.luceneRate(), in.luceneSeconds(),
        in.luceneMergeSeconds(), in.ratio(), mark(ingest)));
    QueryPathResults.Segments s = r.segments();
    md.append(String.format(Locale.ROOT, "%nSegments: server's real namespace %d before the queries (merged by the server "
            + "%.0f s after the last upsert reply), %d after; 1-vector namespace %d; raw Lucene %d.%n",
        s.realBefore(), s.mergeWaitSeconds(), s.realAfter(), s.oneVector(), s.lucene()));
    md.append("\nRecall@10 against the exact top 10 (server over HTTP, not timed / raw Lucene):");
    for (QueryPathResults.Recall rc : r.recall()) {
      md.append(String.format(Locale.ROOT, " num_candidates %d: %.4f / %.4f;", rc.numCandidates(), rc.server(), rc.lucene()));
    }
    md.setLength(md.length() - 1);
    md.append(".\n\nTargets (one connection, and the Pinecone route at every connection count): ");
    long met = targets.stream().filter(Target::met).count();
    md.append(met).append(" of ").append(targets.size()).append(" met.\n");
    return md.toString();
  }

  /**
   * A warning when other processes used more than {@value #BUSY_SHARE} of the machine's CPU while
   * wrk and raw Lucene measured (or, where that is unknown, when the 1-minute load average at the
   * start was above half the cores): every figure, and its verdict, is then suspect.
   */
  String busy() {
    double share = share(OTHERS_SHARE_MEASURING);
    if (!Double.isNaN(share)) {
      return share <= BUSY_SHARE ? null : String.format(Locale.ROOT, "Other processes used %.0f%% of the machine's CPU "
          + "while the bench measured: these figures are not comparable with a quiet run; run it again on a quiet "
          + "machine.", 100 * share);
    }
    int cores = ((Number) r.machine().getOrDefault("cores", 1)).intValue();
    Object load = r.machine().get("load_average_start");
    try {
      if (load != null && Double.parseDouble(load.toString().split(" ")[0]) > cores / 2.0) {
        return String.format(Locale.ROOT, "The machine was busy when the run started (load average %s, %d cores): these "
            + "figures are not comparable with a quiet run; run it again on a quiet machine.", load, cores);
      }
    } catch (NumberFormatException e) {
      // "unknown": nothing to judge
    }
    return null;
  }

  private double share(String key) {
    Object v = r.machine().get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private String percent(String key) {
    double v = share(key);
    return Double.isNaN(v) ? "unknown" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private void row(StringBuilder md, String label, Probe probe, int nc, List<Integer> cs) {
    md.append("| ").append(label).append(" |");
    for (int c : cs) {
      Latency l = r.find(probe, nc, c).best();
      md.append(String.format(Locale.ROOT, " %s | %s | %s | %,.0f |", us(l.meanUs()), us(l.p50Us()), us(l.p99Us()), l.perSecond()));
    }
    md.append('\n');
  }

  private void uncorrectedRow(StringBuilder md, String label, Probe probe, int nc, List<Integer> cs) {
    md.append("| ").append(label).append(" |");
    for (int c : cs) {
      Measured m = r.find(probe, nc, c);
      Latency u = m.uncorrected();
      md.append(String.format(Locale.ROOT, " %s | %s | %s | %s |", us(u.p50Us()), us(u.p99Us()), us(u.maxUs()), us(m.wrkMeanUs())));
    }
    md.append('\n');
  }

  private void derivedRow(StringBuilder md, String label, List<Integer> cs, java.util.function.Function<Derived, String> value,
      String target) {
    md.append("| ").append(label).append(" |");
    for (int c : cs) {
      Derived d = derived.stream().filter(x -> x.connections() == c).findFirst().orElseThrow();
      md.append(' ').append(value.apply(d)).append(" |");
    }
    md.append(' ').append(target).append(" |\n");
  }

  static String mark(Target t) {
    String limit = t.name().startsWith("p99") ? us(t.limit()) + " µs" : ratio(t.limit());
    return (t.atMost() ? "≤ " : "≥ ") + limit + (t.met() ? ": met" : ": **not met**");
  }

  /** A comparison shown for information, not one of the targets. */
  private static String info(double value, double limit) {
    return "(info) ≤ " + us(limit) + " µs: " + (value <= limit ? "yes" : "no");
  }

  static String us(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String ratio(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
