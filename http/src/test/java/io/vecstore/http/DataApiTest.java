package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import io.vecstore.testdata.Seeded;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(Seeded.class)
class DataApiTest extends ServerTestBase {

  @Test
  void upsertQueryFetchDelete() {
    server.post("/admin/namespaces", "{\"id\":\"customer-123\",\"name\":\"Customer 123\"}");
    Response up = server.post("/v1/namespaces/customer-123/vectors", """
        {"vectors": [
          {"id": "doc1", "values": [0.1, 0.2, 0.3], "metadata": {"title": "Document 1", "category": "tech", "score": 1.50}},
          {"id": "doc2", "values": [0.3, 0.2, 0.1], "metadata": {"category": "food"}},
          {"id": "doc3", "values": [0.3, 0.3, 0.3]}
        ]}""");
    assertEquals(200, up.status(), up.body());
    assertEquals(3, up.json().get("upserted").asInt());

    Response q = server.post("/v1/namespaces/customer-123/query", "{\"vector\": [0.15, 0.25, 0.35], \"k\": 2}");
    assertEquals(200, q.status(), q.body());
    JsonNode results = q.json().get("results");
    assertEquals(2, results.size());
    assertEquals("doc1", results.get(0).get("id").asText());
    assertTrue(results.get(0).get("distance").asDouble() <= results.get(1).get("distance").asDouble());
    assertEquals(1 - results.get(0).get("distance").asDouble(), results.get(0).get("score").asDouble(), 1e-12);
    assertTrue(q.body().contains("\"metadata\":{\"title\":\"Document 1\",\"category\":\"tech\",\"score\":1.50}"),
        "metadata comes back exactly as sent: " + q.body());
    assertFalse(results.get(0).has("values"));

    Response withValues = server.post("/v1/namespaces/customer-123/query",
        "{\"vector\": [0.15, 0.25, 0.35], \"k\": 1, \"include_metadata\": false, \"include_values\": true}");
    assertEquals("[0.1,0.2,0.3]", withValues.json().at("/results/0/values").toString());
    assertFalse(withValues.json().at("/results/0").has("metadata"));

    Response fetched = server.get("/v1/namespaces/customer-123/vectors/doc2");
    assertEquals(200, fetched.status());
    assertEquals("{\"id\":\"doc2\",\"values\":[0.3,0.2,0.1],\"metadata\":{\"category\":\"food\"}}", fetched.body());
    assertTrue(server.get("/v1/namespaces/customer-123/vectors/doc3").json().get("metadata").isNull());

    Response del = server.delete("/v1/namespaces/customer-123/vectors/doc2");
    assertEquals(200, del.status());
    assertEquals(1, del.json().get("deleted").asInt());
    Response missing = server.get("/v1/namespaces/customer-123/vectors/doc2");
    assertEquals(404, missing.status());
    assertEquals("vector_not_found", missing.code());
    assertEquals(404, server.delete("/v1/namespaces/customer-123/vectors/doc2").status());

    Response batchDel = server.post("/v1/namespaces/customer-123/vectors/delete", "{\"ids\": [\"doc1\", \"nope\"]}");
    assertEquals(1, batchDel.json().get("deleted").asInt());
    assertEquals(1, server.get("/admin/namespaces/customer-123/stats").json().get("vector_count").asInt());
  }

