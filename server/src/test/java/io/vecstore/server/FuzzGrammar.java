package io.vecstore.server;

import static io.vecstore.server.FuzzJson.arr;
import static io.vecstore.server.FuzzJson.bool;
import static io.vecstore.server.FuzzJson.num;
import static io.vecstore.server.FuzzJson.obj;
import static io.vecstore.server.FuzzJson.str;

import io.vecstore.server.FuzzJson.Arr;
import io.vecstore.server.FuzzJson.J;
import io.vecstore.server.FuzzJson.Obj;
import io.vecstore.server.FuzzJson.Raw;
import io.vecstore.server.FuzzJson.Slot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The request grammar of every REST route (DESIGN.md §4, README "Routes"): a valid request built from
 * the route's real schema (field names, types, plausible values, nested quotas, metadata, string and
 * JSON filters; path parameters; query strings), then 0 to 3 mutations of its body tree, body bytes,
 * path, query string, headers, method or framing. Never addresses the sentinel namespaces: every
 * namespace id it produces is a fuzz namespace ({@code fz-…}) or junk that cannot name one.
 *
 * <p>Not thread-safe; one per fuzz run.
 */
final class FuzzGrammar {

  /** What the grammar may address. Mutable lists: the test adds namespaces it sees created. */
  static final class Targets {
    final String adminKey;
    final List<String> fuzzNamespaces = new ArrayList<>();
    /** Namespace keys of the fuzz namespaces (a read key and a write key of fz-a). */
    final List<String> namespaceKeys = new ArrayList<>();
    String validCursor;
    byte[] exportArchive = new byte[0];
    String luceneFixture = "/nonexistent";
    int created;

    Targets(String adminKey) {
      this.adminKey = adminKey;
    }
  }

  /** How the body is framed on the wire. */
  enum Framing {
    LENGTH, CHUNKED, NO_LENGTH, LENGTH_SHORT, LENGTH_LONG, LENGTH_AND_CHUNKED, BAD_CHUNKED, TWO_LENGTHS, BAD_LENGTH
  }

  /** One generated request, with what was done to it. */
  static final class FuzzRequest {
    final String route;
    String method;
    /** Request target as ISO-8859-1 characters (one char per byte on the wire). */
    String path;
    String query;
    String version = "HTTP/1.1";
    final List<String[]> headers = new ArrayList<>();
    byte[] body;
    Framing framing = Framing.LENGTH;
    boolean hostHeader = true;
    boolean brokenRequestLine;
    /** The key sent: admin, namespace, invalid, none. */
    String keyKind = "admin";
    final List<String> mutations = new ArrayList<>();

    FuzzRequest(String route, String method, String path, String query) {
      this.route = route;
      this.method = method;
      this.path = path;
      this.query = query;
    }

    boolean head() {
      return method.equals("HEAD");
    }

    /** Whether the connection should be half-closed after sending (a body the server would wait for). */
    boolean halfClose() {
      return framing == Framing.LENGTH_LONG || framing == Framing.BAD_CHUNKED;
    }

    void header(String name, String value) {
      headers.add(new String[] {name, value});
    }

    void removeHeader(String name) {
      headers.removeIf(h -> h[0].equalsIgnoreCase(name));
    }

