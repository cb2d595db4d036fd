package io.vecstore.grpc;

import com.google.protobuf.Timestamp;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.namespace.AggregateStats;
import io.vecstore.core.namespace.Compaction;
import io.vecstore.core.meta.NamespaceInfo;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.meta.NamespaceStats;
import io.vecstore.core.quota.Quotas;
import io.vecstore.grpc.v1.EmbeddingOptions;
import io.vecstore.grpc.v1.GetAggregateStatsResponse;
import io.vecstore.grpc.v1.Metric;
import io.vecstore.grpc.v1.Namespace;
import io.vecstore.grpc.v1.NamespaceStatus;
import io.vecstore.grpc.v1.QueryResponse;
import io.vecstore.grpc.v1.QueryResult;
import io.vecstore.grpc.v1.Ranks;
import io.vecstore.grpc.v1.TextOptions;
import io.vecstore.grpc.v1.Vector;
import java.time.Instant;
import java.util.List;

/**
 * Response messages from core results, field for field what the REST layer's Views render (a
 * JSON null is an absent optional field here). Stateless, thread-safe.
 */
final class GrpcViews {

  private GrpcViews() {}

  static Namespace namespace(NamespaceInfo info, Instant deletionDue) {
    NamespaceMeta m = info.meta();
    Namespace.Builder n = Namespace.newBuilder()
        .setId(m.id())
        .setName(m.name())
        .putAllMetadata(m.metadata())
        .setQuotas(quotas(m.quotas()))
        .setStatus(info.available() ? status(m.status()) : NamespaceStatus.UNAVAILABLE)
        .setMetric(metric(m.metric()))
        .setCreatedAt(timestamp(m.createdAt()))
        .setUpdatedAt(timestamp(m.updatedAt()))
        .setQuotaUtilization(info.quotaUtilization())
        .setIsNearQuota(info.nearQuota());
    if (m.description() != null) {
      n.setDescription(m.description());
    }
    if (m.dimension() != null) {
      n.setDimension(m.dimension());
    }
    n.setQuantization(quantization(m.options().quantization()));
    if (m.options().defaultNumCandidates() != null) {
      n.setDefaultNumCandidates(m.options().defaultNumCandidates());
    }
    if (m.options().text() != null) {
      n.setText(TextOptions.newBuilder().setAnalyzer(m.options().text().wireName()));
    }
    if (m.options().embedding() != null) {
      n.setEmbedding(EmbeddingOptions.newBuilder().setModel(m.options().embedding().wireName()));
    }
    if (info.available()) {
      n.setVectorCount(info.vectorCount()).setStorageBytes(info.storageBytes());
    } else {
      n.setUnavailableReason(info.unavailableReason());
    }
    if (m.pendingDeletionSince() != null) {
      n.setPendingDeletionSince(timestamp(m.pendingDeletionSince()));
    }
    if (deletionDue != null) {
      n.setDeletionDue(timestamp(deletionDue));
    }
    return n.build();
  }

  static io.vecstore.grpc.v1.Quotas quotas(Quotas q) {
    io.vecstore.grpc.v1.Quotas.Builder b = io.vecstore.grpc.v1.Quotas.newBuilder();
    if (q.maxVectors() != null) {
      b.setMaxVectors(q.maxVectors());
    }
    if (q.maxStorageBytes() != null) {
      b.setMaxStorageBytes(q.maxStorageBytes());
    }
    if (q.maxRequestsPerSecond() != null) {
      b.setMaxRequestsPerSecond(q.maxRequestsPerSecond());
    }
    if (q.maxConcurrentQueries() != null) {
      b.setMaxConcurrentQueries(q.maxConcurrentQueries());
    }
    if (q.maxDimension() != null) {
      b.setMaxDimension(q.maxDimension());
    }
    if (q.maxResultsPerQuery() != null) {
      b.setMaxResultsPerQuery(q.maxResultsPerQuery());
    }
    if (q.maxBatchSize() != null) {
      b.setMaxBatchSize(q.maxBatchSize());
    }
    return b.build();
  }

