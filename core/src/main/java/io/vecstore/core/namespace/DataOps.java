package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.error.NotFoundException;
import io.vecstore.core.filter.Filters;
import io.vecstore.core.index.IndexWrites;
import io.vecstore.core.index.VectorCodec;
import io.vecstore.core.meta.NamespaceMeta;
import io.vecstore.core.quota.Operation;
import io.vecstore.core.quota.QuotaGuard;
import io.vecstore.core.quota.Quotas;
import io.vecstore.core.quota.StorageEstimate;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.VectorRecord;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.search.Query;

/**
 * The data operations of namespaces (upsert, query, fetch, delete) with their admission checks in
 * the order the contract gives: status, request shape, rate; then, for writes, the vector and
 * storage reservations under the namespace's write lock, so concurrent writers never overshoot a
 * quota. Counters count admitted requests only.
 *
 * <p>Thread-safety: stateless beyond its collaborators; safe for concurrent use.
 */
final class DataOps {

  private final NamespaceRegistry registry;
  private final RecordValidator validator;
  private final DiskSpace disk;
  private final int defaultNumCandidates;
  private final Clock clock;

  DataOps(NamespaceRegistry registry, RecordValidator validator, DiskSpace disk, int defaultNumCandidates, Clock clock) {
    this.registry = registry;
    this.validator = validator;
    this.disk = disk;
    this.defaultNumCandidates = defaultNumCandidates;
    this.clock = clock;
  }

  /** Adds or replaces a batch of vectors, all or nothing. Returns the number of distinct ids written. */
  long upsert(String namespaceId, List<VectorRecord> batch) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(Operation.UPSERT);
      NamespaceMeta meta = ns.meta();
      ns.guard().checkBatchSize(meta.quotas(), batch.size());
      write(ns, batch, true);
      ns.count(Operation.UPSERT);
      return batch.stream().map(VectorRecord::id).distinct().count();
    });
  }

  /** An upsert for an import: every check of {@link #upsert} but status, batch size and rate, and not counted. */
  void importBatch(Namespace ns, List<VectorRecord> batch) {
    write(ns, batch, false);
  }

  private void write(Namespace ns, List<VectorRecord> batch, boolean rateLimited) {
    NamespaceMeta meta = ns.meta();
    QuotaGuard guard = ns.guard();
    RecordValidator.Shape shape = validator.validateBatch(batch, meta.metric());
    int dimension = shape.dimension();
    guard.checkDimension(meta.quotas(), dimension);
    checkDimension(meta, dimension, "Vector");
    long estimate = StorageEstimate.of(batch, shape.metadataBytes());
    disk.check(estimate);
    if (rateLimited) {
      guard.admitRequest(meta.quotas());
    }
    ns.withIndex(index -> index.writes().upsert(batch, estimate, newIds -> {
      Quotas current = ns.meta().quotas(); // the latest, if they changed meanwhile
      IndexWrites writes = index.writes();
      guard.reserveVectors(current, writes.vectorCount(), newIds);
      if (current.maxStorageBytes() != null) {
        guard.reserveStorage(current, index.storageBytes() + index.logBytes() + writes.unflushedBytes(), estimate);
      }
      fixDimension(ns, dimension); // under the write lock: the first batch fixes the dimension race-free
    }));
  }

  List<QueryHit> query(String namespaceId, SearchRequest request) {
    Namespace ns = registry.require(namespaceId);
    ns.checkStatus(Operation.QUERY);
    NamespaceMeta meta = ns.meta();
    QuotaGuard guard = ns.guard();
    guard.checkResults(meta.quotas(), request.k());
    validator.validateValues("query vector", request.vector(), meta.metric());
    int candidates = request.candidates(Objects.requireNonNullElse(meta.options().defaultNumCandidates(), defaultNumCandidates));
    Query filter = request.filter() == null ? null : Filters.compile(request.filter());
    if (meta.dimension() != null) {
      checkDimension(meta, request.vector().length, "Query");
    }
    try (QuotaGuard.QuerySlot slot = guard.acquireQuerySlot(meta.quotas())) {
      guard.admitRequest(meta.quotas());
      ns.count(Operation.QUERY);
      return ns.withIndex(index -> meta.dimension() == null
          ? List.of() // nothing was ever written
          : index.searches().search(request.vector(), request.k(), candidates, filter, request.includeMetadata(),
              request.includeValues()));
    }
  }

  VectorRecord fetch(String namespaceId, String vectorId) {
    Namespace ns = registry.require(namespaceId);
    ns.checkStatus(Operation.FETCH);
    validator.validateId(vectorId);
    ns.guard().admitRequest(ns.meta().quotas());
    ns.count(Operation.FETCH);
    VectorRecord r = ns.withIndex(index -> index.searches().fetch(vectorId));
    if (r == null) {
      throw NotFoundException.vector(namespaceId, vectorId);
    }
    return r;
  }

  /** Deletes the given ids; unknown ids are ignored. Returns how many existed. */
  long deleteVectors(String namespaceId, List<String> ids) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(Operation.DELETE);
      if (ids.isEmpty()) {
        throw new InvalidRequestException("ids must contain at least one id");
      }
      ids.forEach(validator::validateId);
      ns.guard().admitRequest(ns.meta().quotas());
      ns.count(Operation.DELETE);
      return ns.withIndex(index -> index.writes().delete(new LinkedHashSet<>(ids)));
    });
  }

  /** Deletes every vector matching the filter. Returns how many. */
  long deleteByFilter(String namespaceId, JsonNode filter) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(Operation.DELETE);
      Query query = Filters.compile(filter);
      ns.guard().admitRequest(ns.meta().quotas());
      ns.count(Operation.DELETE);
      return ns.withIndex(index -> index.writes().deleteMatching(query));
    });
  }

  private static void checkDimension(NamespaceMeta meta, int dimension, String what) {
    Integer expected = meta.dimension();
    if (expected != null && expected != dimension) {
      throw new InvalidRequestException(InvalidRequestException.DIMENSION_MISMATCH,
          what + " dimension mismatch: expected " + expected + ", got " + dimension,
          Map.of("expected", expected, "got", dimension));
    }
    if (dimension > VectorCodec.MAX_DIMENSIONS) {
      throw new InvalidRequestException(InvalidRequestException.LIMIT_EXCEEDED,
          what + " dimension exceeds maximum: " + dimension + " > " + VectorCodec.MAX_DIMENSIONS);
    }
  }

  private void fixDimension(Namespace ns, int dimension) {
    NamespaceMeta meta = ns.meta();
    checkDimension(meta, dimension, "Vector");
    if (meta.dimension() == null) {
      ns.updateMeta(m -> m.withDimension(dimension, clock.instant()));
    }
  }
}