    String headerValue(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    String target() {
      return query == null ? path : path + "?" + query;
    }

    byte[] toBytes(int port) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target()).append(' ').append(version).append("\r\n");
      if (hostHeader) {
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      for (String[] h : headers) {
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      byte[] b = body;
      switch (framing) {
        case LENGTH -> {
          if (b != null) {
            head.append("Content-Length: ").append(b.length).append("\r\n");
          }
        }
        case NO_LENGTH -> { }
        case LENGTH_SHORT -> head.append("Content-Length: ").append(b == null ? 0 : Math.max(0, b.length / 2)).append("\r\n");
        case LENGTH_LONG -> head.append("Content-Length: ").append((b == null ? 0 : b.length) + 100).append("\r\n");
        case CHUNKED, BAD_CHUNKED -> head.append("Transfer-Encoding: chunked\r\n");
        case LENGTH_AND_CHUNKED -> head.append("Content-Length: ").append(b == null ? 0 : b.length)
            .append("\r\nTransfer-Encoding: chunked\r\n");
        case TWO_LENGTHS -> head.append("Content-Length: ").append(b == null ? 0 : b.length)
            .append("\r\nContent-Length: ").append((b == null ? 0 : b.length) + 1).append("\r\n");
        case BAD_LENGTH -> head.append("Content-Length: ").append(b == null || b.length % 2 == 0 ? "-1" : "12abc").append("\r\n");
      }
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (b != null) {
        switch (framing) {
          case CHUNKED, LENGTH_AND_CHUNKED -> {
            int at = 0;
            while (at < b.length) {
              int n = Math.min(b.length - at, 1 + (b.length / 3));
              out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
              out.write(b, at, n);
              out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
              at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          case BAD_CHUNKED -> {
            out.writeBytes(("zz\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(b);
          }
          default -> out.writeBytes(b);
        }
      }
      return out.toByteArray();
    }

    /** Printable form of the request for failure messages (bytes beyond {@code max} elided). */
    String describe(int port, int max) {
      byte[] raw = toBytes(port);
      StringBuilder s = new StringBuilder();
      int n = Math.min(raw.length, max);
      for (int i = 0; i < n; i++) {
        int c = raw[i] & 0xff;
        if (c == '\r') {
          s.append("\\r");
        } else if (c == '\n') {
          s.append("\\n");
        } else if (c == '\\') {
          s.append("\\\\");
        } else if (c < 0x20 || c >= 0x7f) {
          s.append(String.format("\\x%02x", c));
        } else {
          s.append((char) c);
        }
      }
      if (raw.length > max) {
        s.append("…(").append(raw.length).append(" bytes in all)");
      }
      return s.toString();
    }
  }

  private final Random r;
  private final Targets t;

  FuzzGrammar(Random random, Targets targets) {
    this.r = random;
    this.t = targets;
  }

  // --- routes --------------------------------------------------------------------------------------

  private record Route(String label, int weight, Supplier<FuzzRequest> build) {}

  private final List<Route> routes = List.of(
      new Route("POST /admin/namespaces", 6, this::create),
      new Route("GET /admin/namespaces", 4, this::list),
      new Route("GET /admin/namespaces/{id}", 3, () -> bare("GET", "/admin/namespaces/{id}", "/admin/namespaces/" + ns())),
      new Route("DELETE /admin/namespaces/{id}", 1, () -> bare("DELETE", "/admin/namespaces/{id}", "/admin/namespaces/" + deletableNs())),
      new Route("PUT /admin/namespaces/{id}/quotas", 5, () -> withBody("PUT", "/admin/namespaces/{id}/quotas",
          "/admin/namespaces/" + ns() + "/quotas", withOverride(quotas()))),
      new Route("PUT /admin/namespaces/{id}/plan", 2, () -> withBody("PUT", "/admin/namespaces/{id}/plan",
          "/admin/namespaces/" + ns() + "/plan", planChange())),
      new Route("PUT /admin/namespaces/{id}/quota-policy", 2, () -> withBody("PUT", "/admin/namespaces/{id}/quota-policy",
          "/admin/namespaces/" + ns() + "/quota-policy", quotaPolicyBody())),
      new Route("GET /admin/namespaces/{id}/events", 2, this::events),
      new Route("GET /admin/plans", 1, () -> bare("GET", "/admin/plans", "/admin/plans")),
      new Route("PUT /admin/namespaces/{id}/status", 4, () -> withBody("PUT", "/admin/namespaces/{id}/status",
          "/admin/namespaces/" + ns() + "/status", obj().put("status", str(pick(STATUSES))))),
      new Route("GET /admin/namespaces/{id}/stats", 3, () -> bare("GET", "/admin/namespaces/{id}/stats", "/admin/namespaces/" + ns() + "/stats")),
      new Route("POST /admin/namespaces/{id}/compact", 1, () -> bare("POST", "/admin/namespaces/{id}/compact", "/admin/namespaces/" + ns() + "/compact")),
      new Route("POST /admin/namespaces/{id}/keys", 3, () -> withBody("POST", "/admin/namespaces/{id}/keys",
          "/admin/namespaces/" + ns() + "/keys", keyRequest())),
      new Route("GET /admin/namespaces/{id}/keys", 2, () -> bare("GET", "/admin/namespaces/{id}/keys", "/admin/namespaces/" + ns() + "/keys")),
      new Route("DELETE /admin/namespaces/{id}/keys/{name}", 2, () -> bare("DELETE", "/admin/namespaces/{id}/keys/{name}",
          "/admin/namespaces/" + ns() + "/keys/" + pick(KEY_NAMES))),
      new Route("GET /admin/stats", 2, () -> bare("GET", "/admin/stats", "/admin/stats")),
      new Route("GET /admin/usage", 4, this::usage),
      new Route("POST /admin/namespaces/import", 2, this::importArchive),
      new Route("POST /admin/namespaces/import-lucene", 2, this::importLucene),
      new Route("POST /admin/namespaces/{id}/snapshots", 3, this::createSnapshot),
      new Route("GET /admin/namespaces/{id}/snapshots", 2, () -> bare("GET", "/admin/namespaces/{id}/snapshots",
          "/admin/namespaces/" + ns() + "/snapshots")),
      new Route("GET /admin/namespaces/{id}/snapshots/{name}", 2, () -> bare("GET", "/admin/namespaces/{id}/snapshots/{name}",
          "/admin/namespaces/" + ns() + "/snapshots/" + pick(SNAPSHOT_NAMES))),
      new Route("DELETE /admin/namespaces/{id}/snapshots/{name}", 1, () -> bare("DELETE", "/admin/namespaces/{id}/snapshots/{name}",
          "/admin/namespaces/" + ns() + "/snapshots/" + pick(SNAPSHOT_NAMES))),
      new Route("POST /admin/namespaces/{id}/snapshots/{name}/restore", 1, () -> bare("POST",
          "/admin/namespaces/{id}/snapshots/{name}/restore", "/admin/namespaces/" + ns() + "/snapshots/" + pick(SNAPSHOT_NAMES) + "/restore")),
      new Route("GET /admin/namespaces/{id}/snapshots/{name}/export", 1, () -> bare("GET",
          "/admin/namespaces/{id}/snapshots/{name}/export", "/admin/namespaces/" + ns() + "/snapshots/" + pick(SNAPSHOT_NAMES) + "/export")),
      new Route("POST /v1/namespaces/{ns}/vectors", 14, () -> withBody("POST", "/v1/namespaces/{ns}/vectors",
          "/v1/namespaces/" + ns() + "/vectors", upsert())),
      new Route("POST /v1/namespaces/{ns}/query", 16, () -> withBody("POST", "/v1/namespaces/{ns}/query",
          "/v1/namespaces/" + ns() + "/query", query())),
      new Route("POST /v1/namespaces/{ns}/vectors/delete", 5, () -> withBody("POST", "/v1/namespaces/{ns}/vectors/delete",
          "/v1/namespaces/" + ns() + "/vectors/delete", deleteRequest())),
      new Route("GET /v1/namespaces/{ns}/vectors/{vid}", 6, () -> bare("GET", "/v1/namespaces/{ns}/vectors/{vid}",
          "/v1/namespaces/" + ns() + "/vectors/" + vectorIdInPath())),
      new Route("DELETE /v1/namespaces/{ns}/vectors/{vid}", 3, () -> bare("DELETE", "/v1/namespaces/{ns}/vectors/{vid}",
          "/v1/namespaces/" + ns() + "/vectors/" + vectorIdInPath())),
      new Route("GET /health", 1, () -> bare("GET", "/health", "/health")),
      new Route("GET /ready", 1, () -> bare("GET", "/ready", "/ready")),
      new Route("GET /metrics", 1, () -> bare("GET", "/metrics", "/metrics")),
      new Route("GET /ui/", 1, () -> bare("GET", "/ui/", pick(new String[] {"/ui/", "/ui/app.js", "/ui/index.html", "/ui/nope.js",
          "/", "/ui", "/ui/../admin/stats", "/ui/%2e%2e/admin/stats", "/ui/..%2F..%2Fetc/passwd"}))));

  private final int totalWeight = routes.stream().mapToInt(Route::weight).sum();

  /** Route labels, for coverage counts. */
  List<String> routeLabels() {
    return routes.stream().map(Route::label).toList();
  }

  /** A valid request of a random route, then 0 to 3 mutations. */
  FuzzRequest next() {
    int w = r.nextInt(totalWeight);
    Route route = routes.getLast();
    for (Route candidate : routes) {
      w -= candidate.weight();
      if (w < 0) {
        route = candidate;
        break;
      }
    }
    FuzzRequest req = route.build().get();
    int mutations = r.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      mutate(req);
    }
    return req;
  }

  // --- the field sweep -----------------------------------------------------------------------------

  /** Number tokens of the sweep in the default run: the ones most likely to surprise integer code. */
  static final String[] SWEEP_NUMBERS = {"NaN", "Infinity", "-Infinity", "1e400", "1e999999999", "1e-400",
      "9223372036854775808", "1.0", "1E+2", "-0", "2.5", "-1", "1e20"}; // 1e20: a finite float whose square is not

  /**
   * Every value slot of every route's full valid body (all optional fields present, nested quotas,
   * metadata and JSON filters included), with each of {@code numbers} in turn: one request each,
   * unmutated otherwise, so the value reaches the code behind the field.
   */
  List<FuzzRequest> sweep(String[] numbers) {
    List<Supplier<FuzzRequest>> bodies = List.of(
        () -> withBody("POST", "/admin/namespaces", "/admin/namespaces", fullCreate(obj().put("id", str(newNamespaceId())))),
        () -> withBody("PUT", "/admin/namespaces/{id}/quotas", "/admin/namespaces/fz-b/quotas",
            fullQuotas().put("override", FuzzJson.TRUE)),
        () -> withBody("PUT", "/admin/namespaces/{id}/plan", "/admin/namespaces/fz-b/plan",
            obj().put("plan", str("pro")).put("reset_quotas", FuzzJson.FALSE).put("override", FuzzJson.TRUE)),
        () -> withBody("PUT", "/admin/namespaces/{id}/quota-policy", "/admin/namespaces/fz-b/quota-policy", fullPolicy()),
        () -> withBody("PUT", "/admin/namespaces/{id}/status", "/admin/namespaces/fz-b/status", obj().put("status", str("active"))),
        () -> withBody("POST", "/admin/namespaces/{id}/keys", "/admin/namespaces/fz-b/keys",
            obj().put("name", str("sweep" + (t.created++))).put("role", str("read"))),
        () -> withBody("POST", "/admin/namespaces/{id}/snapshots", "/admin/namespaces/fz-b/snapshots",
            obj().put("name", str("sweep" + (t.created++)))),
        () -> withBody("POST", "/admin/namespaces/import-lucene", "/admin/namespaces/import-lucene",
            fullCreate(obj().put("id", str(newNamespaceId())).put("path", str(t.luceneFixture)).put("vector_field", str("embedding"))
                .put("id_field", str("doc_id")).put("metadata_fields", arr().add(str("title")).add(str("year"))), false)),
        () -> withBody("POST", "/v1/namespaces/{ns}/vectors", "/v1/namespaces/fz-a/vectors", obj().put("vectors",
            arr().add(obj().put("id", str("sweep" + (t.created++))).put("values", arr().add(num(1)).add(num(0.5)).add(num(2)).add(num(-1)))
                .put("metadata", fullMetadata())))),
        () -> withBody("POST", "/v1/namespaces/{ns}/query", "/v1/namespaces/fz-a/query", obj()
            .put("vector", arr().add(num(1)).add(num(0.5)).add(num(2)).add(num(-1))).put("k", num(5)).put("num_candidates", num(50))
            .put("include_metadata", FuzzJson.TRUE).put("include_values", FuzzJson.FALSE)
            .put("filter", obj().put("year", obj().put("$gte", num(2000)).put("$lt", num(2030)))
                .put("category", obj().put("$in", arr().add(str("tech")).add(str("food"))))
                .put("$or", arr().add(obj().put("price", obj().put("$ne", num(3)))).add(obj().put("flag", obj().put("$exists", FuzzJson.TRUE))))
                .put("tags", obj().put("$contains", str("x")).put("$startswith", str("x"))))),
        () -> withBody("POST", "/v1/namespaces/{ns}/vectors/delete", "/v1/namespaces/fz-a/vectors/delete",
            obj().put("ids", arr().add(str("nope-1")).add(str("nope-2")))),
        () -> withBody("POST", "/v1/namespaces/{ns}/vectors/delete", "/v1/namespaces/fz-a/vectors/delete",
            obj().put("filter", obj().put("year", obj().put("$gt", num(999_999))))));
    List<FuzzRequest> out = new ArrayList<>();
    for (Supplier<FuzzRequest> body : bodies) {
      body.get();
      int slots = FuzzJson.slots(pendingTree).size();
      for (int slot = 0; slot < slots; slot++) {
        for (String number : numbers) {
          FuzzRequest req = body.get();
          Slot s = FuzzJson.slots(pendingTree).get(slot);
          s.set(new Raw(number));
          req.body = FuzzJson.write(pendingTree).getBytes(StandardCharsets.UTF_8);
          req.mutations.add("sweep " + s.name() + "=" + abbreviate(number));
          out.add(req);
        }
      }
    }
    return out;
  }

  private Obj fullCreate(Obj b) {
    return fullCreate(b, true);
  }

  private Obj fullCreate(Obj b, boolean withDimension) {
    b.put("name", str("Sweep")).put("description", str("d")).put("metadata", obj().put("team", str("search")))
        .put("tier", str("pro")).put("quotas", fullQuotas()).put("override", FuzzJson.TRUE).put("quota_policy", fullPolicy())
        .put("metric", str("cosine"));
    if (withDimension) {
      b.put("dimension", num(4)).put("quantization", str("int8")).put("default_num_candidates", num(50));
    }
    return b;
  }

  private Obj fullQuotas() {
    return obj().put("max_vectors", num(100_000)).put("max_storage_bytes", num(1L << 30)).put("max_requests_per_second", num(1000.5))
        .put("max_concurrent_queries", num(10)).put("max_dimension", num(4096)).put("max_results_per_query", num(1000))
        .put("max_batch_size", num(1000));
  }

  private Obj fullPolicy() {
    return obj().put("auto_grow", obj().put("quota", str("max_vectors")).put("when_utilization_above", num(0.85))
        .put("factor", num(1.5)).put("up_to", num(200_000)).put("cooldown_minutes", num(10)));
  }

  private Obj fullMetadata() {
    return obj().put("category", str("tech")).put("year", num(2020)).put("price", num(12.5)).put("tags", arr().add(str("x")))
        .put("flag", FuzzJson.TRUE).put("nothing", FuzzJson.NULL).put("nested", obj().put("a", obj().put("b", num(1))));
  }

  // --- valid requests ------------------------------------------------------------------------------

  /** A tree body before mutation, kept so tree mutations can apply before the bytes are made. */
  private J pendingTree;

  private FuzzRequest bare(String method, String label, String path) {
    FuzzRequest req = new FuzzRequest(method + " " + label, method, path, null);
    authorize(req);
    pendingTree = null;
    return req;
  }

  private FuzzRequest withBody(String method, String label, String path, J body) {
    FuzzRequest req = new FuzzRequest(method + " " + label, method, path, null);
    authorize(req);
    req.header("Content-Type", "application/json");
    pendingTree = body;
    req.body = FuzzJson.write(body).getBytes(StandardCharsets.UTF_8);
    return req;
  }

  private void authorize(FuzzRequest req) {
    req.header("Authorization", "Bearer " + t.adminKey);
  }

  private FuzzRequest create() {
    Obj b = obj().put("id", str(newOrExistingNamespaceId()));
    if (r.nextBoolean()) {
      b.put("name", str(pick(NAMES)));
    }
    if (r.nextInt(3) == 0) {
      b.put("description", str(pick(NAMES) + " namespace"));
    }
    if (r.nextInt(3) == 0) {
      b.put("metadata", obj().put("team", str("search")).put("env", str(pick(new String[] {"prod", "dev", "ünïcødé", ""}))));
    }
    if (r.nextBoolean()) {
      b.put("tier", str(pick(TIERS)));
    }
    if (r.nextInt(3) == 0) {
      b.put("quotas", quotas());
    }
    if (r.nextInt(4) == 0) {
      b.put("plan", str(pick(PLANS)));
    }
    if (r.nextInt(4) == 0) {
      b.put("override", r.nextInt(5) == 0 ? str("yes") : FuzzJson.TRUE);
    }
    if (r.nextInt(5) == 0) {
      b.put("quota_policy", quotaPolicy());
    }
    if (r.nextBoolean()) {
      b.put("metric", str(pick(METRICS)));
    }
    if (r.nextBoolean()) {
      b.put("dimension", num(pick(new long[] {4, 4, 4, 3, 8, 1, 16, 1536, 4096})));
    }
    if (r.nextInt(4) == 0) {
      b.put("quantization", str(pick(QUANTIZATIONS)));
    }
    if (r.nextInt(4) == 0) {
      b.put("default_num_candidates", num(pick(new long[] {1, 10, 50, 100, 10_000})));
    }
    return withBody("POST", "/admin/namespaces", "/admin/namespaces", b);
  }

  private FuzzRequest list() {
    List<String> q = new ArrayList<>();
    if (r.nextBoolean()) {
      q.add("limit=" + pick(new String[] {"1", "2", "10", "100", "1000", "0", "-1", "1001", "1e3", "1.0", "99999999999",
          "9223372036854775808", "0x10", "", "%00", "+5", " 5", "١"}));
    }
    if (r.nextInt(3) == 0) {
      q.add("cursor=" + cursor());
    }
    if (r.nextInt(3) == 0) {
      q.add("prefix=" + pick(new String[] {"fz", "fz-", "fz-a", "", "%00", "%FF", "..", "zzzz", "%25", "x".repeat(300)}));
    }
    if (r.nextInt(3) == 0) {
      q.add("status=" + pick(new String[] {"active", "read_only", "READONLY", "suspended", "pending_deletion", "pendingdeletion",
          "unavailable", "gone", "", "%00", "ACTIVE%20"}));
    }
    FuzzRequest req = bare("GET", "/admin/namespaces", "/admin/namespaces");
    req.query = q.isEmpty() ? null : String.join("&", q);
    return req;
  }

  private String cursor() {
    return switch (r.nextInt(7)) {
      case 0, 1 -> t.validCursor == null ? "Zno" : t.validCursor;
      case 2 -> Base64.getUrlEncoder().withoutPadding().encodeToString(pick(new String[] {"..", "zz-top", "a/b", "", "\u0000"})
          .getBytes(StandardCharsets.UTF_8));
      case 3 -> Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}); // invalid UTF-8 inside
      case 4 -> pick(new String[] {"!!", "%", "%ZZ", "====", "a", "Zm9v=", "Zm9v%3D", "%00"});
      case 5 -> "A".repeat(pick(new int[] {200, 3000}));
      default -> (t.validCursor == null ? "Zno" : t.validCursor) + pick(new String[] {"=", "==", "x", "%3D"});
    };
  }

  private FuzzRequest usage() {
    List<String> q = new ArrayList<>();
    if (r.nextBoolean()) {
      q.add("from=" + pick(DATES));
    }
    if (r.nextBoolean()) {
      q.add("to=" + pick(DATES));
    }
    if (r.nextInt(3) == 0) {
      q.add("prefix=" + pick(new String[] {"fz", "", "%00", "zz"}));
    }
    if (r.nextInt(3) == 0) {
      q.add("format=" + pick(new String[] {"json", "csv", "CSV", "xml", "", "%00"}));
    }
    FuzzRequest req = bare("GET", "/admin/usage", "/admin/usage");
    req.query = q.isEmpty() ? null : String.join("&", q);
    if (r.nextInt(4) == 0) {
      req.header("Accept", pick(new String[] {"text/csv", "application/json", "*/*", "text/csv;q=0", "\u00ff"}));
    }
    return req;
  }

  private FuzzRequest importArchive() {
    FuzzRequest req = bare("POST", "/admin/namespaces/import", "/admin/namespaces/import");
    if (r.nextInt(4) != 0) {
      req.query = "id=" + pick(new String[] {newNamespaceId(), newNamespaceId(), "fz-a", "", "..", "%00", "x".repeat(200), "BAD/ID", "fz-i-%2F"});
    }
    req.header("Content-Type", pick(new String[] {"application/gzip", "application/gzip", "application/x-gzip",
        "application/octet-stream", "application/json", "text/plain"}));
    byte[] archive = t.exportArchive.clone();
    switch (r.nextInt(6)) {
      case 0, 1 -> req.mutations.add("archive:valid");
      case 2 -> {
        archive = java.util.Arrays.copyOf(archive, archive.length == 0 ? 0 : r.nextInt(archive.length));
        req.mutations.add("archive:truncated");
      }
      case 3 -> {
        for (int i = 0; i < 1 + r.nextInt(4) && archive.length > 0; i++) {
          archive[r.nextInt(archive.length)] ^= (byte) (1 + r.nextInt(255));
        }
        req.mutations.add("archive:bitflips");
      }
      case 4 -> {
        archive = gzip(randomBytes(r.nextInt(2000)));
        req.mutations.add("archive:gzip-of-junk");
      }
      default -> {
        archive = randomBytes(r.nextInt(500));
        req.mutations.add("archive:junk");
      }
    }
    req.body = archive;
    return req;
  }

  private FuzzRequest importLucene() {
    Obj b = obj().put("id", str(newOrExistingNamespaceId()))
        .put("path", str(r.nextInt(3) == 0 ? pick(new String[] {"/", "/nonexistent", "relative/dir", "/dev/null", "/proc/self",
            "/tmp", "", "\u0000", "/etc/passwd", "/" + "x".repeat(5000)}) : t.luceneFixture))
        .put("vector_field", str(r.nextInt(5) == 0 ? pick(new String[] {"vector", "", "nope"}) : "embedding"))
        .put("id_field", str(r.nextInt(5) == 0 ? pick(new String[] {"_id", "", "title"}) : "doc_id"));
    if (r.nextBoolean()) {
      b.put("metric", str(pick(METRICS)));
    }
    if (r.nextInt(3) == 0) {
      b.put("metadata_fields", arr().add(str("title")).add(str("year")));
    }
    if (r.nextInt(3) == 0) {
      b.put("tier", str(pick(TIERS)));
    }
    if (r.nextInt(3) == 0) {
      b.put("quotas", quotas());
    }
    return withBody("POST", "/admin/namespaces/import-lucene", "/admin/namespaces/import-lucene", b);
  }

  private FuzzRequest createSnapshot() {
    String path = "/admin/namespaces/" + ns() + "/snapshots";
    if (r.nextInt(3) == 0) {
      FuzzRequest req = bare("POST", "/admin/namespaces/{id}/snapshots", path);
      req.mutations.add("snapshot:no-body");
      return req;
    }
    return withBody("POST", "/admin/namespaces/{id}/snapshots", path, obj().put("name", str(pick(SNAPSHOT_NAMES_IN_BODY))));
  }

  private Obj quotas() {
    Obj q = obj();
    for (String f : QUOTA_FIELDS) {
      if (r.nextInt(3) == 0) {
        if (r.nextInt(5) == 0) {
          q.put(f, FuzzJson.NULL);
        } else if (f.equals("max_requests_per_second")) {
          q.put(f, new Raw(pick(new String[] {"10", "100.5", "1000", "0.5", "50.0"})));
        } else {
          q.put(f, num(pick(new long[] {1, 2, 5, 10, 100, 1000, 4096, 1_000_000, 10L * 1024 * 1024 * 1024})));
        }
      }
    }
    return q;
  }

  /** Quota fields, and sometimes the override of the plan's ceilings (a PUT …/quotas body). */
  private Obj withOverride(Obj quotas) {
    if (r.nextBoolean()) {
      quotas.put("override", r.nextInt(6) == 0 ? pick(new J[] {FuzzJson.FALSE, FuzzJson.NULL, str("true"), num(1)}) : FuzzJson.TRUE);
    }
    return quotas;
  }

  private Obj planChange() {
    Obj b = obj().put("plan", str(pick(PLANS)));
    if (r.nextBoolean()) {
      b.put("reset_quotas", r.nextBoolean() ? FuzzJson.TRUE : FuzzJson.FALSE);
    }
    if (r.nextBoolean()) {
      b.put("override", r.nextInt(3) == 0 ? FuzzJson.FALSE : FuzzJson.TRUE);
    }
    return b;
  }

  /** A PUT …/quota-policy body: a policy, or null (follow the plan's). */
  private J quotaPolicyBody() {
    return r.nextInt(5) == 0 ? FuzzJson.NULL : quotaPolicy();
  }

  private Obj quotaPolicy() {
    if (r.nextInt(5) == 0) {
      return obj();
    }
    Obj g = obj().put("quota", str(pick(new String[] {"max_vectors", "max_storage_bytes", "max_storage_bytes", "max_batch_size", ""})));
    if (r.nextBoolean()) {
      g.put("when_utilization_above", new Raw(pick(new String[] {"0.85", "0.5", "0.99", "0", "1", "-0.1", "1e-9"})));
    }
    if (r.nextBoolean()) {
      g.put("factor", new Raw(pick(new String[] {"1.5", "2", "1000", "1", "1000.5", "1.0000001"})));
    }
    if (r.nextBoolean()) {
      g.put("up_to", r.nextBoolean() ? str(pick(new String[] {"ceiling", "CEILING", "none"}))
          : num(pick(new long[] {1, 100, 20_000, 1L << 40, 0})));
    }
    if (r.nextBoolean()) {
      g.put("cooldown_minutes", num(pick(new long[] {0, 1, 10, 525_600, 525_601})));
    }
    return obj().put("auto_grow", r.nextInt(8) == 0 ? FuzzJson.NULL : g);
  }

  private FuzzRequest events() {
    List<String> q = new ArrayList<>();
    if (r.nextBoolean()) {
      q.add("limit=" + pick(new String[] {"1", "2", "100", "1000", "0", "1001", "-1", "1e3", "", "%00"}));
    }
    if (r.nextInt(3) == 0) {
      q.add("cursor=" + pick(new String[] {"MQ", "Mg", "MA", "LTE", "!!", "", "%00", "A".repeat(3000)}));
    }
    FuzzRequest req = bare("GET", "/admin/namespaces/{id}/events", "/admin/namespaces/" + ns() + "/events");
    req.query = q.isEmpty() ? null : String.join("&", q);
    return req;
  }

  private Obj keyRequest() {
    return obj().put("name", str(pick(KEY_NAMES_IN_BODY))).put("role", str(pick(new String[] {"read", "write", "READ", "admin", ""})));
  }

  private J upsert() {
    Arr vectors = arr();
    int n = r.nextInt(20) == 0 ? 150 + r.nextInt(100) : 1 + r.nextInt(4);
    int dim = r.nextInt(10) == 0 ? pick(new int[] {0, 1, 3, 5, 8}) : 4;
    for (int i = 0; i < n; i++) {
      Obj v = obj().put("id", str(vectorId())).put("values", vector(dim));
      if (r.nextBoolean()) {
        v.put("metadata", r.nextInt(15) == 0 ? FuzzJson.NULL : metadata());
      }
      vectors.add(v);
    }
    return obj().put("vectors", vectors);
  }

  private Arr vector(int dim) {
    Arr a = arr();
    for (int i = 0; i < dim; i++) {
      a.add(r.nextInt(8) == 0 ? num(r.nextInt(5) - 2) : new Raw(Float.toString((r.nextFloat() * 2 - 1))));
    }
    return a;
  }

  private Obj metadata() {
    Obj m = obj();
    if (r.nextBoolean()) {
      m.put("category", str(pick(CATEGORIES)));
    }
    if (r.nextBoolean()) {
      m.put("year", num(1990 + r.nextInt(40)));
    }
    if (r.nextInt(3) == 0) {
      m.put("price", new Raw(pick(new String[] {"12.5", "0.1", "100", "-3.25", "1e3", "19.99"})));
    }
    if (r.nextInt(3) == 0) {
      m.put("tags", arr().add(str(pick(CATEGORIES))).add(str("x")));
    }
    if (r.nextInt(4) == 0) {
      m.put("title", str(pick(NAMES)));
    }
    if (r.nextInt(4) == 0) {
      m.put("flag", bool(r.nextBoolean()));
    }
    if (r.nextInt(6) == 0) {
      m.put("nothing", FuzzJson.NULL);
    }
    if (r.nextInt(6) == 0) {
      m.put("nested", obj().put("a", obj().put("b", arr().add(num(1)).add(obj().put("c", str("d"))))));
    }
    if (r.nextInt(8) == 0) {
      m.put(pick(new String[] {"", "ключ", "$weird", "a.b", "a b", "_source", "s:x"}), str("v"));
    }
    return m;
  }

  private Obj query() {
    Obj q = obj().put("vector", vector(r.nextInt(12) == 0 ? pick(new int[] {0, 3, 5}) : 4));
    if (r.nextInt(3) != 0) {
      q.put("k", num(pick(new long[] {1, 3, 10, 10, 100, 1000, 10_000})));
    }
    if (r.nextBoolean()) {
      q.put("filter", filter());
    }
    if (r.nextInt(4) == 0) {
      q.put("num_candidates", num(pick(new long[] {10, 100, 1000, 10_000})));
    }
    if (r.nextInt(3) == 0) {
      q.put("include_metadata", bool(r.nextBoolean()));
    }
    if (r.nextInt(3) == 0) {
      q.put("include_values", bool(r.nextBoolean()));
    }
    return q;
  }

  private Obj deleteRequest() {
    if (r.nextInt(3) == 0) {
      return obj().put("filter", filter());
    }
    Arr ids = arr();
    for (int i = 0; i < 1 + r.nextInt(3); i++) {
      ids.add(str(vectorId()));
    }
    return obj().put("ids", ids);
  }

  private J filter() {
    return r.nextBoolean() ? str(stringFilter(0)) : jsonFilter(0);
  }

  private String stringFilter(int depth) {
    String f = switch (depth > 3 ? 0 : r.nextInt(6)) {
      case 0, 1 -> comparison();
      case 2 -> "(" + stringFilter(depth + 1) + ") AND " + stringFilter(depth + 1);
      case 3 -> stringFilter(depth + 1) + " OR " + stringFilter(depth + 1);
      case 4 -> "NOT " + stringFilter(depth + 1);
      default -> pick(STRING_FILTER_ODDITIES);
    };
    if (depth == 0 && r.nextInt(12) == 0) {
      f = f.substring(0, r.nextInt(f.length() + 1)); // cut anywhere
    }
    return f;
  }

  private String comparison() {
    String field = pick(FIELDS);
    return switch (r.nextInt(6)) {
      case 0 -> field + " " + pick(new String[] {"=", "!=", ">", ">=", "<", "<="}) + " " + literalText();
      case 1 -> field + " IN [" + literalText() + ", " + literalText() + "]";
      case 2 -> field + " NOT IN [" + literalText() + "]";
      case 3 -> field + " CONTAINS " + literalText();
      case 4 -> field + " STARTSWITH '" + pick(CATEGORIES).substring(0, 1) + "'";
      default -> field + " = null";
    };
  }

  private String literalText() {
    return switch (r.nextInt(5)) {
      case 0 -> "'" + pick(CATEGORIES) + "'";
      case 1 -> "\"" + pick(CATEGORIES) + "\"";
      case 2 -> Long.toString(1990 + r.nextInt(40));
      case 3 -> pick(new String[] {"1e400", "-0", "1E+2", "9223372036854775808", "1e-400", "1e999999999", "NaN",
          "Infinity", "2.5", "9".repeat(400)});
      default -> pick(new String[] {"true", "false", "null"});
    };
  }

  private J jsonFilter(int depth) {
    Obj f = obj();
    int entries = 1 + r.nextInt(depth > 2 ? 1 : 3);
    for (int i = 0; i < entries; i++) {
      switch (depth > 2 ? 3 : r.nextInt(5)) {
        case 0 -> f.put("$and", arr().add(jsonFilter(depth + 1)).add(jsonFilter(depth + 1)));
        case 1 -> f.put("$or", arr().add(jsonFilter(depth + 1)).add(jsonFilter(depth + 1)));
        case 2 -> f.put("$not", jsonFilter(depth + 1));
        default -> f.put(pick(FIELDS), condition());
      }
    }
    return f;
  }

  private J condition() {
    String op = pick(new String[] {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$contains",
        "$startswith", "bare"});
    return switch (op) {
      case "bare" -> jsonLiteral();
      case "$in", "$nin" -> obj().put(op, arr().add(jsonLiteral()).add(jsonLiteral()));
      case "$exists" -> obj().put(op, bool(r.nextBoolean()));
      case "$startswith" -> obj().put(op, str(pick(CATEGORIES).substring(0, 2)));
      default -> obj().put(op, jsonLiteral());
    };
  }

  private J jsonLiteral() {
    return switch (r.nextInt(6)) {
      case 0, 1 -> str(pick(CATEGORIES));
      case 2 -> num(1990 + r.nextInt(40));
      case 3 -> FuzzJson.oddNumber(r);
      case 4 -> bool(r.nextBoolean());
      default -> FuzzJson.NULL;
    };
  }

  // --- path parameters -----------------------------------------------------------------------------

  private String ns() {
    if (r.nextInt(7) == 0) {
      return pick(JUNK_NAMESPACES);
    }
    return t.fuzzNamespaces.get(r.nextInt(t.fuzzNamespaces.size()));
  }

  /** Deletes go to namespaces the fuzzer created (or junk), rarely to a base fuzz namespace. */
  private String deletableNs() {
    List<String> created = t.fuzzNamespaces.stream().filter(id -> !BASE_FUZZ.contains(id)).toList();
    if (!created.isEmpty() && r.nextInt(3) != 0) {
      return created.get(r.nextInt(created.size()));
    }
    return r.nextInt(4) == 0 ? pick(BASE_FUZZ.toArray(new String[0])) : pick(JUNK_NAMESPACES);
  }

  private String newNamespaceId() {
    return "fz-n" + (t.created++);
  }

  private String newOrExistingNamespaceId() {
    return switch (r.nextInt(8)) {
      case 0 -> t.fuzzNamespaces.get(r.nextInt(t.fuzzNamespaces.size())); // 409
      case 1 -> pick(new String[] {"..", ".", "", "-x", "x".repeat(129), "a/b", "a%00b", "fz é", "\u0000", "FZ-UP", "fz.dot_ok-1"});
      default -> newNamespaceId();
    };
  }

  private String vectorId() {
    return r.nextInt(10) == 0
        ? pick(new String[] {"", "x".repeat(513), "é".repeat(300), "a/b", "..", "\u0000", "\ud800", "𝄞", " ", "v1 ", "%2F"})
        : "v" + r.nextInt(20);
  }

  private String vectorIdInPath() {
    return r.nextInt(4) == 0 ? pick(VECTOR_IDS_IN_PATH) : "v" + r.nextInt(20);
  }

  // --- mutations -----------------------------------------------------------------------------------

  private void mutate(FuzzRequest req) {
    int kind = r.nextInt(req.body != null ? 10 : 6);
    switch (kind) {
      case 0 -> mutatePath(req);
      case 1 -> mutateQuery(req);
      case 2 -> mutateHeaders(req);
      case 3 -> mutateAuth(req);
      case 4 -> mutateMethodOrFraming(req);
      case 5 -> {
        if (req.body == null && r.nextBoolean()) {
          giveBody(req);
        } else {
          mutateContentType(req);
        }
      }
      case 6, 7 -> mutateTree(req);
      default -> mutateBytes(req);
    }
  }

  private void giveBody(FuzzRequest req) {
    J body = r.nextBoolean() ? upsert() : query();
    pendingTree = body;
    req.body = FuzzJson.write(body).getBytes(StandardCharsets.UTF_8);
    req.header("Content-Type", "application/json");
    req.mutations.add("body-on-bodiless-route");
  }

  private void mutateTree(FuzzRequest req) {
    if (pendingTree == null) {
      mutateBytes(req);
      return;
    }
    J root = pendingTree;
    List<Slot> slots = FuzzJson.slots(root);
    int op = r.nextInt(12);
    if (slots.isEmpty() && op < 9) {
      op = 9;
    }
    switch (op) {
      case 0, 1 -> {
        Slot s = pick(slots);
        J v = wrongType(s.get());
        s.set(v);
        req.mutations.add("wrong-type " + s.name() + "=" + abbreviate(FuzzJson.write(v)));
      }
      case 2, 3 -> {
        Slot s = pickNumeric(slots);
        Raw v = FuzzJson.oddNumber(r);
        s.set(v);
        req.mutations.add("odd-number " + s.name() + "=" + abbreviate(v.token()));
      }
      case 4 -> {
        Slot s = pick(slots);
        int depth = pick(new int[] {31, 32, 33, 64, 255, 256, 257, 300, 1000, 3000});
        s.set(nest(depth));
        req.mutations.add("deep-nesting " + s.name() + " depth " + depth);
      }
      case 5 -> {
        Slot s = pick(slots);
        String name = s.name();
        s.remove();
        req.mutations.add("drop " + name);
      }
      case 6 -> {
        Slot s = pick(slots);
        s.set(FuzzJson.NULL);
        req.mutations.add("null " + s.name());
      }
      case 7 -> {
        Slot s = pick(slots);
        int n = pick(new int[] {129, 513, 5_000, 70_000});
        s.set(str(pick(new String[] {"x", "é", "𝄞"}).repeat(n)));
        req.mutations.add("long-string " + s.name() + " x" + n);
      }
      case 8 -> {
        Slot s = pick(slots);
        J v = str(pick(new String[] {"\ud800", "a\udc00b", "\u0000", "\uffff", "\u202e", "'", "\"", "\\", "\u2028", "💩"}));
        s.set(v);
        req.mutations.add("odd-string " + s.name() + "=" + FuzzJson.write(v));
      }
      case 9 -> {
        Obj o = pickObject(root);
        if (o == null || o.keys.isEmpty()) {
          req.mutations.add("duplicate-key (none)");
        } else {
          String key = o.keys.get(r.nextInt(o.keys.size()));
          o.put(key, r.nextBoolean() ? o.get(key) : jsonLiteral());
          req.mutations.add("duplicate-key " + key);
        }
      }
      case 10 -> {
        Obj o = pickObject(root);
        String key = pick(new String[] {"top_k", "extra", "", "$eq", "__proto__", "\u0000", "x".repeat(300), "ID", "Vectors"});
        if (o != null) {
          o.put(key, jsonLiteral());
        }
        req.mutations.add("unknown-field " + abbreviate(key));
      }
      default -> {
        J v = pick(new J[] {arr(), str("x"), num(1), FuzzJson.NULL, FuzzJson.TRUE, FuzzJson.oddNumber(r), arr().add(root),
            obj().put("body", root)});
        pendingTree = v;
        req.mutations.add("top-level " + abbreviate(FuzzJson.write(v)));
      }
    }
    req.body = FuzzJson.write(pendingTree).getBytes(StandardCharsets.UTF_8);
  }

  private J wrongType(J current) {
    List<J> options = new ArrayList<>(List.of(str("x"), str(""), str("10"), num(7), FuzzJson.TRUE, FuzzJson.NULL, arr(),
        obj(), arr().add(num(1)).add(str("a")), obj().put("a", num(1)), FuzzJson.oddNumber(r), new Raw("1.5")));
    options.removeIf(o -> o.getClass() == current.getClass() && !(o instanceof Raw));
    return options.get(r.nextInt(options.size()));
  }

  private Slot pickNumeric(List<Slot> slots) {
    List<Slot> numeric = slots.stream()
        .filter(s -> s.get() instanceof Raw raw && !raw.token().equals("null") && !raw.token().equals("true")
            && !raw.token().equals("false"))
        .toList();
    return numeric.isEmpty() || r.nextInt(5) == 0 ? pick(slots) : numeric.get(r.nextInt(numeric.size()));
  }

  private Obj pickObject(J root) {
    List<Obj> objects = new ArrayList<>();
    if (root instanceof Obj o) {
      objects.add(o);
    }
    for (Slot s : FuzzJson.slots(root)) {
      if (s.get() instanceof Obj o) {
        objects.add(o);
      }
    }
    return objects.isEmpty() ? null : objects.get(r.nextInt(objects.size()));
  }

  private J nest(int depth) {
    J inner = num(1);
    boolean arrays = r.nextBoolean();
    for (int i = 0; i < depth; i++) {
      inner = arrays ? arr().add(inner) : obj().put("a", inner);
    }
    return inner;
  }

  private void mutateBytes(FuzzRequest req) {
    byte[] b = req.body == null ? new byte[0] : req.body;
    pendingTree = null; // from here on the body is bytes
    switch (r.nextInt(11)) {
      case 0 -> {
        b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length));
        req.mutations.add("truncate at " + b.length);
      }
      case 1 -> {
        byte[][] invalid = {{(byte) 0xc3, 0x28}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
            {(byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
        byte[] bad = invalid[r.nextInt(invalid.length)];
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        b = splice(b, at, bad);
        req.mutations.add("invalid-utf8 at " + at);
      }
      case 2 -> {
        for (int i = 0; i < 1 + r.nextInt(4) && b.length > 0; i++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        req.mutations.add("random-bytes");
      }
      case 3 -> {
        b = randomBytes(r.nextInt(300));
        req.mutations.add("random-body " + b.length);
      }
      case 4 -> {
        b = new byte[0];
        req.mutations.add("empty-body");
      }
      case 5 -> {
        b = splice(b, 0, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        req.mutations.add("bom");
      }
      case 6 -> {
        String s = new String(b, StandardCharsets.UTF_8);
        b = s.getBytes(r.nextBoolean() ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
        req.mutations.add("utf16");
      }
      case 7 -> {
        String junk = pick(new String[] {"}", " x", "{}", "\u0000", "\n\n", ",", "]", "null", "{\"a\":1}"});
        b = splice(b, b.length, junk.getBytes(StandardCharsets.UTF_8));
        req.mutations.add("trailing " + FuzzJson.write(str(junk)));
      }
      case 8 -> {
        int size = GrammarFuzzTest.MAX_BODY + 1 + r.nextInt(GrammarFuzzTest.MAX_BODY);
        byte[] pad = new byte[Math.max(0, size - b.length)];
        java.util.Arrays.fill(pad, (byte) ' ');
        b = splice(b, 0, pad);
        req.mutations.add("oversize " + b.length);
      }
      case 9 -> {
        String s = FuzzJson.INVALID_NUMBERS[r.nextInt(FuzzJson.INVALID_NUMBERS.length)];
        String text = new String(b, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        b = (colon < 0 ? s : text.substring(0, colon + 1) + s + "," + text.substring(colon + 1)).getBytes(StandardCharsets.UTF_8);
        req.mutations.add("invalid-number " + s);
      }
      default -> {
        b = splice(b, 0, " \n\t\r".getBytes(StandardCharsets.UTF_8));
        req.mutations.add("leading-whitespace");
      }
    }
    req.body = b;
  }

  private void mutatePath(FuzzRequest req) {
    String p = req.path;
    switch (r.nextInt(14)) {
      case 0 -> {
        p = p.replaceFirst("/", "//");
        req.mutations.add("double-slash");
      }
      case 1 -> {
        p = p + "/";
        req.mutations.add("trailing-slash");
      }
      case 2 -> {
        int i = p.lastIndexOf('/'); // none after an odd target ("*", ""): the segment goes at the end
        String segment = pick(new String[] {"/./", "/../", "/%2e/", "/%2e%2e/", "/.%2e/", "/..;/"});
        p = i < 0 ? p + segment : p.substring(0, i) + segment + p.substring(i + 1);
        req.mutations.add("dot-segment");
      }
      case 3 -> {
        int i = 1 + r.nextInt(Math.max(1, p.length() - 1));
        char c = p.isEmpty() ? '/' : p.charAt(Math.min(i, p.length() - 1)); // empty after an odd target: nothing to encode
        if (c != '/') {
          p = p.substring(0, i) + String.format("%%%02X", (int) c) + p.substring(Math.min(i + 1, p.length()));
        }
        req.mutations.add("percent-encode char " + i);
      }
      case 4 -> {
        String ins = pick(new String[] {"%00", "%2F", "%2f", "%5C", "%", "%ZZ", "%C0%AE", "%FF", "%25", "%u002e", ";x=1", "\\"});
        int i = p.lastIndexOf('/') + 1;
        p = p.substring(0, i) + ins + p.substring(i);
        req.mutations.add("insert " + ins);
      }
      case 5 -> {
        int n = pick(new int[] {300, 2_000, 9_000, 70_000});
        p = p + "/" + "x".repeat(n);
        req.mutations.add("long-segment " + n);
      }
      case 6 -> {
        p = p + "/" + new String("é💩".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        req.mutations.add("raw-utf8-in-path");
      }
      case 7 -> {
        p = p.replaceFirst("/([^/]*)$", "/a b$1");
        req.mutations.add("raw-space-in-path");
        req.brokenRequestLine = true;
      }
      case 8 -> {
        p = p.toUpperCase(java.util.Locale.ROOT);
        req.mutations.add("upper-case-path");
      }
      case 9 -> {
        p = p + pick(new String[] {"#frag", "?", "??", "?&", "%3F"});
        req.mutations.add("path-suffix");
      }
      case 10 -> {
        p = "http://127.0.0.1" + p;
        req.mutations.add("absolute-form");
      }
      case 11 -> {
        p = pick(new String[] {"*", "", "admin/namespaces", "/%", "/\u0001", "/\u007f"});
        req.mutations.add("odd-target " + FuzzJson.write(str(p)));
        req.brokenRequestLine = p.isEmpty() || p.contains("\u0001") || p.contains("\u007f");
      }
      case 12 -> {
        p = p.replaceFirst("/v1/", "/v2/").replaceFirst("/admin/", "/admins/");
        req.mutations.add("unknown-route");
      }
      default -> {
        p = p.replace("/", "/%2F");
        req.mutations.add("all-slashes-encoded");
      }
    }
    req.path = p;
  }

  private void mutateQuery(FuzzRequest req) {
    String junk = pick(new String[] {"limit=1&limit=2", "=", "&&&", "a", "%", "%ZZ=1", "x=%00", "limit=", "cursor=%FF",
        "prefix=%C3", "id=..", "format=csv&format=json", "status=%00", "from=2026-02-30", "to=2026-13-01",
        "from=-999999999-01-01&to=+999999999-12-31", "from=+999999999-12-01&to=+999999999-12-31", "to=1970-01-01",
        "x=" + "y".repeat(9_000), new String("é=ü".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
        "a=b=c", "limit=1e400", "limit=-0", "limit=NaN"});
    req.query = req.query == null || r.nextBoolean() ? junk : req.query + "&" + junk;
    req.mutations.add("query " + abbreviate(junk));
  }

  private void mutateHeaders(FuzzRequest req) {
    switch (r.nextInt(12)) {
      case 0 -> {
        req.header("Expect", "100-continue");
        req.mutations.add("expect-100");
      }
      case 1 -> {
        req.header("Accept", pick(new String[] {"text/csv", "application/xml", "*/*;q=x", ""}));
        req.mutations.add("accept");
      }
      case 2 -> {
        req.header("Content-Encoding", pick(new String[] {"gzip", "br", "identity", "x"}));
        req.mutations.add("content-encoding");
      }
      case 3 -> {
        req.header("Content-Type", pick(new String[] {"text/plain", "application/json"}));
        req.mutations.add("second-content-type");
      }
      case 4 -> {
        req.header("X-Odd", new String("ünïcødé".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        req.mutations.add("raw-utf8-header");
      }
      case 5 -> {
        req.header("X-Big", "x".repeat(pick(new int[] {4_000, 9_000, 20_000})));
        req.mutations.add("big-header");
      }
      case 6 -> {
        req.hostHeader = false;
        req.mutations.add("no-host");
      }
      case 7 -> {
        req.header("Host", pick(new String[] {"evil.example", "", "a b", "127.0.0.1:99999"}));
        req.mutations.add("extra-host");
      }
      case 8 -> {
        req.version = pick(new String[] {"HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1", "HTTP/9.9", "FOO"});
        req.mutations.add("version " + req.version);
        req.brokenRequestLine |= !req.version.equals("HTTP/1.0");
      }
      case 9 -> {
        req.header("X-Folded", "a\r\n b");
        req.mutations.add("obs-fold");
      }
      case 10 -> {
        req.header("Bad Header", "x");
        req.mutations.add("header-name-with-space");
      }
      default -> {
        req.header("Connection", pick(new String[] {"close", "keep-alive", "upgrade", "Upgrade, HTTP2-Settings"}));
        if (r.nextBoolean()) {
          req.header("Upgrade", "h2c");
        }
        req.mutations.add("connection-header");
      }
    }
  }

  /** Invalid-key budget: the server refuses an address that presents over 100 invalid keys a minute. */
  private final java.util.ArrayDeque<Long> invalidKeys = new java.util.ArrayDeque<>();

  private void mutateAuth(FuzzRequest req) {
    req.removeHeader("Authorization");
    String kind;
    String value;
    switch (r.nextInt(12)) {
      case 0 -> {
        kind = "none";
        value = null;
      }
      case 1 -> {
        kind = "none";
        value = pick(new String[] {"Bearer", "Bearer ", "Basic", "", "   "});
      }
      case 2 -> {
        kind = "admin";
        value = "bearer " + t.adminKey;
      }
      case 3 -> {
        kind = "admin";
        value = "Bearer   " + t.adminKey + "  ";
      }
      case 4 -> {
        kind = "admin-via-api-key";
        value = null;
        req.header("Api-Key", t.adminKey);
      }
      case 5 -> {
        kind = "namespace";
        value = t.namespaceKeys.isEmpty() ? null : "Bearer " + t.namespaceKeys.get(r.nextInt(t.namespaceKeys.size()));
      }
      default -> {
        kind = "invalid";
        value = pick(new String[] {"Bearer " + t.adminKey + "x", "Bearer wrong-key", "Basic dXNlcjpwYXNz", "Bearer vsk_",
            "Bearer vsk__", "Bearer vsk_a_", "Bearer vsk_a_b_c", "Bearer vsk_\u00e4_\u00f6", "Bearer vsk_%00_x",
            "Bearer " + "k".repeat(5000), "Bearer " + new String("ключ".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
            "Bearer vsk_" + "a".repeat(40) + "_" + "b".repeat(43), "Token abc", "Bearer\tabc"});
      }
    }
    if (kind.equals("invalid") || kind.equals("namespace")) { // a namespace key may be stale (fz-a deleted meanwhile)
      long now = System.nanoTime();
      while (!invalidKeys.isEmpty() && now - invalidKeys.peekFirst() > 61_000_000_000L) {
        invalidKeys.pollFirst();
      }
      if (invalidKeys.size() >= 60) {
        kind = "none";
        value = null;
      } else {
        invalidKeys.addLast(now);
      }
    }
    if (value != null) {
      req.header("Authorization", value);
    }
    req.keyKind = kind;
    req.mutations.add("auth " + kind);
  }

  private void mutateMethodOrFraming(FuzzRequest req) {
    if (r.nextBoolean()) {
      String m = pick(new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "CONNECT",
          "PO ST", "G\u0000T"});
      req.method = m;
      req.brokenRequestLine |= m.contains(" ") || m.contains("\u0000");
      req.mutations.add("method " + FuzzJson.write(str(m)));
      return;
    }
    if (req.body == null) {
      req.body = "{}".getBytes(StandardCharsets.UTF_8);
    }
    req.framing = pick(Framing.values());
    req.mutations.add("framing " + req.framing);
  }

  private void mutateContentType(FuzzRequest req) {
    req.removeHeader("Content-Type");
    String type = pick(new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
        "application/json;charset=latin1", "APPLICATION/JSON", "application/vnd.api+json", "multipart/form-data; boundary=x",
        "", "application/gzip", "application/json; charset=\"utf-8\"", ";", "application/json\u0000",
        new String("application/jsön".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)});
    if (type != null) {
      req.header("Content-Type", type);
    }
    req.mutations.add("content-type " + (type == null ? "missing" : FuzzJson.write(str(type))));
  }

  // --- helpers -------------------------------------------------------------------------------------

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] splice(byte[] b, int at, byte[] insert) {
    byte[] out = new byte[b.length + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at, out, at + insert.length, b.length - at);
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…(" + s.length() + ")" : s;
  }

  private <T> T pick(T[] values) {
    return values[r.nextInt(values.length)];
  }

  private <T> T pick(List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  private long pick(long[] values) {
    return values[r.nextInt(values.length)];
  }

  private int pick(int[] values) {
    return values[r.nextInt(values.length)];
  }

  // --- vocabularies --------------------------------------------------------------------------------

  static final List<String> BASE_FUZZ = List.of("fz-a", "fz-b", "fz-c");

  private static final String[] QUOTA_FIELDS = {"max_vectors", "max_storage_bytes", "max_requests_per_second",
      "max_concurrent_queries", "max_dimension", "max_results_per_query", "max_batch_size"};
  private static final String[] STATUSES = {"active", "active", "read_only", "suspended", "pending_deletion", "READONLY",
      "pendingdeletion", "Active", "read-only", "unavailable", "deleted", ""};
  private static final String[] PLANS = {"free", "pro", "unlimited", "unlimited", "gold", "", "FREE"};
  private static final String[] TIERS = {"free", "pro", "unlimited", "FREE", "gold", ""};
  private static final String[] METRICS = {"cosine", "euclidean", "dot_product", "COSINE", "manhattan", ""};
  private static final String[] QUANTIZATIONS = {"none", "int8", "int4", "bbq", "INT8", "fp16", ""};
  private static final String[] NAMES = {"Fuzz", "Fuzz namespace", " ", "", "名前", "x".repeat(300)};
  private static final String[] CATEGORIES = {"tech", "food", "travel", "science", "ünïcødé", "it's", "a\"b"};
  private static final String[] FIELDS = {"category", "year", "price", "tags", "title", "flag", "missing", "nested"};
  private static final String[] STRING_FILTER_ODDITIES = {"", "   ", "(((", "category = ", "year > 1e400 AND",
      "NOT NOT NOT category = 'tech'", "category = 'unterminated", "category = \"tech\" trailing", "(".repeat(40) + "year > 1" + ")".repeat(40),
      "year IN [" + "1,".repeat(2000) + "1]", "category CONTAINS ''", "category = '\\u0000'", "a = 1 OR ".repeat(600) + "a = 1",
      "\u0000", "year >= -0", "year = 1E+2", "year < 9223372036854775808"};
  private static final String[] DATES = {"2026-11-01", "2026-11-30", "2026-02-30", "2026-13-01", "2026-1-1", "", "%00",
      "+999999999-12-31", "-999999999-01-01", "1970-01-01", "9999-12-31", "2026-11-01T00:00", "now", "20261101"};
  private static final String[] KEY_NAMES = {"k1", "k2", "fz-key", "..", "x".repeat(65), "%00", "%2F", "K%20", "nope"};
  private static final String[] KEY_NAMES_IN_BODY = {"k1", "k2", "k3", "fz-key", "..", "x".repeat(65), "", "a b", "é"};
  private static final String[] SNAPSHOT_NAMES = {"s1", "s2", "s3", "20260101-000000-000", "UPPER", "..", "%2e%2e", "a".repeat(65),
      "%00", "s1%2F..", "%20", "nope"};
  private static final String[] SNAPSHOT_NAMES_IN_BODY = {"s1", "s2", "s3", "UPPER", "..", "", "a".repeat(65), "-x", "s 1", "é"};
  private static final String[] JUNK_NAMESPACES = {"ghost", "..", ".", "%2e%2e", "%2E", "a%00b", "x".repeat(129), "x".repeat(300),
      "%F0%9F%92%A9", "-x", "fz-a%2F..", "FZ-A", "fz-a%20", "%66z-a", "fz-a;x=1", "fz-a.", "%", "%ZZ", "fz-%C3%A9", "%ED%A0%80", "%u0041", "fz-%u0061"};
  private static final String[] VECTOR_IDS_IN_PATH = {"%2F", "..", ".", "x".repeat(513), "%C3%A9", "%25ZZ", "a%20b", "%3F%23",
      "%00", "%FF", "%ED%A0%80", "%", "%%", "v1%2Fv2", "v1;x", "+", "%F0%9F%92%A9", "é".repeat(300), "%u0076"};
}
