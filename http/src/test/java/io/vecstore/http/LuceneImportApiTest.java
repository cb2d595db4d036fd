package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import io.vecstore.testdata.Lucene9Index;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An index written by Lucene 9.12.3 (the fixture) imported over REST, then queried. */
@ExtendWith(Seeded.class)
class LuceneImportApiTest extends ServerTestBase {

  @TempDir Path fixtureDir;

  private String request(String id, Path path, String extra) {
    return "{\"id\":\"" + id + "\",\"path\":\"" + path.toAbsolutePath() + "\",\"vector_field\":\"" + Lucene9Index.VECTOR_FIELD
        + "\",\"id_field\":\"" + Lucene9Index.ID_FIELD + "\"" + extra + "}";
  }

  @Test
  void lucene9IndexImportsAndAnswersQueries(Random random) throws IOException {
    Path index = Lucene9Index.copyTo(fixtureDir.resolve("index"));
    Response r = server.post("/admin/namespaces/import-lucene", request("legacy", index, ",\"tier\":\"pro\""));
    assertEquals(201, r.status(), r.body());
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    for (String line : Lucene9Index.expectedRecords()) {
      JsonNode n = TestServer.JSON.readTree(line);
      expected.put(n.get("id").asText(), n);
    }
    assertEquals(expected.size(), r.json().get("imported").asLong());
    assertEquals(1, r.json().get("skipped_without_vector").asLong(), "doc-007 has no vector");
    assertEquals(0, r.json().get("skipped_without_id").asLong());
    JsonNode ns = r.json().get("namespace");
    assertEquals("cosine", ns.get("metric").asText(), "from the field's similarity");
    assertEquals(Lucene9Index.DIMENSION, ns.get("dimension").asInt());
    assertEquals(expected.size(), ns.get("vector_count").asLong());
    assertEquals(1_000_000, ns.get("quotas").get("max_vectors").asLong());

    // every record as the generator wrote it: values and metadata (numbers stay numbers, two values an array)
    for (String id : List.of("doc-000", "doc-001", "doc-199")) {
      JsonNode got = server.get("/v1/namespaces/legacy/vectors/" + id).json();
      assertEquals(expected.get(id).get("metadata"), got.get("metadata"), id);
      org.junit.jupiter.api.Assertions.assertArrayEquals(floats(expected.get(id).get("values")), floats(got.get("values")), id);
    }
    assertEquals("vector_not_found", server.get("/v1/namespaces/legacy/vectors/doc-013").code(), "deleted in Lucene 9");

    // queries agree with brute force over the expected records, filters included
    List<String> ids = new ArrayList<>(expected.keySet());
    for (int q = 0; q < 5; q++) {
      float[] query = floats(expected.get(ids.get(random.nextInt(ids.size()))).get("values"));
      boolean filtered = q % 2 == 1;
      List<String> want = expected.values().stream()
          .filter(n -> !filtered || n.get("metadata").get("year").asInt() >= 2010)
          .sorted(Comparator.comparingDouble((JsonNode n) -> -cosine(query, floats(n.get("values")))))
          .limit(10).map(n -> n.get("id").asText()).toList();
      Response hits = server.post("/v1/namespaces/legacy/query", "{\"vector\":" + TestServer.JSON.valueToTree(query)
          + ",\"k\":10,\"num_candidates\":200" + (filtered ? ",\"filter\":{\"year\":{\"$gte\":2010}}" : "") + "}");
      assertEquals(200, hits.status(), hits.body());
      List<String> got = new ArrayList<>();
      hits.json().get("results").forEach(h -> got.add(h.get("id").asText()));
      assertEquals(want, got);
    }
    assertEquals(200, server.post("/v1/namespaces/legacy/vectors",
        "{\"vectors\":[{\"id\":\"new\",\"values\":" + expected.get("doc-000").get("values") + "}]}").status());
  }

  @Test
  void importChecksItsInputAndLeavesNothingOnFailure() throws IOException {
    Path index = Lucene9Index.copyTo(fixtureDir.resolve("index"));
    Response notIndex = server.post("/admin/namespaces/import-lucene", request("x", fixtureDir, ""));
    assertEquals(400, notIndex.status());
    assertTrue(notIndex.error().contains("no Lucene index"), notIndex.error());
    Response field = server.post("/admin/namespaces/import-lucene",
        request("x", index, "").replace(Lucene9Index.VECTOR_FIELD, "title"));
    assertEquals(400, field.status());
    assertTrue(field.error().contains("vector_field 'title'"), field.error());
    Response relative = server.post("/admin/namespaces/import-lucene",
        "{\"id\":\"x\",\"path\":\"index\",\"vector_field\":\"embedding\",\"id_field\":\"doc_id\"}");
    assertEquals(400, relative.status());
    Response quota = server.post("/admin/namespaces/import-lucene", request("small", index, ",\"quotas\":{\"max_vectors\":50}"));
    assertEquals(403, quota.status(), quota.body());
    assertEquals("quota_exceeded", quota.code());
    assertEquals(404, server.get("/admin/namespaces/small").status(), "a failed import leaves no namespace");
    assertEquals(201, server.post("/admin/namespaces/import-lucene", request("dims", index,
        ",\"metric\":\"euclidean\",\"metadata_fields\":[\"year\"]")).status());
    JsonNode doc = server.get("/v1/namespaces/dims/vectors/doc-000").json();
    assertEquals("{\"year\":1990}", doc.get("metadata").toString());
    assertEquals("euclidean", server.get("/admin/namespaces/dims").json().get("metric").asText());
    assertEquals(409, server.post("/admin/namespaces/import-lucene", request("dims", index, "")).status());
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).floatValue();
    }
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
