// VecStore's gRPC API from Node (@grpc/grpc-js + @grpc/proto-loader), against a running server:
// CreateNamespace, Upsert, Query (with a filter; keyword and hybrid) and GetNamespaceStats, plus
// errors read the way a non-Java client reads them (status code and the vecstore-code trailer).
// run.sh starts the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const ADDRESS = process.env.VECSTORE_GRPC_ADDRESS ?? '127.0.0.1:50051';
const KEY = process.env.VECSTORE_GRPC_KEY;
const PROTO = fileURLToPath(new URL('../../proto/vecstore.proto', import.meta.url));

const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).vecstore.v1;
const admin = new v1.VecStoreAdminService(ADDRESS, grpc.credentials.createInsecure());
const data = new v1.VecStoreService(ADDRESS, grpc.credentials.createInsecure());

const auth = (key = KEY) => {
  const m = new grpc.Metadata();
  if (key) m.set('authorization', `Bearer ${key}`);
  return m;
};

/** A unary call as a promise; rejects with the grpc-js error (code, details, metadata). */
const call = (client, method, request, metadata = auth()) =>
  new Promise((resolve, reject) =>
    client[method](request, metadata, { deadline: Date.now() + 20_000 }, (err, res) => (err ? reject(err) : resolve(res))));

/** A JSON object as google.protobuf.Struct. */
const struct = (obj) => ({ fields: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, value(v)])) });
const value = (v) => {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
  return { structValue: struct(v) };
};

const ns = `node-${process.pid}`;

test('CreateNamespace, Upsert, Query with a filter and GetNamespaceStats', async () => {
  const created = await call(admin, 'CreateNamespace', {
    id: ns, name: 'From Node', tier: 'UNLIMITED', metric: 'COSINE',
    quotas: { max_vectors: { value: 1000 } },
  });
  assert.equal(created.namespace.id, ns);
  assert.equal(created.namespace.status, 'ACTIVE');
  assert.equal(created.namespace.quotas.max_vectors, 1000);

  const upserted = await call(data, 'Upsert', {
    namespace: ns,
    vectors: [
      { id: 'doc1', values: [0.1, 0.2, 0.3], metadata: struct({ title: 'Document 1', category: 'tech', year: 2021 }) },
      { id: 'doc2', values: [0.3, 0.2, 0.1], metadata: struct({ category: 'food', year: 2019 }) },
      { id: 'doc3', values: [0.1, 0.25, 0.3], metadata: struct({ category: 'tech', year: 2018 }) },
    ],
  });
  assert.equal(upserted.upserted, 2 + 1);

  const tech = await call(data, 'Query', { namespace: ns, vector: [0.15, 0.25, 0.35], k: 10, filter: "category = 'tech'" });
  assert.deepEqual(tech.results.map((r) => r.id).sort(), ['doc1', 'doc3']);
  for (const r of tech.results) {
    assert.equal(r.metadata.fields.category.stringValue, 'tech');
    assert.ok(r.distance >= 0 && r.distance < 0.05, `cosine distance ${r.distance}`);
    assert.ok(Math.abs(r.score - (1 - r.distance)) < 1e-9);
  }
  const recent = await call(data, 'Query', {
    namespace: ns, vector: [0.15, 0.25, 0.35], k: 10, filter_json: struct({ year: { $gte: 2020 } }),
  });
  assert.deepEqual(recent.results.map((r) => r.id), ['doc1']);
  assert.equal(recent.results[0].metadata.fields.year.numberValue, 2021);

  const { stats } = await call(admin, 'GetNamespaceStats', { id: ns });
  assert.equal(stats.namespace_id, ns);
  assert.equal(stats.vector_count, 3);
  assert.equal(stats.dimension, 3);
  assert.equal(stats.total_upserts, 1);
  assert.equal(stats.total_queries, 2);
  assert.equal(stats.total_requests, 3);
  assert.equal(stats.status, 'ACTIVE');
});

