package io.vecstore.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vecstore.core.WireNames;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.Metric;
import io.vecstore.core.index.Quantization;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.meta.CreateNamespace;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.meta.NamespaceStatus;
import io.vecstore.core.meta.MetaCodec;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.text.TextAnalyzer;
import io.vecstore.core.vector.Fusion;
import io.vecstore.core.vector.SearchMode;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.quota.QuotaPatch;
import io.vecstore.core.quota.Tier;
import io.vecstore.grpc.v1.CreateNamespaceRequest;
import io.vecstore.grpc.v1.EmbeddingOptions;
import io.vecstore.grpc.v1.TextOptions;
import io.vecstore.grpc.v1.IntLimit;
import io.vecstore.grpc.v1.QueryRequest;
import io.vecstore.grpc.v1.QuotaUpdate;
import io.vecstore.grpc.v1.RateLimit;
import io.vecstore.grpc.v1.UpsertRequest;
import io.vecstore.grpc.v1.Vector;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns request messages into core requests, the counterpart of the REST layer's Requests. Every
 * rule is core's (enum values are parsed by core's own parsers from their wire names, so a bad
 * value gets the REST message); only what a typed message adds is checked here, worded as REST
 * words the same problem. Stateless, thread-safe.
 */
final class GrpcRequests {

  private GrpcRequests() {}

  static CreateNamespace createNamespace(CreateNamespaceRequest r) {
    if (r.getId().isEmpty()) {
      throw new InvalidRequestException("id is required in namespace");
    }
    return new CreateNamespace(
        r.getId(),
        r.hasName() ? r.getName() : null,
        r.hasDescription() ? r.getDescription() : null,
        r.getMetadataMap(),
        switch (r.getTier()) {
          case TIER_UNSPECIFIED -> null;
          case UNRECOGNIZED -> Tier.parse(String.valueOf(r.getTierValue()));
          default -> Tier.parse(wireName(r.getTier()));
        },
        r.hasQuotas() ? quotaPatch(r.getQuotas()) : null,
        switch (r.getMetric()) {
          case METRIC_UNSPECIFIED -> null;
          case UNRECOGNIZED -> Metric.parse(String.valueOf(r.getMetricValue()));
          default -> Metric.parse(wireName(r.getMetric()));
        },
        r.hasDimension() ? r.getDimension() : null,
        new IndexOptions(
            switch (r.getQuantization()) {
              case QUANTIZATION_UNSPECIFIED -> Quantization.NONE;
              case UNRECOGNIZED -> Quantization.parse(String.valueOf(r.getQuantizationValue()));
              default -> Quantization.parse(
                  wireName(r.getQuantization()).substring("quantization_".length()));
            },
            r.hasDefaultNumCandidates() ? r.getDefaultNumCandidates() : null,
            r.hasText() ? textAnalyzer(r.getText()) : null,
            r.hasEmbedding() ? embeddingModel(r.getEmbedding()) : null));
  }

  /** {@code text: {analyzer}}: standard when the analyzer is empty, as REST's {@code "text": {}}. */
  private static TextAnalyzer textAnalyzer(TextOptions t) {
    return TextAnalyzer.parse(MetaCodec.TEXT + "." + MetaCodec.ANALYZER,
        t.getAnalyzer().isEmpty() ? TextAnalyzer.STANDARD.wireName() : t.getAnalyzer());
  }

  /** {@code embedding: {model}}: the model is required, as in REST. */
  private static EmbeddingModel embeddingModel(EmbeddingOptions e) {
    if (e.getModel().isEmpty()) {
      throw new InvalidRequestException(MetaCodec.MODEL + " is required in " + MetaCodec.EMBEDDING); // REST's wording
    }
    return EmbeddingModel.parse(MetaCodec.EMBEDDING + "." + MetaCodec.MODEL, e.getModel());
  }

  static QuotaPatch quotaPatch(QuotaUpdate q) {
    return new QuotaPatch(
        q.hasMaxVectors() ? longLimit("max_vectors", q.getMaxVectors()) : QuotaPatch.Field.absent(),
        q.hasMaxStorageBytes() ? longLimit("max_storage_bytes", q.getMaxStorageBytes()) : QuotaPatch.Field.absent(),
        q.hasMaxRequestsPerSecond() ? rateLimit("max_requests_per_second", q.getMaxRequestsPerSecond()) : QuotaPatch.Field.absent(),
        q.hasMaxConcurrentQueries() ? intLimit("max_concurrent_queries", q.getMaxConcurrentQueries()) : QuotaPatch.Field.absent(),
        q.hasMaxDimension() ? intLimit("max_dimension", q.getMaxDimension()) : QuotaPatch.Field.absent(),
        q.hasMaxResultsPerQuery() ? intLimit("max_results_per_query", q.getMaxResultsPerQuery()) : QuotaPatch.Field.absent(),
        q.hasMaxBatchSize() ? intLimit("max_batch_size", q.getMaxBatchSize()) : QuotaPatch.Field.absent());
  }

  private static QuotaPatch.Field<Long> longLimit(String field, IntLimit l) {
    return switch (l.getLimitCase()) {
      case VALUE -> QuotaPatch.Field.of(l.getValue());
      case UNLIMITED -> unlimited(field, l.getUnlimited());
      case LIMIT_NOT_SET -> throw notSet(field);
    };
  }