  @Test
  void anyVectorIdIsReachableByItsPercentEncodedPath() {
    server.post("/admin/namespaces", "{\"id\":\"odd\",\"name\":\"odd\"}");
    List<String> ids = List.of("a/b", "/lead", "trail/", "a//b", "../x", "%2F", "sp ace", "q?x=1#f", "é/日本", "100%", "a\\b", ";p=1");
    StringBuilder body = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < ids.size(); i++) {
      body.append(i == 0 ? "" : ",").append("{\"id\":").append(TestServer.JSON.valueToTree(ids.get(i)).toString())
          .append(",\"values\":[1,").append(i + 1).append("]}");
    }
    assertEquals(200, server.post("/v1/namespaces/odd/vectors", body.append("]}").toString()).status());
    for (String id : ids) {
      String path = "/v1/namespaces/odd/vectors/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
      Response fetched = server.get(path);
      assertEquals(200, fetched.status(), id + " -> " + fetched);
      assertEquals(id, fetched.json().get("id").asText());
      assertEquals(200, server.delete(path).status(), id);
      assertEquals(404, server.get(path).status(), id);
    }
    assertEquals(0, server.get("/admin/namespaces/odd/stats").json().get("vector_count").asLong());
  }

  @Test
  void updateByIdReplacesAndKLargerThanCountReturnsAll() {
    server.post("/admin/namespaces", "{\"id\":\"ns\",\"name\":\"ns\"}");
    server.post("/v1/namespaces/ns/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,0],\"metadata\":{\"v\":1}},{\"id\":\"b\",\"values\":[0,1]}]}");
    server.post("/v1/namespaces/ns/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[0,1],\"metadata\":{\"v\":2}}]}");
    Response a = server.get("/v1/namespaces/ns/vectors/a");
    assertEquals("[0.0,1.0]", a.json().get("values").toString());
    assertEquals(2, a.json().at("/metadata/v").asInt());
    Response all = server.post("/v1/namespaces/ns/query", "{\"vector\":[1,1],\"k\":1000}");
    assertEquals(2, all.json().get("results").size());
    assertEquals(2, server.get("/admin/namespaces/ns").json().get("vector_count").asInt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cosine", "euclidean", "dot_product"})
  void distancesMatchBruteForceForEveryMetric(String metric, Random random) {
    server.post("/admin/namespaces", "{\"id\":\"m\",\"name\":\"m\",\"metric\":\"" + metric + "\"}");
    int n = 120, dim = 6;
    List<double[]> vectors = new ArrayList<>();
    StringBuilder body = new StringBuilder("{\"vectors\":[");
    for (int i = 0; i < n; i++) {
      double[] v = new double[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = (float) random.nextGaussian();
      }
      vectors.add(v);
      body.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"values\":").append(json(v)).append('}');
    }
    assertEquals(200, server.post("/v1/namespaces/m/vectors", body.append("]}").toString()).status());
    for (int t = 0; t < 10; t++) {
      double[] q = new double[dim];
      for (int d = 0; d < dim; d++) {
        q[d] = (float) random.nextGaussian();
      }
      Response r = server.post("/v1/namespaces/m/query", "{\"vector\":" + json(q) + ",\"k\":10}");
      assertEquals(200, r.status(), r.body());
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        expected.add(i);
      }
      expected.sort(Comparator.comparingDouble(i -> distance(metric, q, vectors.get(i))));
      JsonNode results = r.json().get("results");
      for (int rank = 0; rank < 10; rank++) {
        int id = expected.get(rank);
        assertEquals(distance(metric, q, vectors.get(id)), results.get(rank).get("distance").asDouble(), 1e-9);
      }
    }
  }

  @Test
  void restartKeepsEveryNamespaceAndVector() throws IOException {
    for (int ns = 0; ns < 3; ns++) {
      server.post("/admin/namespaces", "{\"id\":\"ns" + ns + "\",\"name\":\"n\",\"metric\":\"euclidean\"}");
      for (int i = 0; i < 20; i++) {
        server.post("/v1/namespaces/ns" + ns + "/vectors",
            "{\"vectors\":[{\"id\":\"v" + i + "\",\"values\":[" + i + "," + ns + "],\"metadata\":{\"i\":" + i + "}}]}");
      }
    }
    server.delete("/v1/namespaces/ns1/vectors/v3");
    server.restart();
    assertEquals(3, server.get("/admin/namespaces").json().get("namespaces").size());
    for (int ns = 0; ns < 3; ns++) {
      JsonNode stats = server.get("/admin/namespaces/ns" + ns + "/stats").json();
      assertEquals(ns == 1 ? 19 : 20, stats.get("vector_count").asInt());
      assertEquals(20, stats.get("total_upserts").asInt());
      Response v7 = server.get("/v1/namespaces/ns" + ns + "/vectors/v7");
      assertEquals("[7.0," + ns + ".0]", v7.json().get("values").toString());
      assertEquals(7, v7.json().at("/metadata/i").asInt());
    }
    assertEquals(404, server.get("/v1/namespaces/ns1/vectors/v3").status());
    Response nearest = server.post("/v1/namespaces/ns2/query", "{\"vector\":[5.1,2],\"k\":1}");
    assertEquals("v5", nearest.json().at("/results/0/id").asText());
  }

  @Test
  void healthReadyAndMetrics() {
    assertEquals(200, server.get("/health").status());
    assertEquals("ready", server.get("/ready").json().get("status").asText());
    server.get("/admin/namespaces/nope");
    Response metrics = server.get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertTrue(metrics.body().contains("vecstore_http_server_requests_seconds_count{method=\"GET\",route=\"/admin/namespaces/{id}\",status=\"404\"}"),
        metrics.body());
    assertFalse(metrics.body().contains("/admin/namespaces/nope"), "raw paths never become labels");
    assertTrue(metrics.body().contains("jvm_memory_used_bytes"));
  }

  private static String json(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%s", (float) v[i]));
    }
    return sb.append(']').toString();
  }

  private static double distance(String metric, double[] q, double[] v) {
    double dot = 0, nq = 0, nv = 0, l2 = 0;
    for (int i = 0; i < q.length; i++) {
      dot += q[i] * v[i];
      nq += q[i] * q[i];
      nv += v[i] * v[i];
      l2 += (q[i] - v[i]) * (q[i] - v[i]);
    }
    return switch (metric) {
      case "cosine" -> 1 - dot / (Math.sqrt(nq) * Math.sqrt(nv));
      case "euclidean" -> Math.sqrt(l2);
      default -> -dot;
    };
  }
}
