package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Metadata filters through HTTP: the guide's example, the JSON form, delete by filter, errors. */
class FilterApiTest extends ServerTestBase {

  @BeforeEach
  void fill() {
    server.post("/admin/namespaces", "{\"id\":\"customer-123\",\"name\":\"Customer 123\",\"tier\":\"unlimited\"}");
    StringBuilder body = new StringBuilder("{\"vectors\":[");
    String[] categories = {"tech", "food", "travel"};
    for (int i = 0; i < 60; i++) {
      body.append(i == 0 ? "" : ",").append("{\"id\":\"doc").append(i).append("\",\"values\":[")
          .append(Math.cos(i)).append(',').append(Math.sin(i)).append(",0.5],\"metadata\":{\"category\":\"")
          .append(categories[i % 3]).append("\",\"year\":").append(2015 + i % 10)
          .append(",\"tags\":[\"t").append(i % 4).append("\",\"all\"]}}");
    }
    assertEquals(200, server.post("/v1/namespaces/customer-123/vectors", body.append("]}").toString()).status());
  }

  private List<JsonNode> results(String query) {
    Response r = server.post("/v1/namespaces/customer-123/query", query);
    assertEquals(200, r.status(), r.body());
    List<JsonNode> out = new ArrayList<>();
    r.json().get("results").forEach(out::add);
    return out;
  }

  @Test
  void guideExampleReturnsOnlyTechDocuments() {
    List<JsonNode> hits = results("{\"vector\":[0.15,0.25,0.35],\"k\":10,\"filter\":\"category = 'tech'\"}");
    assertEquals(10, hits.size(), "20 tech documents, k = 10: a pre-filter returns k");
    for (JsonNode h : hits) {
      assertEquals("tech", h.at("/metadata/category").asText());
    }
    assertEquals(20, results("{\"vector\":[0.15,0.25,0.35],\"k\":100,\"filter\":\"category = 'tech'\"}").size());
  }

  @Test
  void stringAndJsonFormsAgree() {
    List<JsonNode> text = results("{\"vector\":[1,0,0],\"k\":50,\"filter\":\"category IN ['food','travel'] AND year >= 2020 AND tags CONTAINS 't1'\"}");
    List<JsonNode> json = results("{\"vector\":[1,0,0],\"k\":50,\"filter\":{\"category\":{\"$in\":[\"food\",\"travel\"]},\"year\":{\"$gte\":2020},\"tags\":{\"$in\":[\"t1\"]}}}");
    assertTrue(!text.isEmpty());
    assertEquals(text.stream().map(h -> h.get("id").asText()).toList(), json.stream().map(h -> h.get("id").asText()).toList());
    for (JsonNode h : text) {
      assertTrue(h.at("/metadata/year").asInt() >= 2020);
      assertTrue(!h.at("/metadata/category").asText().equals("tech"));
    }
    assertEquals(60, results("{\"vector\":[1,0,0],\"k\":100,\"filter\":null}").size(), "null filter = none");
  }

  @Test
  void invalidFilterIs400WithPosition() {
    Response r = server.post("/v1/namespaces/customer-123/query", "{\"vector\":[1,0,0],\"filter\":\"category IN ['tech'\"}");
    assertEquals(400, r.status());
    assertEquals("invalid_filter", r.code());
    assertTrue(r.error().contains(" at "), r.error());
    assertTrue(r.json().has("position"), r.body());
    Response json = server.post("/v1/namespaces/customer-123/query", "{\"vector\":[1,0,0],\"filter\":{\"year\":{\"$between\":[1,2]}}}");
    assertEquals(400, json.status());
    assertEquals("invalid_filter", json.code());
  }

  @Test
  void deleteByFilterRemovesExactlyTheMatches() throws IOException {
    Response r = server.post("/v1/namespaces/customer-123/vectors/delete", "{\"filter\":\"category = 'food' AND year < 2020\"}");
    assertEquals(200, r.status(), r.body());
    long deleted = r.json().get("deleted").asLong();
    assertTrue(deleted > 0);
    assertEquals(60 - deleted, server.get("/admin/namespaces/customer-123/stats").json().get("vector_count").asLong());
    assertEquals(0, results("{\"vector\":[1,0,0],\"k\":100,\"filter\":\"category = 'food' AND year < 2020\"}").size());
    server.restart();
    assertEquals(60 - deleted, server.get("/admin/namespaces/customer-123/stats").json().get("vector_count").asLong());
    assertEquals(0, results("{\"vector\":[1,0,0],\"k\":100,\"filter\":{\"$and\":[{\"category\":\"food\"},{\"year\":{\"$lt\":2020}}]}}").size());
  }
}
