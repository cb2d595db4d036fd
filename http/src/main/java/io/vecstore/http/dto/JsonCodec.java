package io.vecstore.http.dto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vecstore.core.error.InvalidRequestException;
import java.io.IOException;

/**
 * The server's JSON settings, in one place. Request bodies are parsed strictly (duplicate keys are
 * errors, trailing content is an error) but {@code NaN}/{@code Infinity} literals are read so that
 * they get a precise "must be finite" message instead of a parse error. Decimals are kept exact
 * so metadata comes back as it was sent. Thread-safe.
 */
public final class JsonCodec {

  /** Maximum nesting of a request body; metadata has its own, smaller limit in core. */
  static final int MAX_NESTING = 256;

  public static final ObjectMapper MAPPER = createMapper();

  private JsonCodec() {}

  private static ObjectMapper createMapper() {
    JsonFactory factory = new JsonFactoryBuilder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        // FastDoubleParser (inside jackson-core): the same correctly rounded values as
        // Double.parseDouble at several times the speed; a 384-d query is 384 of them.
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
        .build();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    ObjectMapper mapper = new ObjectMapper(factory);
    mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    return mapper;
  }

  /** Parses a request body; malformed input is a 400 {@code malformed_json} with the parser's words. */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new InvalidRequestException("malformed_json", "Request body is empty; expected a JSON object");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new InvalidRequestException("malformed_json", "Request body is empty; expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("malformed_json", "Malformed JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (NumberFormatException | ArithmeticException e) {
      // A number Jackson tokenized but cannot represent, e.g. an exponent beyond int range.
      throw new InvalidRequestException("malformed_json", "Malformed JSON: number out of range");
    } catch (IOException e) {
      // Parsing bytes in memory does no I/O: this is the content (e.g. bytes that Jackson's
      // encoding detection reads as UTF-32 but that are not valid UTF-32).
      throw new InvalidRequestException("malformed_json", "Malformed JSON: " + e.getMessage());
    }
  }

  /** Writes a response straight to a generator (no tree in between). */
  interface Writing {
    void write(JsonGenerator g) throws IOException;
  }

  /** The bytes {@code writing} writes, in a buffer sized from {@code sizeHint}. */
  static byte[] write(int sizeHint, Writing writing) {
    ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
      writing.write(g);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot serialize the response", e);
    }
    return out.toByteArray();
  }

  /** A float array as a JSON array, each value as its shortest exact text. */
  static void writeFloats(JsonGenerator g, float[] values) throws IOException {
    g.writeStartArray();
    for (float v : values) {
      g.writeNumber(v);
    }
    g.writeEndArray();
  }

  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize response", e);
    }
  }
}
