package io.vecstore.bench.querypath;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server's request threads spend their time, by layer, from a JFR recording of the server
 * (execution samples of its request threads, {@code vecstore-http-N}): each sample is charged to the innermost layer its
 * stack passes through. Used by {@code bin/vecstore bench --query-path --profile}, and on its own:
 * {@code java -cp … io.vecstore.bench.querypath.ProfileLayers server.jfr [since-epoch-millis]}.
 *
 * <p>Stateless; reads the whole recording into memory.
 */
public final class ProfileLayers {

  /** A layer and the class or method names that mark it (a substring of "class.method"). */
  record Layer(String name, List<String> markers) {}

  static final List<Layer> LAYERS = List.of(
      new Layer("search: HNSW graph (Lucene)", List.of("HnswGraphSearcher", "AbstractKnnVectorQuery", "KnnFloatVectorQuery",
          "TopKnnCollector", "VectorScorer")),
      new Layer("search: exact rescoring", List.of("IndexSearch.rescore", "Metric.distance")),
      new Layer("search: stored fields (id, metadata)", List.of("StoredFields", "storedFields")),
      new Layer("search: metadata JSON", List.of("Documents.source")),
      new Layer("search: other (searcher, exact filter scan)", List.of("IndexSearch.", "IndexCore.acquireFresh")),
      new Layer("core: checks, quotas, counters", List.of("DataOps.", "QuotaGuard", "RecordValidator", "NamespaceManager.")),
      new Layer("http: read and parse body", List.of("QueryBody", "UpsertBody", "JsonBodies", "JsonStreams")),
      new Layer("http: write response", List.of("Views.", "JavalinJackson", "JsonCodec.toBytes")),
      new Layer("http: metrics", List.of("HttpMetrics", "io.micrometer")),
      new Layer("http: auth and gate", List.of("Authenticator", "Authorizer", "RequestGate")),
      new Layer("http: Javalin routing", List.of("io.javalin")),
      new Layer("Jetty (connections, HTTP parsing, I/O)", List.of("org.eclipse.jetty")));

  private ProfileLayers() {}

  public static void main(String[] args) throws IOException {
    Instant since = args.length > 1 ? Instant.ofEpochMilli(Long.parseLong(args[1])) : Instant.EPOCH;
    print(breakdown(Path.of(args[0]), since));
  }

  /** Share of the request threads' samples per layer (in {@link #LAYERS} order, then "other"), samples after {@code since}. */
  static Map<String, Double> breakdown(Path recording, Instant since) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    LAYERS.forEach(l -> counts.put(l.name(), 0));
    counts.put("other", 0);
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(since)) {
        continue;
      }
      var thread = e.getThread("sampledThread");
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith("vecstore-http")) {
        continue;
      }
      counts.merge(layerOf(stack), 1, Integer::sum);
      total++;
    }
    Map<String, Double> shares = new LinkedHashMap<>();
    for (var c : counts.entrySet()) {
      shares.put(c.getKey(), total == 0 ? 0 : (double) c.getValue() / total);
    }
    shares.put("samples", (double) total);
    return shares;
  }

  /** The innermost layer a stack passes through (frames are innermost first). */
  static String layerOf(RecordedStackTrace stack) {
    for (RecordedFrame f : stack.getFrames()) {
      String name = f.getMethod().getType().getName() + "." + f.getMethod().getName();
      for (Layer l : LAYERS) {
        for (String marker : l.markers()) {
          if (name.contains(marker)) {
            return l.name();
          }
        }
      }
    }
    return "other";
  }

  static void print(Map<String, Double> shares) {
    List<String> lines = new ArrayList<>();
    shares.forEach((k, v) -> {
      if (!k.equals("samples")) {
        lines.add(String.format(Locale.ROOT, "%6.1f%%  %s", 100 * v, k));
      }
    });
    System.out.printf(Locale.ROOT, "request threads' time by layer (%,.0f JFR samples):%n", shares.get("samples"));
    lines.forEach(System.out::println);
  }
}
