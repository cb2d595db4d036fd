package io.vecstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.http.TestServer.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Text records, server-side embedding (the real ONNX model) and keyword and hybrid queries, over
 * the real server and a real HTTP client.
 */
class TextApiTest extends ServerTestBase {

  private static final String DOCS = """
      {"vectors": [
        {"id": "cat", "text": "The cat sat on the warm windowsill and purred", "metadata": {"kind": "pet"}},
        {"id": "dog", "text": "A dog barked at the mail carrier all morning", "metadata": {"kind": "pet"}},
        {"id": "java", "text": "Java is a programming language that runs on the JVM", "metadata": {"kind": "tech"}},
        {"id": "lucene", "text": "Lucene is a search library written in Java", "metadata": {"kind": "tech"}},
        {"id": "soup", "text": "Tomato soup tastes best with fresh basil", "metadata": {"kind": "food"}}
      ]}""";

  private void createTextNamespace(String id) {
    Response created = server.post("/admin/namespaces", "{\"id\":\"" + id + "\",\"text\":{\"analyzer\":\"english\"},"
        + "\"embedding\":{\"model\":\"all-minilm-l6-v2\"}}");
    assertEquals(201, created.status(), created.body());
    assertEquals(200, server.post("/v1/namespaces/" + id + "/vectors", DOCS).status());
  }

  private static List<String> ids(Response r) {
    assertEquals(200, r.status(), r.body());
    List<String> out = new ArrayList<>();
    r.json().get("results").forEach(h -> out.add(h.get("id").asText()));
    return out;
  }

  @Test
  void aNamespaceShowsItsTextOptionsAndTheModelFixesDimensionAndMetric() {
    Response created = server.post("/admin/namespaces",
        "{\"id\":\"t\",\"text\":{\"analyzer\":\"english\"},\"embedding\":{\"model\":\"bge-small-en-v1.5\"}}");
    assertEquals(201, created.status(), created.body());
    JsonNode ns = server.get("/admin/namespaces/t").json();
    assertEquals("{\"analyzer\":\"english\"}", ns.get("text").toString());
    assertEquals("{\"model\":\"bge-small-en-v1.5\"}", ns.get("embedding").toString());
    assertEquals(384, ns.get("dimension").asInt());
    assertEquals("cosine", ns.get("metric").asText());
    Response plain = server.post("/admin/namespaces", "{\"id\":\"p\",\"text\":{}}");
    assertEquals("{\"analyzer\":\"standard\"}", plain.json().get("text").toString());
    assertTrue(plain.json().get("embedding").isNull());
    assertTrue(server.post("/admin/namespaces", "{\"id\":\"q\"}").json().get("text").isNull());
  }

  @Test
  void textIsEmbeddedOnTheServerAndFoundByMeaningAndByWords() {
    createTextNamespace("docs");
    JsonNode cat = server.get("/v1/namespaces/docs/vectors/cat").json();
    assertEquals("The cat sat on the warm windowsill and purred", cat.get("text").asText());
    assertEquals(384, cat.get("values").size());

    // By meaning: no word in common with the text, found by the embedded vector only.
    Response kitten = server.post("/v1/namespaces/docs/query", "{\"text\": \"kitten\", \"mode\": \"vector\", \"k\": 1}");
    assertEquals(List.of("cat"), ids(kitten));
    assertEquals("{\"vector\":1,\"keyword\":null}", kitten.json().at("/results/0/ranks").toString());
    assertEquals(List.of(), ids(server.post("/v1/namespaces/docs/query", "{\"text\": \"kitten\", \"mode\": \"keyword\"}")));

    // By words, stemmed by the english analyzer: "barking" finds "barked".
    Response barking = server.post("/v1/namespaces/docs/query",
        "{\"text\": \"barking\", \"mode\": \"keyword\", \"include_text\": true}");
    assertEquals(List.of("dog"), ids(barking));
    JsonNode hit = barking.json().at("/results/0");
    assertTrue(hit.get("distance").isNull(), "keyword without a vector: no distance " + hit);
    assertEquals("A dog barked at the mail carrier all morning", hit.get("text").asText());

    // Hybrid by default; the filter holds in both legs.
    Response hybrid = server.post("/v1/namespaces/docs/query",
        "{\"text\": \"java search library\", \"k\": 5, \"filter\": {\"kind\": {\"$eq\": \"tech\"}}}");
    List<String> found = ids(hybrid);
    assertEquals(List.of("lucene", "java"), found);
    for (JsonNode h : hybrid.json().get("results")) {
      assertTrue(h.get("ranks").get("vector").isInt() && h.get("ranks").get("keyword").isInt(), h.toString());
      assertTrue(h.get("distance").isNumber(), h.toString());
      assertFalse(h.has("text"), "include_text defaults to false");
    }
    double expected = 1.0 / 61 + 1.0 / 61; // lucene: first in both legs, RRF with the defaults
    assertEquals(expected, hybrid.json().at("/results/0/score").asDouble(), 1e-12);
  }

