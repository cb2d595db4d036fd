package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.http.TestServer.Response;
import io.vecstore.testdata.Seeded;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot, restore, export and import over REST, on real servers. */
@ExtendWith(Seeded.class)
class SnapshotApiTest extends ServerTestBase {

  @TempDir Path otherDataDir;

  private void createNamespace(TestServer s, String id) {
    Response r = s.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"metric\":\"euclidean\",\"tier\":\"unlimited\"}");
    assertEquals(201, r.status(), r.body());
  }

  private void upsert(TestServer s, String ns, String vectorsJson) {
    Response r = s.post("/v1/namespaces/" + ns + "/vectors", "{\"vectors\":" + vectorsJson + "}");
    assertEquals(200, r.status(), r.body());
  }

  private Set<String> ids(TestServer s, String ns) {
    Response r = s.post("/v1/namespaces/" + ns + "/query", "{\"vector\":[0,0],\"k\":100}");
    assertEquals(200, r.status(), r.body());
    Set<String> out = new TreeSet<>();
    r.json().get("results").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  @Test
  void snapshotThenWriteThenRestoreServesTheSnapshotAtOnce() {
    createNamespace(server, "ns");
    upsert(server, "ns", "[{\"id\":\"a\",\"values\":[1,0],\"metadata\":{\"v\":1}},{\"id\":\"b\",\"values\":[0,1]}]");
    Response snap = server.post("/admin/namespaces/ns/snapshots", "{\"name\":\"nightly\"}");
    assertEquals(201, snap.status(), snap.body());
    assertEquals("nightly", snap.json().get("name").asText());
    assertEquals(2, snap.json().get("vector_count").asLong());
    assertTrue(snap.json().get("bytes").asLong() > 0);

    upsert(server, "ns", "[{\"id\":\"a\",\"values\":[1,0],\"metadata\":{\"v\":2}},{\"id\":\"c\",\"values\":[1,1]}]");
    assertEquals(200, server.delete("/v1/namespaces/ns/vectors/b").status());
    assertEquals(Set.of("a", "c"), ids(server, "ns"));

    JsonNode list = server.get("/admin/namespaces/ns/snapshots").json().get("snapshots");
    assertEquals(1, list.size());
    assertEquals("nightly", list.get(0).get("name").asText());
    JsonNode stats = server.get("/admin/namespaces/ns/stats").json();
    assertEquals(snap.json().get("bytes").asLong(), stats.get("snapshot_bytes").asLong());

    Response restored = server.post("/admin/namespaces/ns/snapshots/nightly/restore", "");
    assertEquals(200, restored.status(), restored.body());
    assertEquals(2, restored.json().get("vector_count").asLong());
    assertEquals("ns", restored.json().get("id").asText());
    assertEquals(Set.of("a", "b"), ids(server, "ns"));
    assertEquals(1, server.get("/v1/namespaces/ns/vectors/a").json().get("metadata").get("v").asInt());
    assertEquals("vector_not_found", server.get("/v1/namespaces/ns/vectors/c").code());
    assertEquals(2, server.get("/admin/namespaces/ns/stats").json().get("vector_count").asLong());
  }

  @Test
  void snapshotErrorsAndDefaults() {
    createNamespace(server, "ns");
    Response auto = server.send("POST", "/admin/namespaces/ns/snapshots", (byte[]) null, null);
    assertEquals(201, auto.status(), auto.body());
    String name = auto.json().get("name").asText();
    assertTrue(name.matches("\\d{8}-\\d{6}-\\d{3}"), name);
    assertEquals(200, server.get("/admin/namespaces/ns/snapshots/" + name).status());
    Response dup = server.post("/admin/namespaces/ns/snapshots", "{\"name\":\"" + name + "\"}");
    assertEquals(409, dup.status());
    assertEquals("snapshot_exists", dup.code());
    Response bad = server.post("/admin/namespaces/ns/snapshots", "{\"name\":\"Bad Name\"}");
    assertEquals(400, bad.status());
    assertEquals("invalid_argument", bad.code());
    assertEquals(400, server.post("/admin/namespaces/ns/snapshots", "{\"nam\":\"x\"}").status());
    assertEquals("snapshot_not_found", server.post("/admin/namespaces/ns/snapshots/none/restore", "").code());
    assertEquals("snapshot_not_found", server.get("/admin/namespaces/ns/snapshots/none/export").code());
    assertEquals("namespace_not_found", server.post("/admin/namespaces/ghost/snapshots", "{}").code());
    Response deleted = server.delete("/admin/namespaces/ns/snapshots/" + name);
    assertEquals(200, deleted.status());
    assertEquals(name, deleted.json().get("deleted").asText());
    assertEquals(404, server.delete("/admin/namespaces/ns/snapshots/" + name).status());
    assertEquals(0, server.get("/admin/namespaces/ns/stats").json().get("snapshot_bytes").asLong());

    Response json = server.post("/admin/namespaces/import?id=x", "{}");
    assertEquals(415, json.status());
    assertEquals("unsupported_media_type", json.code());
    Response garbage = server.send("POST", "/admin/namespaces/import?id=x", "nope".getBytes(), "application/gzip");
    assertEquals(400, garbage.status(), garbage.body());
    assertEquals(1, server.get("/admin/namespaces").json().get("total").asInt());
  }

  @Test
  void exportOnOneServerImportOnAnotherGivesIdenticalResults(Random random) throws Exception {
    server.post("/admin/namespaces", "{\"id\":\"src\",\"name\":\"Source\",\"metric\":\"cosine\",\"tier\":\"pro\",\"quotas\":{\"max_vectors\":5000}}");
    ArrayNode vectors = TestServer.JSON.createArrayNode();
    for (int i = 0; i < 300; i++) {
      ObjectNode v = vectors.addObject().put("id", "v" + i);
      ArrayNode values = v.putArray("values");
      for (int d = 0; d < 12; d++) {
        values.add(random.nextGaussian());
      }
      v.putObject("metadata").put("i", i).put("group", "g" + (i % 3));
    }
    for (int from = 0; from < 300; from += 100) {
      ArrayNode part = TestServer.JSON.createArrayNode();
      for (int i = from; i < from + 100; i++) {
        part.add(vectors.get(i));
      }
      upsert(server, "src", part.toString());
    }
    assertEquals(201, server.post("/admin/namespaces/src/snapshots", "{\"name\":\"move\"}").status());

    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<byte[]> export = client.send(
        HttpRequest.newBuilder(URI.create(server.base() + "/admin/namespaces/src/snapshots/move/export")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, export.statusCode());
    assertEquals("application/gzip", export.headers().firstValue("Content-Type").orElse(""));
    assertTrue(export.headers().firstValue("Content-Disposition").orElse("").contains("src-move.tar.gz"));
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b}, java.util.Arrays.copyOf(export.body(), 2));

    try (TestServer other = TestServer.start(otherDataDir)) {
      Response imported = other.send("POST", "/admin/namespaces/import?id=moved", export.body(), "application/gzip");
      assertEquals(201, imported.status(), imported.body());
      assertEquals("moved", imported.json().get("id").asText());
      assertEquals("Source", imported.json().get("name").asText());
      assertEquals(300, imported.json().get("vector_count").asLong());
      assertEquals(server.get("/admin/namespaces/src").json().get("quotas"), imported.json().get("quotas"));
      List<String> queries = new ArrayList<>();
      for (int q = 0; q < 10; q++) {
        queries.add("{\"vector\":" + vectors.get(random.nextInt(300)).get("values") + ",\"k\":10,"
            + (q % 2 == 0 ? "\"filter\":\"group = 'g1'\"," : "") + "\"include_values\":true}");
      }
      for (String q : queries) {
        Response a = server.post("/v1/namespaces/src/query", q);
        Response b = other.post("/v1/namespaces/moved/query", q);
        assertEquals(200, b.status(), b.body());
        assertEquals(a.json(), b.json(), q);
        assertEquals(10, b.json().get("results").size());
      }
      assertTrue(export.body().length > 4096);
      try (TestServer small = TestServer.start(ServerConfig.defaults(otherDataDir.resolve("small")).withPort(0).withMaxBodyBytes(4096))) {
        assertEquals(201, small.send("POST", "/admin/namespaces/import?id=big", export.body(), "application/gzip").status(),
            "an import is not bound by the JSON body limit");
      }
      // under its own id too, and never over an existing namespace
      assertEquals(201, other.send("POST", "/admin/namespaces/import", export.body(), "application/gzip").status());
      assertEquals(300, other.get("/admin/namespaces/src").json().get("vector_count").asLong());
      Response again = other.send("POST", "/admin/namespaces/import?id=moved", export.body(), "application/gzip");
      assertEquals(409, again.status());
      assertEquals("namespace_exists", again.code());
      other.restart();
      assertEquals(server.post("/v1/namespaces/src/query", queries.get(0)).json(),
          other.post("/v1/namespaces/moved/query", queries.get(0)).json());
    }
  }
}
