package io.vecstore.http.dto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.testdata.Seeded;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming query parse must read valid bodies exactly as the tree parse does, and give up on anything else. */
@ExtendWith(Seeded.class)
class QueryBodyTest {

  @Test
  void readsRandomValidQueriesExactlyAsTheTreeParse(Random random) {
    for (int round = 0; round < 300; round++) {
      byte[] body = JsonCodec.toBytes(randomQuery(random));
      SearchRequest fast = QueryBody.stream(body);
      assertNotNull(fast, () -> "fast path gave up on a valid body: " + new String(body, StandardCharsets.UTF_8));
      SearchRequest tree = QueryBody.fromTree(JsonCodec.parse(body));
      assertArrayEquals(tree.vector(), fast.vector());
      assertEquals(tree.k(), fast.k());
      assertEquals(tree.numCandidates(), fast.numCandidates());
      assertEquals(tree.filter(), fast.filter());
      assertEquals(tree.includeMetadata(), fast.includeMetadata());
      assertEquals(tree.includeValues(), fast.includeValues());
    }
  }

  @Test
  void keepsFilterDecimalsExactAndTheDefaults() {
    SearchRequest r = QueryBody.stream(
        "{\"filter\":{\"price\":{\"$gte\":19.990}},\"vector\":[1,2.5e-3,-0.1]}".getBytes(StandardCharsets.UTF_8));
    assertEquals("19.990", r.filter().at("/price/$gte").toString());
    assertEquals(new BigDecimal("19.990"), r.filter().at("/price/$gte").decimalValue());
    assertArrayEquals(new float[] {1f, 2.5e-3f, -0.1f}, r.vector());
    assertEquals(SearchRequest.DEFAULT_K, r.k());
    assertNull(r.numCandidates());
    assertEquals(true, r.includeMetadata());
    assertEquals(false, r.includeValues());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "[]",
      "{}",
      "{\"k\":3}",
      "{\"vector\":null}",
      "{\"vector\":{}}",
      "{\"vector\":[1,\"2\"]}",
      "{\"vector\":[1,[2]]}",
      "{\"vector\":[NaN]}",
      "{\"vector\":[1e400]}",
      "{\"vector\":[1],\"vector\":[2]}",
      "{\"vector\":[1],\"top_k\":3}",
      "{\"vector\":[1],\"k\":null}",
      "{\"vector\":[1],\"k\":2.0}",
      "{\"vector\":[1],\"k\":\"2\"}",
      "{\"vector\":[1],\"k\":99999999999}",
      "{\"vector\":[1],\"num_candidates\":1.5}",
      "{\"vector\":[1],\"filter\":null}",
      "{\"vector\":[1],\"filter\":[1]}",
      "{\"vector\":[1],\"filter\":3}",
      "{\"vector\":[1],\"filter\":{\"a\":1,\"a\":2}}",
      "{\"vector\":[1],\"include_metadata\":\"yes\"}",
      "{\"vector\":[1],\"include_values\":null}",
      "{\"vector\":[1]} trailing",
      "{\"vector\":[1]}{}",
      "{\"vector\":[1],}",
      "{\"vector\":[1]",
  })
  void givesUpOnAnythingButAPlainValidBody(String body) {
    assertNull(QueryBody.stream(body.getBytes(StandardCharsets.UTF_8)), body);
  }

  private static ObjectNode randomQuery(Random random) {
    ObjectNode root = JsonCodec.MAPPER.createObjectNode();
    // Fields in a random order, each optional one present or not.
    java.util.List<Runnable> fields = new java.util.ArrayList<>();
    fields.add(() -> {
      RandomNumbers.fill(root.putArray("vector"), 1 + random.nextInt(400), random);
    });
    // A valid query: num_candidates, when given, is at least k (the default k when none is given).
    int k = random.nextBoolean() ? 1 + random.nextInt(1000) : -1;
    if (k > 0) {
      fields.add(() -> root.put("k", k));
    }
    if (random.nextBoolean()) {
      int atLeast = k > 0 ? k : io.vecstore.core.vector.SearchRequest.DEFAULT_K;
      fields.add(() -> root.put("num_candidates", atLeast + random.nextInt(1000)));
    }
    if (random.nextBoolean()) {
      fields.add(() -> root.put("include_metadata", random.nextBoolean()));
    }
    if (random.nextBoolean()) {
      fields.add(() -> root.put("include_values", random.nextBoolean()));
    }
    switch (random.nextInt(3)) {
      case 0 -> {}
      case 1 -> fields.add(() -> root.put("filter", "genre = 'g" + random.nextInt(5) + "' AND price < 10.50"));
      default -> fields.add(() -> {
        ObjectNode f = root.putObject("filter");
        f.put("genre", "g" + random.nextInt(5));
        f.putObject("price").put("$lt", new BigDecimal(random.nextInt(100000)).movePointLeft(2));
        f.putArray("$or").addObject().put("tag", random.nextBoolean());
      });
    }
    java.util.Collections.shuffle(fields, random);
    fields.forEach(Runnable::run);
    return root;
  }
}