  private static QuotaPatch.Field<Integer> intLimit(String field, IntLimit l) {
    return switch (l.getLimitCase()) {
      case VALUE -> {
        long v = l.getValue();
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
          throw new InvalidRequestException(field + " is out of range, got: " + v); // REST's wording
        }
        yield QuotaPatch.Field.of((int) v);
      }
      case UNLIMITED -> unlimited(field, l.getUnlimited());
      case LIMIT_NOT_SET -> throw notSet(field);
    };
  }

  private static QuotaPatch.Field<Double> rateLimit(String field, RateLimit l) {
    return switch (l.getLimitCase()) {
      case VALUE -> QuotaPatch.Field.of(l.getValue());
      case UNLIMITED -> unlimited(field, l.getUnlimited());
      case LIMIT_NOT_SET -> throw notSet(field);
    };
  }

  private static <T> QuotaPatch.Field<T> unlimited(String field, boolean unlimited) {
    if (!unlimited) {
      throw new InvalidRequestException(field + ".unlimited must be true when set (leave " + field
          + " out to keep its value), got: false");
    }
    return QuotaPatch.Field.of(null);
  }

  private static InvalidRequestException notSet(String field) {
    return new InvalidRequestException(field + " must set value or unlimited (leave it out to keep its value)");
  }

  static NamespaceStatus status(io.vecstore.grpc.v1.NamespaceStatus s, int number, String what) {
    return switch (s) {
      case NAMESPACE_STATUS_UNSPECIFIED -> {
        if (what != null) {
          throw new InvalidRequestException("status is required in " + what);
        }
        yield null;
      }
      case UNRECOGNIZED -> NamespaceStatus.parse(String.valueOf(number));
      default -> NamespaceStatus.parse(wireName(s)); // UNAVAILABLE is refused here with core's message
    };
  }

  static List<VectorRecord> upsert(UpsertRequest r) {
    List<VectorRecord> out = new ArrayList<>(r.getVectorsCount());
    for (int i = 0; i < r.getVectorsCount(); i++) {
      Vector v = r.getVectors(i);
      // empty values and a text: the namespace's model embeds it, or core says why not; empty
      // values and no text: core's dimension error, as before
      float[] values = v.getValuesCount() == 0 && v.hasText() ? null : floats(v.getValuesList());
      out.add(new VectorRecord(v.getId(), values,
          v.hasMetadata() ? JsonStructs.toJson(v.getMetadata(), "vectors[" + i + "].metadata") : null,
          v.hasText() ? v.getText() : null));
    }
    return out;
  }

  static SearchRequest query(QueryRequest r) {
    JsonNode filter = switch (r.getFilterKindCase()) {
      case FILTER -> JsonNodeFactory.instance.textNode(r.getFilter());
      case FILTER_JSON -> JsonStructs.toJson(r.getFilterJson(), "filter_json");
      case FILTERKIND_NOT_SET -> null;
    };
    return new SearchRequest(
        // no vector with a text: a keyword query, or the model embeds the text; without a text,
        // core's dimension error, as before
        r.getVectorCount() == 0 && r.hasText() ? null : floats(r.getVectorList()),
        r.hasK() ? r.getK() : SearchRequest.DEFAULT_K,
        r.hasNumCandidates() ? r.getNumCandidates() : null,
        filter,
        r.hasIncludeMetadata() ? r.getIncludeMetadata() : SearchRequest.DEFAULT_INCLUDE_METADATA,
        r.hasIncludeValues() ? r.getIncludeValues() : SearchRequest.DEFAULT_INCLUDE_VALUES,
        r.hasText() ? r.getText() : null,
        switch (r.getMode()) {
          case SEARCH_MODE_UNSPECIFIED -> null;
          case UNRECOGNIZED -> SearchMode.parse(String.valueOf(r.getModeValue()));
          default -> SearchMode.parse(wireName(r.getMode()).substring("search_mode_".length()));
        },
        r.hasFusion() ? fusion(r.getFusion()) : null,
        r.hasIncludeText() ? r.getIncludeText() : SearchRequest.DEFAULT_INCLUDE_TEXT);
  }

  /** Every field absent takes {@link Fusion#DEFAULT}'s value; core checks the ranges. */
  private static Fusion fusion(io.vecstore.grpc.v1.Fusion f) {
    Fusion d = Fusion.DEFAULT;
    return new Fusion(
        switch (f.getMethod()) {
          case FUSION_METHOD_UNSPECIFIED -> d.method();
          case UNRECOGNIZED -> Fusion.Method.parse(String.valueOf(f.getMethodValue()));
          default -> Fusion.Method.parse(wireName(f.getMethod()).substring("fusion_method_".length()));
        },
        f.hasRankConstant() ? f.getRankConstant() : d.rankConstant(),
        f.hasWindow() ? Integer.valueOf(f.getWindow()) : d.window(), // boxed: the default window is null
        f.hasVectorWeight() ? f.getVectorWeight() : d.vectorWeight(),
        f.hasKeywordWeight() ? f.getKeywordWeight() : d.keywordWeight());
  }

  static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** active, read_only, …: the names REST and namespace.json use. */
  private static String wireName(Enum<?> e) {
    return WireNames.of(e);
  }
}