  static io.vecstore.grpc.v1.NamespaceStats stats(NamespaceStats s, Instant deletionDue, Compaction compaction) {
    boolean available = s.unavailableReason() == null;
    io.vecstore.grpc.v1.NamespaceStats.Builder b = io.vecstore.grpc.v1.NamespaceStats.newBuilder()
        .setNamespaceId(s.namespaceId())
        .setTotalRequests(s.usage().totalRequests())
        .setTotalQueries(s.usage().totalQueries())
        .setTotalUpserts(s.usage().totalUpserts())
        .setTotalDeletes(s.usage().totalDeletes())
        .setStatus(available ? status(s.status()) : NamespaceStatus.UNAVAILABLE);
    if (s.dimension() != null) {
      b.setDimension(s.dimension());
    }
    if (available) {
      b.setVectorCount(s.vectorCount())
          .setActiveCount(s.activeCount())
          .setDeletedCount(s.deletedCount())
          .setStorageBytes(s.storageBytes())
          .setQuotaUtilization(s.quotaUtilization());
    } else {
      b.setUnavailableReason(s.unavailableReason());
    }
    if (deletionDue != null) {
      b.setDeletionDue(timestamp(deletionDue));
    }
    if (compaction != null) {
      b.setCompaction(compaction(compaction));
    }
    return b.build();
  }

  private static io.vecstore.grpc.v1.Compaction compaction(Compaction c) {
    io.vecstore.grpc.v1.Compaction.Builder b = io.vecstore.grpc.v1.Compaction.newBuilder()
        .setState(c.state())
        .setStartedAt(timestamp(c.startedAt()))
        .setBytesBefore(c.bytesBefore())
        .setDeletedBefore(c.deletedBefore());
    if (c.finishedAt() != null) {
      b.setFinishedAt(timestamp(c.finishedAt()));
    }
    if (c.bytesAfter() != null) {
      b.setBytesAfter(c.bytesAfter());
    }
    if (c.error() != null) {
      b.setError(c.error());
    }
    return b.build();
  }

  static GetAggregateStatsResponse aggregate(AggregateStats s) {
    return GetAggregateStatsResponse.newBuilder()
        .setTotalNamespaces(s.totalNamespaces())
        .setActiveNamespaces(s.activeNamespaces())
        .setTotalVectors(s.totalVectors())
        .setTotalRequests(s.totalRequests())
        .setTotalStorageBytes(s.totalStorageBytes())
        .build();
  }

  static QueryResponse results(List<QueryHit> hits) {
    QueryResponse.Builder b = QueryResponse.newBuilder();
    for (QueryHit h : hits) {
      QueryResult.Builder r = b.addResultsBuilder().setId(h.id()).setScore(h.score());
      if (h.distance() != null) { // null: a keyword query without a vector
        r.setDistance(h.distance());
      }
      if (h.metadata() != null) {
        r.setMetadata(JsonStructs.toStruct(h.metadata()));
      }
      if (h.values() != null) {
        for (float v : h.values()) {
          r.addValues(v);
        }
      }
      if (h.text() != null) {
        r.setText(h.text());
      }
      if (h.ranks() != null) {
        Ranks.Builder ranks = r.getRanksBuilder(); // present on every result of a text query
        if (h.ranks().vector() != null) {
          ranks.setVector(h.ranks().vector());
        }
        if (h.ranks().keyword() != null) {
          ranks.setKeyword(h.ranks().keyword());
        }
      }
    }
    return b.build();
  }

  static Vector vector(VectorRecord record) {
    Vector.Builder b = Vector.newBuilder().setId(record.id());
    for (float v : record.values()) {
      b.addValues(v);
    }
    if (record.metadata() != null) {
      b.setMetadata(JsonStructs.toStruct(record.metadata()));
    }
    if (record.text() != null) {
      b.setText(record.text());
    }
    return b.build();
  }

  static NamespaceStatus status(io.vecstore.core.meta.NamespaceStatus s) {
    return switch (s) {
      case ACTIVE -> NamespaceStatus.ACTIVE;
      case READ_ONLY -> NamespaceStatus.READ_ONLY;
      case SUSPENDED -> NamespaceStatus.SUSPENDED;
      case PENDING_DELETION -> NamespaceStatus.PENDING_DELETION;
    };
  }

  private static io.vecstore.grpc.v1.Quantization quantization(io.vecstore.core.index.Quantization q) {
    return switch (q) {
      case NONE -> io.vecstore.grpc.v1.Quantization.QUANTIZATION_NONE;
      case INT8 -> io.vecstore.grpc.v1.Quantization.QUANTIZATION_INT8;
      case INT4 -> io.vecstore.grpc.v1.Quantization.QUANTIZATION_INT4;
      case BBQ -> io.vecstore.grpc.v1.Quantization.QUANTIZATION_BBQ;
    };
  }

  private static Metric metric(io.vecstore.core.index.Metric m) {
    return switch (m) {
      case COSINE -> Metric.COSINE;
      case EUCLIDEAN -> Metric.EUCLIDEAN;
      case DOT_PRODUCT -> Metric.DOT_PRODUCT;
    };
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
