package io.vecstore.core.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.vecstore.core.vector.IdPage;
import io.vecstore.core.vector.QueryHit;
import io.vecstore.core.vector.RecordPage;
import io.vecstore.core.vector.SearchRequest;
import io.vecstore.core.vector.UpdateCount;
import io.vecstore.core.vector.VectorRecord;
import io.vecstore.core.index.TextQuery;
import io.vecstore.core.meta.IndexOptions;
import io.vecstore.core.text.Embedder;
import io.vecstore.core.text.EmbeddingModel;
import io.vecstore.core.vector.SearchMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;

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
  private final QuotaChanges changes;
  private volatile Embedder embedder = Embedder.NONE;

  DataOps(NamespaceRegistry registry, RecordValidator validator, DiskSpace disk, int defaultNumCandidates, Clock clock,
      QuotaChanges changes) {
    this.changes = changes;
    this.registry = registry;
    this.validator = validator;
    this.disk = disk;
    this.defaultNumCandidates = defaultNumCandidates;
    this.clock = clock;
  }

  /** Sets the embedder of texts; {@link Embedder#NONE} until set. */
  void embedder(Embedder e) {
    this.embedder = Objects.requireNonNull(e, "embedder");
  }

  /**
   * Adds or replaces a batch of vectors, all or nothing. Records without values get their text
   * embedded first, outside the namespace's write lock (embedding takes milliseconds a text; the
   * lock is held only to write), after the status, batch size and rate checks. Returns the number
   * of distinct ids written.
   */
  long upsert(String namespaceId, List<VectorRecord> batch) {
    Namespace ns = registry.require(namespaceId);
    boolean embeds = batch.stream().anyMatch(r -> r.values() == null);
    List<VectorRecord> resolved = batch;
    if (embeds) {
      ns.checkStatus(Operation.UPSERT);
      NamespaceMeta meta = ns.meta();
      ns.guard().checkBatchSize(meta.quotas(), batch.size());
      validator.validateTexts(batch, namespaceId, meta.options());
      ns.guard().admitRequest(meta.quotas()); // the embedding is this request's work: admitted before it
      resolved = embedMissing(meta.options().embedding(), batch);
    }
    List<VectorRecord> toWrite = resolved;
    return ns.write(() -> {
      ns.checkStatus(Operation.UPSERT);
      NamespaceMeta meta = ns.meta();
      ns.guard().checkBatchSize(meta.quotas(), toWrite.size());
      write(ns, toWrite, !embeds);
      ns.count(Operation.UPSERT);
      return toWrite.stream().map(VectorRecord::id).distinct().count();
    });
  }

  /** The batch with every record that has no values given the embedding of its text, in one bulk call. */
  private List<VectorRecord> embedMissing(EmbeddingModel model, List<VectorRecord> batch) {
    List<String> texts = new ArrayList<>();
    for (VectorRecord r : batch) {
      if (r.values() == null) {
        texts.add(r.text());
      }
    }
    float[][] vectors = embedder.embed(model, texts);
    List<VectorRecord> out = new ArrayList<>(batch.size());
    int next = 0;
    for (VectorRecord r : batch) {
      out.add(r.values() == null ? r.withValues(vectors[next++]) : r);
    }
    return out;
  }

  /** An upsert for an import: every check of {@link #upsert} but status, batch size and rate, and not counted. */
  void importBatch(Namespace ns, List<VectorRecord> batch) {
    write(ns, batch, false);
  }

  private void write(Namespace ns, List<VectorRecord> batch, boolean rateLimited) {
    NamespaceMeta meta = ns.meta();
    QuotaGuard guard = ns.guard();
    validator.validateTexts(batch, ns.id, meta.options());
    RecordValidator.Shape shape = validator.validateBatch(batch, meta.metric());
    int dimension = shape.dimension();
    guard.checkDimension(meta.quotas(), dimension);
    checkDimension(meta, dimension, "Vector");
    long estimate = StorageEstimate.of(batch, shape.metadataBytes());
    disk.check(estimate);
    if (rateLimited) {
      guard.admitRequest(meta.quotas());
    }
    ns.withIndex(index -> {
      index.writes().upsert(batch, estimate, newIds -> {
        Quotas current = ns.meta().quotas(); // the latest, if they changed meanwhile
        IndexWrites writes = index.writes();
        guard.reserveVectors(current, writes.vectorCount(), newIds);
        if (current.maxStorageBytes() != null) {
          guard.reserveStorage(current, bytesOf(index), estimate);
        }
        fixDimension(ns, dimension); // under the write lock: the first batch fixes the dimension race-free
      });
      applyPolicy(ns, index); // the write is durable: a growth never refuses it
      return null;
    });
  }

  /** Grows a quota by the namespace's policy if the write just made left it above the threshold. */
  private void applyPolicy(Namespace ns, io.vecstore.core.index.NamespaceIndex index) {
    changes.afterWrite(ns, () -> index.writes().vectorCount(), () -> bytesOf(index));
  }

  /** Bytes on disk, with writes not yet flushed by their estimate: what the storage quota is checked against. */
  private static long bytesOf(io.vecstore.core.index.NamespaceIndex index) {
    return index.storageBytes() + index.logBytes() + index.writes().unflushedBytes();
  }

  List<QueryHit> query(String namespaceId, SearchRequest request) {
    Namespace ns = registry.require(namespaceId);
    if (!request.plainVector()) {
      return textQuery(ns, request);
    }
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

  /**
   * A query with text or a mode: checks that the namespace can run the legs asked for (naming the
   * field that cannot be served), embeds the text when the vector leg needs it, then searches.
   * Holds a query slot while it embeds: embedding is the costliest part of such a query.
   */
  private List<QueryHit> textQuery(Namespace ns, SearchRequest request) {
    ns.checkStatus(Operation.QUERY);
    NamespaceMeta meta = ns.meta();
    IndexOptions options = meta.options();
    QuotaGuard guard = ns.guard();
    guard.checkResults(meta.quotas(), request.k());
    String text = request.text();
    if (text != null) {
      if (!options.takesText()) {
        throw new InvalidRequestException("text cannot be searched: namespace '" + ns.id
            + "' has neither text search nor an embedding model (set text or embedding when creating it)");
      }
      validator.validateText("text", text);
    }
    float[] vector = request.vector();
    if (vector != null) {
      validator.validateValues("query vector", vector, meta.metric());
      if (meta.dimension() != null) {
        checkDimension(meta, vector.length, "Query");
      }
    }
    SearchMode mode = mode(ns.id, request, options);
    Query filter = request.filter() == null ? null : Filters.compile(request.filter());
    int candidates = request.candidates(Objects.requireNonNullElse(options.defaultNumCandidates(), defaultNumCandidates));
    try (QuotaGuard.QuerySlot slot = guard.acquireQuerySlot(meta.quotas())) {
      guard.admitRequest(meta.quotas());
      ns.count(Operation.QUERY);
      if (meta.dimension() == null) {
        return List.of(); // nothing was ever written
      }
      if (vector == null && mode != SearchMode.KEYWORD) {
        vector = embedder.embed(options.embedding(), List.of(text))[0];
      }
      TextQuery q = new TextQuery(vector, mode != SearchMode.KEYWORD, mode != SearchMode.VECTOR ? text : null,
          request.k(), candidates, filter, request.fusion(), request.includeMetadata(), request.includeValues(),
          request.includeText());
      return ns.withIndex(index -> index.searches().textSearch(q));
    }
  }

  /** The mode asked for, checked against the query and the namespace; else every leg they allow. */
  private static SearchMode mode(String namespaceId, SearchRequest request, IndexOptions options) {
    boolean keyword = request.text() != null && options.text() != null;
    boolean vector = request.vector() != null || (request.text() != null && options.embedding() != null);
    SearchMode mode = request.mode();
    if (mode == null) {
      return keyword && vector ? SearchMode.HYBRID : keyword ? SearchMode.KEYWORD : SearchMode.VECTOR;
    }
    String name = "mode " + mode.wireName();
    if (mode != SearchMode.VECTOR && request.text() == null) {
      throw new InvalidRequestException(name + " needs text");
    }
    if (mode != SearchMode.VECTOR && options.text() == null) {
      throw new InvalidRequestException(name + " needs text search: namespace '" + namespaceId
          + "' was created without text.analyzer");
    }
    if (mode != SearchMode.KEYWORD && !vector) {
      throw new InvalidRequestException(name + " needs vector, or text with an embedding model: namespace '"
          + namespaceId + "' has none");
    }
    return mode;
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

  /** The most ids or vectors one listing page or one fetch returns. */
  static final int MAX_PAGE = 1000;

  /** The vectors with these ids that exist, in the order asked. */
  List<VectorRecord> fetchMany(String namespaceId, List<String> ids) {
    Namespace ns = registry.require(namespaceId);
    ns.checkStatus(Operation.FETCH);
    checkCount("ids", ids.size());
    ids.forEach(validator::validateId);
    admitRead(ns);
    return ns.withIndex(index -> index.searches().fetchAll(ids));
  }

  /** A page of vector ids starting with {@code prefix}, in byte order. */
  IdPage listIds(String namespaceId, String prefix, int limit, String cursor) {
    Namespace ns = registry.require(namespaceId);
    ns.checkStatus(Operation.FETCH);
    checkCount("limit", limit);
    String after = cursor == null ? null : Cursors.decode(cursor, this::isValidId);
    admitRead(ns);
    List<String> ids = ns.withIndex(index -> index.searches().ids(prefix, after, limit + 1));
    if (ids.size() <= limit) {
      return new IdPage(ids, null);
    }
    List<String> page = List.copyOf(ids.subList(0, limit));
    return new IdPage(page, Cursors.encode(page.getLast()));
  }

  /** A page of the vectors {@code filter} matches, in byte order of their ids. */
  RecordPage fetchByFilter(String namespaceId, JsonNode filter, int limit, String cursor) {
    Namespace ns = registry.require(namespaceId);
    ns.checkStatus(Operation.FETCH);
    checkCount("limit", limit);
    Query query = filter == null ? MatchAllDocsQuery.INSTANCE : Filters.compile(filter);
    String after = cursor == null ? null : Cursors.decode(cursor, this::isValidId);
    admitRead(ns);
    return ns.withIndex(index -> {
      List<String> ids = index.searches().matchingIds(query);
      int from = after == null ? 0 : firstAfter(ids, after);
      List<String> page = ids.subList(from, Math.min(ids.size(), from + limit));
      String next = from + limit < ids.size() ? Cursors.encode(page.getLast()) : null;
      return new RecordPage(index.searches().fetchAll(page), next);
    });
  }

  /**
   * Changes one vector: new values, and metadata merged key by key into what it has (a key given
   * null is removed). Not found if it does not exist. Returns the vector as written.
   */
  VectorRecord update(String namespaceId, String vectorId, float[] values, ObjectNode metadata) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(Operation.UPSERT);
      validator.validateId(vectorId);
      if (values == null && metadata == null) {
        throw new InvalidRequestException("an update needs values or metadata (or both)");
      }
      ns.guard().admitRequest(ns.meta().quotas());
      ns.count(Operation.UPSERT);
      List<VectorRecord> written = rewrite(ns, List.of(vectorId), r -> merged(r, values, metadata));
      if (written.isEmpty()) {
        throw NotFoundException.vector(namespaceId, vectorId);
      }
      return written.getFirst();
    });
  }

  /**
   * Merges {@code metadata} into every vector {@code filter} matches, or only counts them for a
   * dry run. Each run of {@link #MAX_PAGE} vectors is written all or nothing; a vector that
   * starts to match while the update runs is not updated.
   */
  UpdateCount updateByFilter(String namespaceId, JsonNode filter, ObjectNode metadata, boolean dryRun) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(dryRun ? Operation.FETCH : Operation.UPSERT);
      Query query = Filters.compile(filter);
      if (metadata == null) {
        throw new InvalidRequestException("metadata is required: the keys to set on every matching vector");
      }
      ns.guard().admitRequest(ns.meta().quotas());
      ns.count(dryRun ? Operation.FETCH : Operation.UPSERT);
      List<String> ids = ns.withIndex(index -> index.searches().matchingIds(query));
      long updated = 0;
      for (int from = 0; !dryRun && from < ids.size(); from += MAX_PAGE) {
        updated += rewrite(ns, ids.subList(from, Math.min(ids.size(), from + MAX_PAGE)),
            r -> merged(r, null, metadata)).size();
      }
      return new UpdateCount(ids.size(), updated);
    });
  }

  /** Deletes every vector of the namespace. Returns how many. */
  long deleteAll(String namespaceId) {
    Namespace ns = registry.require(namespaceId);
    return ns.write(() -> {
      ns.checkStatus(Operation.DELETE);
      ns.guard().admitRequest(ns.meta().quotas());
      ns.count(Operation.DELETE);
      return ns.withIndex(index -> index.writes().deleteMatching(MatchAllDocsQuery.INSTANCE));
    });
  }

  private void admitRead(Namespace ns) {
    ns.guard().admitRequest(ns.meta().quotas());
    ns.count(Operation.FETCH);
  }

  private boolean isValidId(String id) {
    try {
      validator.validateId(id);
      return true;
    } catch (InvalidRequestException e) {
      return false;
    }
  }

  private static void checkCount(String what, int n) {
    if (n < 1 || n > MAX_PAGE) {
      throw new InvalidRequestException(what + " must be between 1 and " + MAX_PAGE + ", got: " + n);
    }
  }

  /** The index of the first id after {@code after} in byte-ordered {@code ids}. */
  private static int firstAfter(List<String> ids, String after) {
    BytesRef key = new BytesRef(after);
    int lo = 0;
    int hi = ids.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (new BytesRef(ids.get(mid)).compareTo(key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Rewrites existing vectors through the same checks and reservations as an upsert of them. */
  private List<VectorRecord> rewrite(Namespace ns, List<String> ids, UnaryOperator<VectorRecord> change) {
    return ns.withIndex(index -> {
      List<VectorRecord> written = rewriteIn(ns, index, ids, change);
      applyPolicy(ns, index);
      return written;
    });
  }

  private List<VectorRecord> rewriteIn(Namespace ns, io.vecstore.core.index.NamespaceIndex index, List<String> ids,
      UnaryOperator<VectorRecord> change) {
    return index.writes().rewrite(ids, change, records -> {
      NamespaceMeta meta = ns.meta();
      RecordValidator.Shape shape = validator.validateBatch(records, meta.metric());
      ns.guard().checkDimension(meta.quotas(), shape.dimension());
      checkDimension(meta, shape.dimension(), "Vector");
      long estimate = StorageEstimate.of(records, shape.metadataBytes());
      disk.check(estimate);
      if (meta.quotas().maxStorageBytes() != null) {
        ns.guard().reserveStorage(meta.quotas(), bytesOf(index), estimate);
      }
      return estimate;
    });
  }

  private static VectorRecord merged(VectorRecord current, float[] values, ObjectNode metadata) {
    ObjectNode merged = current.metadata();
    if (metadata != null) {
      merged = current.metadata() == null ? JsonNodeFactory.instance.objectNode() : current.metadata().deepCopy();
      for (var field : metadata.properties()) {
        if (field.getValue().isNull()) {
          merged.remove(field.getKey());
        } else {
          merged.set(field.getKey(), field.getValue());
        }
      }
      if (merged.isEmpty()) {
        merged = null;
      }
    }
    return new VectorRecord(current.id(), values != null ? values : current.values(), merged, current.text());
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
