package io.vecstore.core.index;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * The codec namespaces are written with: Lucene's default codec, except that vectors may have up to
 * {@link #MAX_DIMENSIONS} dimensions instead of Lucene's default 1024 (the pro tier allows 4096).
 *
 * <p>Both the codec and the vector format keep Lucene's own SPI names, so the files on disk are
 * plain {@code Lucene104} segments with {@code Lucene99HnswVectorsFormat} (or, quantized,
 * {@code Lucene104HnswScalarQuantizedVectorsFormat}) vectors: Luke, CheckIndex and any
 * {@code DirectoryReader} open them without our classes. The dimension limit is only checked when
 * writing.
 */
public final class VectorCodec {

  /** Largest vector dimension a namespace accepts. */
  public static final int MAX_DIMENSIONS = 4096;

  private VectorCodec() {}

  /** The codec of a namespace without quantization. */
  static Codec create() {
    return create(Quantization.NONE);
  }

  /**
   * The codec of a namespace with this quantization. Public so that benchmarks and tools write
   * exactly what the server writes.
   */
  public static Codec create(Quantization quantization) {
    KnnVectorsFormat vectors = new HighDimensionHnswFormat(quantization.luceneFormat());
    return new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return vectors;
      }
    };
  }

  /** Lucene's HNSW format under its own name, with a higher dimension limit. */
  private static final class HighDimensionHnswFormat extends KnnVectorsFormat {
    private final KnnVectorsFormat delegate;

    HighDimensionHnswFormat(KnnVectorsFormat delegate) {
      super(delegate.getName());
      this.delegate = delegate;
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
      return delegate.fieldsWriter(state);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
      return delegate.fieldsReader(state);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
      return MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
      return "HighDimensionHnswFormat(" + delegate + ")";
    }
  }
}