test('text: keyword and hybrid queries, with proto3 optional fields (distance, ranks) as a Node client reads them', async () => {
  const tns = `${ns}-text`;
  const created = await call(admin, 'CreateNamespace', { id: tns, tier: 'UNLIMITED', text: { analyzer: 'english' } });
  assert.equal(created.namespace.text.analyzer, 'english');
  assert.equal(created.namespace.embedding, null);
  await call(data, 'Upsert', {
    namespace: tns,
    vectors: [
      { id: 'a', values: [1, 0, 0], text: 'The quick brown fox jumps over the lazy dog' },
      { id: 'b', values: [0.1, 1, 0], text: 'Foxes are running in the forest' },
      { id: 'c', values: [0, 0, 1], text: 'A cat sleeps on the sofa' },
      { id: 'd', values: [0.9, 0.1, 0] },
    ],
  });
  assert.equal((await call(data, 'Fetch', { namespace: tns, id: 'b' })).vector.text, 'Foxes are running in the forest');

  const keyword = await call(data, 'Query', { namespace: tns, text: 'running foxes', include_text: true });
  assert.deepEqual(keyword.results.map((r) => r.id), ['b', 'a']);
  const [b] = keyword.results;
  assert.equal(b.distance, undefined, 'no vector: no distance');
  assert.ok(b.score > keyword.results[1].score);
  assert.equal(b.ranks.keyword, 1);
  assert.equal(b.ranks.vector, undefined);
  assert.equal(b.text, 'Foxes are running in the forest');

  const hybrid = await call(data, 'Query', {
    namespace: tns, vector: [1, 0, 0], text: 'running foxes', mode: 'SEARCH_MODE_HYBRID', fusion: { method: 'FUSION_METHOD_RRF', rank_constant: 60 },
  });
  assert.deepEqual(hybrid.results.map((r) => r.id), ['a', 'b', 'd', 'c']);
  const [a] = hybrid.results;
  assert.deepEqual([a.ranks.vector, a.ranks.keyword], [1, 2]);
  assert.ok(Math.abs(a.score - (1 / 61 + 1 / 62)) < 1e-12);
  assert.equal(a.distance, 0, 'an exact match: a distance of 0, present');
  assert.equal(a.text, undefined, 'text only when asked');

  const plain = await call(data, 'Query', { namespace: tns, vector: [1, 0, 0], k: 1 });
  assert.equal(plain.results[0].ranks, null, 'a plain vector query has no ranks');

  const noText = await call(data, 'Query', { namespace: tns, vector: [1, 0, 0], mode: 'SEARCH_MODE_HYBRID' }).then(() => null, (e) => e);
  assert.equal(noText.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(noText.details, 'mode hybrid needs text');
  assert.deepEqual(noText.metadata.get('vecstore-code'), ['invalid_argument']);
  await call(admin, 'DeleteNamespace', { id: tns });
});

test('errors carry the gRPC status, REST\'s message and the vecstore-code trailer', async () => {
  const exists = await call(admin, 'CreateNamespace', { id: ns }).then(() => null, (e) => e);
  assert.ok(exists, 'a second create fails');
  assert.equal(exists.code, grpc.status.ALREADY_EXISTS);
  assert.equal(exists.details, `Namespace already exists: ${ns}`);
  assert.deepEqual(exists.metadata.get('vecstore-code'), ['namespace_exists']);

  const mismatch = await call(data, 'Query', { namespace: ns, vector: [1, 0], k: 1 }).then(() => null, (e) => e);
  assert.equal(mismatch.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(mismatch.details, 'Query dimension mismatch: expected 3, got 2');
  assert.deepEqual(mismatch.metadata.get('vecstore-code'), ['dimension_mismatch']);

  if (KEY) {
    const anonymous = await call(admin, 'GetAggregateStats', {}, auth(null)).then(() => null, (e) => e);
    assert.equal(anonymous.code, grpc.status.UNAUTHENTICATED);
    assert.deepEqual(anonymous.metadata.get('vecstore-code'), ['unauthenticated']);
  }
});

test.after(() => {
  admin.close();
  data.close();
});
