package io.vecstore.http.dto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.testdata.Seeded;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming upsert parse must read valid bodies exactly as the tree parse does, and give up on anything else. */
@ExtendWith(Seeded.class)
class UpsertBodyTest {

  @Test
  void readsRandomValidBatchesExactlyAsTheTreeParse(Random random) {
    for (int round = 0; round < 200; round++) {
      byte[] body = JsonCodec.toBytes(randomBatch(random));
      List<VectorRecord> fast = UpsertBody.stream(body);
      assertNotNull(fast, () -> "fast path gave up on a valid body: " + new String(body, StandardCharsets.UTF_8));
      List<VectorRecord> tree = UpsertBody.fromTree(JsonCodec.parse(body));
      assertEquals(tree.size(), fast.size());
      for (int i = 0; i < tree.size(); i++) {
        assertEquals(tree.get(i).id(), fast.get(i).id());
        assertArrayEquals(tree.get(i).values(), fast.get(i).values(), "vector " + i);
        assertEquals(tree.get(i).metadata(), fast.get(i).metadata(), "metadata " + i);
      }
    }
  }

  @Test
  void keepsMetadataDecimalsExact() {
    byte[] body = "{\"vectors\":[{\"id\":\"a\",\"values\":[1,2.5e-3,-0.1],\"metadata\":{\"price\":19.990,\"n\":1e2}}]}"
        .getBytes(StandardCharsets.UTF_8);
    VectorRecord r = UpsertBody.stream(body).getFirst();
    assertEquals(new BigDecimal("19.990"), r.metadata().get("price").decimalValue());
    assertEquals("19.990", r.metadata().get("price").toString());
    assertArrayEquals(new float[] {1f, 2.5e-3f, -0.1f}, r.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "[]",
      "{}",
      "{\"vectors\":null}",
      "{\"vectors\":{}}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1]}], \"extra\":1}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1]}]} trailing",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1]}]}{}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1],\"top_k\":3}]}",
      "{\"vectors\":[{\"id\":\"a\",\"id\":\"b\",\"values\":[1]}]}",
      "{\"vectors\":[{\"id\":1,\"values\":[1]}]}",
      "{\"vectors\":[{\"id\":null,\"values\":[1]}]}",
      "{\"vectors\":[{\"values\":[1]}]}",
      "{\"vectors\":[{\"id\":\"a\"}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":null}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1,\"2\"]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1,[2]]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[NaN]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1e400]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1e99999999999]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1],\"metadata\":[1]}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1],\"metadata\":{\"k\":1,\"k\":2}}]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1]},]}",
      "{\"vectors\":[{\"id\":\"a\",\"values\":[1]}]",
      "{\"vectors\":[1]}",
  })
  void givesUpOnAnythingButAPlainValidBody(String body) {
    assertNull(UpsertBody.stream(body.getBytes(StandardCharsets.UTF_8)), body);
  }

  private static ObjectNode randomBatch(Random random) {
    ObjectNode root = JsonCodec.MAPPER.createObjectNode();
    ArrayNode vectors = root.putArray("vectors");
    int n = 1 + random.nextInt(20);
    int dim = 1 + random.nextInt(40);
    for (int i = 0; i < n; i++) {
      ObjectNode v = vectors.addObject();
      v.put("id", "v" + random.nextInt(1000) + (random.nextBoolean() ? "é\"\\" : ""));
      RandomNumbers.fill(v.putArray("values"), dim, random);
      switch (random.nextInt(3)) {
        case 0 -> {}
        case 1 -> v.putNull("metadata");
        default -> {
          ObjectNode m = v.putObject("metadata");
          m.put("genre", "g" + random.nextInt(5));
          m.put("price", new BigDecimal(random.nextInt(100000)).movePointLeft(2));
          m.putArray("tags").add("a").add(random.nextBoolean());
          m.putObject("nested").put("x", random.nextLong());
        }
      }
    }
    return root;
  }
}
