package io.vecstore.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.vecstore.core.error.InvalidRequestException;
import java.util.Map;

/**
 * {@code google.protobuf.Struct} ⇄ the JSON objects core stores (metadata, JSON filters). A Struct
 * number is a double: whole numbers up to 2^53 become JSON integers (so {@code 2020} sent over gRPC
 * reads back as {@code 2020} over REST), others JSON decimals; NaN and infinities, which JSON cannot
 * hold, are rejected with their path. Stateless, thread-safe.
 */
final class JsonStructs {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final double MAX_EXACT = 9007199254740992d; // 2^53

  private JsonStructs() {}

  static ObjectNode toJson(Struct struct, String path) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, Value> e : struct.getFieldsMap().entrySet()) {
      out.set(e.getKey(), toJson(e.getValue(), path + "." + e.getKey()));
    }
    return out;
  }

  private static JsonNode toJson(Value v, String path) {
    return switch (v.getKindCase()) {
      case NULL_VALUE -> NODES.nullNode();
      case BOOL_VALUE -> NODES.booleanNode(v.getBoolValue());
      case STRING_VALUE -> NODES.textNode(v.getStringValue());
      case NUMBER_VALUE -> number(v.getNumberValue(), path);
      case STRUCT_VALUE -> toJson(v.getStructValue(), path);
      case LIST_VALUE -> {
        ArrayNode a = NODES.arrayNode();
        ListValue list = v.getListValue();
        for (int i = 0; i < list.getValuesCount(); i++) {
          a.add(toJson(list.getValues(i), path + "[" + i + "]"));
        }
        yield a;
      }
      case KIND_NOT_SET -> throw new InvalidRequestException(path + " is a google.protobuf.Value with no kind set");
    };
  }

  private static JsonNode number(double d, String path) {
    if (!Double.isFinite(d)) {
      throw new InvalidRequestException(path + " must be a finite number, got: " + d);
    }
    if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT) {
      return NODES.numberNode((long) d);
    }
    return NODES.numberNode(d);
  }

  static Struct toStruct(ObjectNode json) {
    Struct.Builder s = Struct.newBuilder();
    json.properties().forEach(e -> s.putFields(e.getKey(), toValue(e.getValue())));
    return s.build();
  }

  static Value toValue(JsonNode n) {
    Value.Builder v = Value.newBuilder();
    switch (n.getNodeType()) {
      case NULL, MISSING -> v.setNullValue(NullValue.NULL_VALUE);
      case BOOLEAN -> v.setBoolValue(n.booleanValue());
      case NUMBER -> v.setNumberValue(n.doubleValue());
      case STRING -> v.setStringValue(n.textValue());
      case OBJECT -> v.setStructValue(toStruct((ObjectNode) n));
      case ARRAY -> {
        ListValue.Builder l = ListValue.newBuilder();
        n.forEach(e -> l.addValues(toValue(e)));
        v.setListValue(l);
      }
      case BINARY, POJO -> v.setStringValue(n.asText());
    }
    return v.build();
  }
}