  @Test
  void theSameTextAlwaysGivesTheSameVector() {
    createTextNamespace("det");
    server.post("/v1/namespaces/det/vectors", """
        {"vectors": [{"id": "again", "text": "The cat sat on the warm windowsill and purred"},
                     {"id": "other", "text": "something else in the same batch"}]}""");
    assertEquals(server.get("/v1/namespaces/det/vectors/cat").json().get("values"),
        server.get("/v1/namespaces/det/vectors/again").json().get("values"));
  }

  @Test
  void badTextInputIsA400NamingTheField() {
    server.post("/admin/namespaces", "{\"id\":\"plain\"}");
    server.post("/admin/namespaces", "{\"id\":\"kw\",\"text\":{\"analyzer\":\"standard\"}}");
    expect400(server.post("/admin/namespaces", "{\"id\":\"x\",\"text\":{\"analyzer\":\"klingon\"}}"),
        "text.analyzer must be one of [standard, english, simple, whitespace, german, french, spanish, italian, portuguese, dutch], got: klingon");
    expect400(server.post("/admin/namespaces", "{\"id\":\"x\",\"embedding\":{\"model\":\"gpt\"}}"),
        "embedding.model must be one of [all-minilm-l6-v2, bge-small-en-v1.5], got: gpt");
    expect400(server.post("/admin/namespaces", "{\"id\":\"x\",\"embedding\":{\"model\":\"all-minilm-l6-v2\"},\"dimension\":3}"),
        "dimension must be 384 (or left out) with embedding model all-minilm-l6-v2, got: 3");
    expect400(server.post("/v1/namespaces/plain/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2],\"text\":\"hi\"}]}"),
        "text of vector 'a' cannot be stored: namespace 'plain' has neither text search nor an embedding model");
    expect400(server.post("/v1/namespaces/kw/vectors", "{\"vectors\":[{\"id\":\"a\",\"text\":\"hi\"}]}"),
        "values of vector 'a' are required: namespace 'kw' has no embedding model to embed its text");
    expect400(server.post("/v1/namespaces/kw/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2],\"text\":7}]}"),
        "vectors[0].text must be a string, got: 7");
    assertEquals(200, server.post("/v1/namespaces/kw/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2],\"text\":\"hi\"}]}").status());
    expect400(server.post("/v1/namespaces/kw/query", "{\"vector\":[1,2],\"mode\":\"hybrid\"}"), "mode hybrid needs text");
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"hi\",\"mode\":\"fast\"}"),
        "mode must be one of [vector, keyword, hybrid], got: fast");
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"hi\",\"mode\":\"vector\"}"),
        "mode vector needs vector, or text with an embedding model: namespace 'kw' has none");
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"hi\",\"vector\":[1,2],\"fusion\":{\"method\":\"sum\"}}"),
        "fusion.method must be one of [rrf, linear], got: sum");
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"hi\",\"k\":20,\"fusion\":{\"window\":10}}"),
        "fusion.window must be between k (20) and 10000, got: 10");
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"hi\",\"fusion\":{\"weights\":{\"vector\":-1}}}"),
        "fusion.weights.vector must be between 0 and 1000, got: -1.0");
    expect400(server.post("/v1/namespaces/kw/query", "{\"k\":3}"), "a query needs vector or text (or both)");
    expect400(server.post("/v1/namespaces/plain/query", "{\"text\":\"hi\"}"),
        "text cannot be searched: namespace 'plain' has neither text search nor an embedding model");
    String huge = "word ".repeat(14_000);
    Response tooLong = server.post("/v1/namespaces/kw/vectors", "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2],\"text\":\"" + huge + "\"}]}");
    expect400(tooLong, "text of vector 'a' is 70000 bytes of UTF-8, over the limit of 65536");
    assertEquals("limit_exceeded", tooLong.code());
    expect400(server.post("/v1/namespaces/kw/query", "{\"text\":\"" + huge + "\"}"), "text is 70000 bytes of UTF-8, over the limit of 65536");
  }

  @Test
  void aTextUpsertCountsAgainstTheRateQuota() {
    server.post("/admin/namespaces", "{\"id\":\"r\",\"embedding\":{\"model\":\"all-minilm-l6-v2\"},"
        + "\"quotas\":{\"max_requests_per_second\":0.01,\"max_batch_size\":2}}");
    Response tooMany = server.post("/v1/namespaces/r/vectors", "{\"vectors\":[{\"id\":\"a\",\"text\":\"x\"},{\"id\":\"b\",\"text\":\"y\"},{\"id\":\"c\",\"text\":\"z\"}]}");
    assertEquals(400, tooMany.status(), tooMany.body());
    assertEquals("limit_exceeded", tooMany.code());
    assertEquals(200, server.post("/v1/namespaces/r/vectors", "{\"vectors\":[{\"id\":\"a\",\"text\":\"hello\"}]}").status());
    Response limited = server.post("/v1/namespaces/r/vectors", "{\"vectors\":[{\"id\":\"b\",\"text\":\"hello\"}]}");
    assertEquals(429, limited.status(), limited.body());
    assertTrue(limited.headers().firstValue("Retry-After").isPresent());
    assertEquals(429, server.post("/v1/namespaces/r/query", "{\"text\":\"hello\"}").status());
  }

  private static void expect400(Response r, String messageStart) {
    assertEquals(400, r.status(), r.body());
    assertTrue(r.error().startsWith(messageStart), "expected '" + messageStart + "', got: " + r.error());
  }
}
