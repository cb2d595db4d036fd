package io.vecstore.core.index;

import io.vecstore.core.WireNames;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * How a namespace's HNSW graph stores the vectors it navigates by. Every choice keeps the full
 * float vectors on disk too: queries rescore their candidates exactly from them, so quantization
 * trades graph-search precision (made up for by more candidates) for a smaller hot set in RAM.
 */
public enum Quantization {
  /** 32-bit floats: the most precise graph, 4 bytes per dimension in RAM. */
  NONE,
  /** 8 bits per dimension (Lucene's UNSIGNED_BYTE scalar encoding): ~4× smaller. */
  INT8,
  /** 4 bits per dimension (PACKED_NIBBLE): ~8× smaller. */
  INT4,
  /** 1 bit per dimension with 4-bit queries (Lucene's binary quantization, SINGLE_BIT_QUERY_NIBBLE): ~32× smaller. */
  BBQ;

  /** Lucene's default graph shape: neighbours per node and construction beam width. */
  static final int MAX_CONN = 16;
  static final int BEAM_WIDTH = 100;

  /** The name used in JSON and namespace.json. */
  public String wireName() {
    return WireNames.of(this);
  }

  /** Parses {@code none|int8|int4|bbq} (case-insensitive). */
  public static Quantization parse(String value) {
    return WireNames.parse(Quantization.class, "quantization", value);
  }

  /** Lucene's vector format for this choice (registered under its own SPI name, so any Lucene reads it). */
  KnnVectorsFormat luceneFormat() {
    return switch (this) {
      case NONE -> new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
      case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, MAX_CONN, BEAM_WIDTH);
      case INT4 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, MAX_CONN, BEAM_WIDTH);
      case BBQ -> new Lucene104HnswScalarQuantizedVectorsFormat(
          ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, MAX_CONN, BEAM_WIDTH);
    };
  }
}
