package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our own routes for what Pinecone users take for granted: list ids, fetch many, partial updates, delete all. */
class VectorListingApiTest extends ServerTestBase {

  @BeforeEach
  void fill() {
    assertEquals(201, server.post("/admin/namespaces", "{\"id\":\"ns\",\"tier\":\"unlimited\"}").status());
    StringBuilder vectors = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      vectors.append(i == 0 ? "" : ",").append("{\"id\":\"item-").append(i < 10 ? "0" : "").append(i)
          .append("\",\"values\":[1,").append(i).append("],\"metadata\":{\"i\":").append(i).append("}}");
    }
    vectors.append(",{\"id\":\"other\",\"values\":[1,1]}");
    assertEquals(200, server.post("/v1/namespaces/ns/vectors", "{\"vectors\":[" + vectors + "]}").status());
  }

  @Test
  void listsIdsByPrefixPageByPage() {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = server.get("/v1/namespaces/ns/vectors?prefix=item-&limit=10" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.get("ids").forEach(id -> all.add(id.asText()));
      cursor = page.has("next_cursor") ? page.get("next_cursor").asText() : null;
    } while (cursor != null);
    assertEquals(25, all.size());
    assertEquals("item-00", all.getFirst());
    assertEquals("item-24", all.getLast());
    assertEquals(26, server.get("/v1/namespaces/ns/vectors?limit=1000").json().get("ids").size());
    Response bad = server.get("/v1/namespaces/ns/vectors?limit=0");
    assertEquals(400, bad.status());
    assertEquals("limit must be between 1 and 1000, got: 0", bad.error());
    assertEquals(400, server.get("/v1/namespaces/ns/vectors?cursor=not-ours").status());
  }

  @Test
  void fetchesManyByIdsOrByFilter() {
    JsonNode many = server.post("/v1/namespaces/ns/vectors/fetch", "{\"ids\":[\"item-03\",\"gone\",\"item-01\"]}").json();
    assertEquals("item-03", many.at("/vectors/0/id").asText());
    assertEquals("item-01", many.at("/vectors/1/id").asText());
    assertEquals("gone", many.at("/missing/0").asText());
    JsonNode page = server.post("/v1/namespaces/ns/vectors/fetch", "{\"filter\":\"i >= 20\",\"limit\":3}").json();
    assertEquals(3, page.get("vectors").size());
    JsonNode rest = server.post("/v1/namespaces/ns/vectors/fetch", "{\"filter\":\"i >= 20\",\"cursor\":\""
        + page.get("next_cursor").asText() + "\"}").json();
    assertEquals(2, rest.get("vectors").size());
    assertFalse(rest.has("next_cursor"));
    assertEquals(400, server.post("/v1/namespaces/ns/vectors/fetch", "{\"ids\":[\"a\"],\"filter\":\"i > 1\"}").status());
    assertEquals(400, server.post("/v1/namespaces/ns/vectors/fetch", "{\"ids\":[]}").status());
  }

  @Test
  void updatesPartiallyByIdAndByFilter() {
    Response patched = server.send("PATCH", "/v1/namespaces/ns/vectors/item-02", "{\"metadata\":{\"tag\":\"x\",\"i\":null}}",
        "application/json");
    assertEquals(200, patched.status(), patched.body());
    assertEquals("x", patched.json().at("/metadata/tag").asText());
    assertFalse(patched.json().get("metadata").has("i"));
    assertEquals(2.0, patched.json().at("/values/1").asDouble());
    assertEquals(404, server.send("PATCH", "/v1/namespaces/ns/vectors/none", "{\"values\":[1,2]}", "application/json").status());
    assertEquals(400, server.send("PATCH", "/v1/namespaces/ns/vectors/item-02", "{}", "application/json").status());
    JsonNode dry = server.post("/v1/namespaces/ns/vectors/update", "{\"filter\":\"i < 5\",\"metadata\":{\"low\":true},\"dry_run\":true}").json();
    assertEquals(4, dry.get("matched").asInt()); // item-02 lost its i
    assertEquals(0, dry.get("updated").asInt());
    JsonNode done = server.post("/v1/namespaces/ns/vectors/update", "{\"filter\":\"i < 5\",\"metadata\":{\"low\":true}}").json();
    assertEquals(4, done.get("updated").asInt());
    assertTrue(server.get("/v1/namespaces/ns/vectors/item-04").json().at("/metadata/low").asBoolean());
  }

  @Test
  void deletesAll() {
    assertEquals(26, server.post("/v1/namespaces/ns/vectors/delete", "{\"delete_all\":true}").json().get("deleted").asInt());
    assertEquals(0, server.get("/v1/namespaces/ns/vectors").json().get("ids").size());
    assertEquals(400, server.post("/v1/namespaces/ns/vectors/delete", "{\"delete_all\":false}").status());
    assertEquals(400, server.post("/v1/namespaces/ns/vectors/delete", "{\"delete_all\":true,\"ids\":[\"a\"]}").status());
  }
}
