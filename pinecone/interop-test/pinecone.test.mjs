// VecStore's Pinecone-compatible API (/pinecone) driven by the official Pinecone TypeScript client,
// one major per run (PC_MAJOR=pc8 or pc9; run.sh runs both against one server). Every answer is
// checked against a brute-force computation in JS: ids and order of query results, scores, fetched
// values and metadata, listing order and pages, counts after updates and deletes. Setup uses
// VecStore's own admin routes (namespaces with a metric and quotas, namespace keys).
//
// The clients get a fetch that refuses any host but loopback (a misrouted call fails instead of
// reaching api.pinecone.io) and records every response's status and headers, and maxRetries 0 so
// that no error is hidden behind a retry.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const MAJOR = process.env.PC_MAJOR ?? 'pc9';
const BASE = process.env.VECSTORE_URL ?? 'http://127.0.0.1:8080';
const ADMIN_KEY = process.env.VECSTORE_ADMIN_KEY;
const INDEX = 'vecstore';
const HOST = `${BASE}/pinecone`;
const DIM = 8;

const require = createRequire(import.meta.url);
const { Pinecone, Errors } = require(MAJOR);
const VERSION = require(`${MAJOR}/package.json`).version;
// the X-Pinecone-Api-Version the client sends: 2026-04 (8.x), 2026-07 (9.x)
const { X_PINECONE_API_VERSION } = require(`${MAJOR}/dist/pinecone-generated-ts-fetch/db_data`);

// ---------------------------------------------------------------------------------------------
// transport: loopback only, every response recorded

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Responses seen through the clients' fetch, newest last: {method, url, status, headers}. */
const wire = [];
const guardedFetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!LOOPBACK.has(url.hostname)) {
    throw new Error(`test guard: refusing a request to ${url.href} (only loopback is allowed)`);
  }
  const response = await fetch(input, init);
  wire.push({
    method: init?.method ?? 'GET',
    url: url.href,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    requestHeaders: Object.fromEntries(new Headers(init?.headers ?? {})),
    requestBody: typeof init?.body === 'string' ? init.body : undefined,
  });
  return response;
};

const client = (apiKey) =>
  new Pinecone({ apiKey, controllerHostUrl: HOST, fetchApi: guardedFetch, maxRetries: 0 });

/** VecStore's own REST API with the admin key (setup only). */
async function rest(method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

async function createNamespace(id, fields = {}) {
  const r = await rest('POST', '/admin/namespaces', { id, name: id, tier: 'unlimited', metric: 'cosine', ...fields });
  assert.equal(r.status, 201, `creating namespace ${id}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Awaits a rejection and checks the client's error class (err.name) and message. */
async function rejects(promise, name, message) {
  const before = wire.length;
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  const seen = wire.slice(before).map((w) => `${w.method} ${w.url} -> ${w.status}`).join('; ');
  assert.ok(error, `expected ${name}, but the call succeeded (${seen})`);
  assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message} (${seen})`);
  if (message) assert.match(error.message, message);
  return { error, responses: wire.slice(before) };
}

// ---------------------------------------------------------------------------------------------
// data and the brute-force reference

/** Deterministic PRNG (mulberry32). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(MAJOR === 'pc8' ? 8 : 9);
// float32 values, so that JS computes with exactly the numbers the server stores
const vector = () => Array.from({ length: DIM }, () => Math.fround(rand() * 2 - 1));
const pick = (list) => list[Math.floor(rand() * list.length)];

const GENRES = ['drama', 'comedy', 'action', 'horror', 'scifi'];
const TAGS = ['a', 'b', 'c', 'd', 'e'];
const id4 = (i) => `rec-${String(i).padStart(4, '0')}`;
function makeRecords(n) {
  return Array.from({ length: n }, (_, i) => {
    const tags = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(TAGS)))];
    const metadata = {
      genre: pick(GENRES),
      year: 1990 + Math.floor(rand() * 35),
      rating: Math.round(rand() * 100) / 10,
      active: rand() < 0.5,
      tags,
    };
    if (i % 3 === 0) metadata.extra = `x${i}`;
    return { id: id4(i), values: vector(), metadata };
  });
}

const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
const cosine = (a, b) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
const sqdist = (a, b) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);

/** A Pinecone JSON filter evaluated the way VecStore documents it (README "Filters"). */
function matches(metadata, filter) {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return cond.every((f) => matches(metadata, f));
    if (key === '$or') return cond.some((f) => matches(metadata, f));
    const ops = cond !== null && typeof cond === 'object' && !Array.isArray(cond) ? cond : { $eq: cond };
    return Object.entries(ops).every(([op, arg]) => condition(metadata[key], op, arg));
  });
}
function condition(value, op, arg) {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const eq = (x) => values.some((v) => typeof v === typeof x && v === x);
  const cmp = (f) => values.some((v) => typeof v === 'number' && typeof arg === 'number' && f(v, arg));
  switch (op) {
    case '$eq': return eq(arg);
    case '$ne': return !eq(arg);
    case '$gt': return cmp((v, a) => v > a);
    case '$gte': return cmp((v, a) => v >= a);
    case '$lt': return cmp((v, a) => v < a);
    case '$lte': return cmp((v, a) => v <= a);
    case '$in': return arg.some(eq);
    case '$nin': return !arg.some(eq);
    case '$exists': return arg ? value !== undefined : value === undefined;
    default: throw new Error(`no reference for ${op}`);
  }
}

/** The exact top k: [{id, score}] best first, Pinecone's scores for the metric. */
function bruteForce(store, query, topK, filter, metric = 'cosine') {
  const scored = [...store.values()]
    .filter((r) => !filter || matches(r.metadata ?? {}, filter))
    .map((r) => ({
      id: r.id,
      score: metric === 'cosine' ? cosine(query, r.values) : metric === 'dotproduct' ? dot(query, r.values) : sqdist(query, r.values),
    }));
  scored.sort((x, y) => (metric === 'euclidean' ? x.score - y.score : y.score - x.score));
  return scored.slice(0, topK);
}

function assertValues(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${what}[${i}]: ${v} vs ${expected[i]}`));
}

function assertMatches(result, expected, what, { values, metadata, store } = {}) {
  const got = result.matches.map((m) => m.id);
  assert.deepEqual(got, expected.map((e) => e.id), `${what}: ids and order`);
  result.matches.forEach((m, i) => {
    assert.ok(Math.abs(m.score - expected[i].score) < 1e-4, `${what}: score of ${m.id} ${m.score} vs ${expected[i].score}`);
    if (values) assertValues(m.values, store.get(m.id).values, `${what}: values of ${m.id}`);
    else assert.ok(m.values === undefined || m.values.length === 0, `${what}: values not asked for`);
    if (metadata) assert.deepEqual(m.metadata, store.get(m.id).metadata, `${what}: metadata of ${m.id}`);
    else assert.equal(m.metadata, undefined, `${what}: metadata not asked for`);
  });
}

const FILTERS = [
  { genre: { $eq: 'drama' } },
  { genre: 'comedy' },
  { genre: { $ne: 'drama' } },
  { year: { $gt: 2015 } },
  { year: { $gte: 2015 } },
  { rating: { $lt: 2.5 } },
  { rating: { $lte: 2.5 } },
  { genre: { $in: ['drama', 'horror'] } },
  { genre: { $nin: ['drama', 'horror', 'action'] } },
  { tags: { $in: ['a'] } },
  { tags: { $nin: ['a', 'b'] } },
  { active: { $eq: true } },
  { active: false },
  { active: { $ne: true } },
  { extra: { $exists: true } },
  { extra: { $exists: false } },
  { year: { $gte: 2000, $lt: 2010 } },
  { genre: { $in: ['scifi', 'action'] }, rating: { $gt: 5 } },
  { $and: [{ genre: { $eq: 'drama' } }, { year: { $gte: 2000 } }] },
  { $or: [{ genre: { $eq: 'horror' } }, { rating: { $gt: 9 } }] },
  { $or: [{ $and: [{ active: true }, { tags: { $in: ['c'] } }] }, { year: { $lte: 1992 } }] },
  { $and: [{ genre: { $eq: 'drama' } }, { year: { $eq: 1990 } }] }, // fewer matches than topK
  { genre: { $eq: 'no-such-genre' } }, // none
];

// ---------------------------------------------------------------------------------------------

// --pinecone-namespace default-ns: the admin key's namespace when a request names none. Made here
// (if the server has not made it) with dimension 8, which describeIndex then reports.
test.before(async () => {
  const made = await rest('POST', '/admin/namespaces', { id: 'default-ns', name: 'default-ns', tier: 'unlimited', metric: 'cosine', dimension: DIM });
  assert.ok(made.status === 201 || made.status === 409, `default-ns: ${made.status} ${JSON.stringify(made.body)}`);
  const anchor = await rest('POST', '/v1/namespaces/default-ns/vectors', { vectors: [{ id: 'anchor', values: Array(DIM).fill(0.5) }] });
  assert.equal(anchor.status, 200, `upsert into default-ns: ${JSON.stringify(anchor.body)}`);
});

const NS = `${MAJOR}-data`;
const records = makeRecords(1000);
/** What the namespace should hold: id -> {id, values, metadata}. */
const store = new Map(records.map((r) => [r.id, structuredClone(r)]));
const pc = client(ADMIN_KEY);
const index = pc.index(INDEX, HOST).namespace(NS);

test(`client ${VERSION} (${MAJOR}): control plane — listIndexes, describeIndex, createIndex with waitUntilReady`, async () => {
  const listed = await pc.listIndexes();
  const model = listed.indexes.find((i) => i.name === INDEX);
  assert.ok(model, `listIndexes names ${INDEX}: ${JSON.stringify(listed)}`);
  assert.equal(model.host, HOST);

  const described = await pc.describeIndex(INDEX);
  assert.equal(described.name, INDEX);
  assert.equal(described.host, HOST);
  assert.equal(described.status.ready, true);
  assert.equal(described.status.state, 'Ready');
  // v9 derives these from schema.fields._values and deployment; v8 reads them as sent
  assert.equal(described.dimension, DIM);
  assert.equal(described.metric, 'cosine');
  assert.equal(described.vectorType, 'dense');
  assert.ok(described.spec.serverless, `spec.serverless: ${JSON.stringify(described.spec)}`);

  const created = await pc.createIndex({
    name: INDEX, dimension: DIM, metric: 'cosine',
    spec: { serverless: { cloud: 'aws', region: 'local' } }, waitUntilReady: true,
  });
  assert.equal(created.name, INDEX);
  assert.equal(created.status.ready, true);
  assert.equal(created.dimension, DIM);
  const post = wire.findLast((w) => w.method === 'POST' && w.url === `${HOST}/indexes`);
  assert.ok(post.status === 200 || post.status === 201, `POST /indexes answered ${post.status}`);

  await rejects(pc.describeIndex('no-such-index'), 'PineconeNotFoundError');
});

test(`client ${VERSION} (${MAJOR}): another index name cannot be created`, async () => {
  const before = wire.length;
  let error;
  try {
    await pc.createIndex({ name: 'another-index', dimension: DIM, metric: 'cosine', spec: { serverless: { cloud: 'aws', region: 'local' } } });
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'creating a second index fails');
  const status = wire.slice(before).at(-1)?.status;
  assert.equal(status, 400, `${error.name}: ${error.message}`);
  assert.equal(error.name, 'PineconeBadRequestError');
  assert.match(error.message, /another-index/);
});

test(`client ${VERSION} (${MAJOR}): upsert 1,000 records, then the namespace and stats count them`, async () => {
  await createNamespace(NS, { dimension: DIM });
  for (let i = 0; i < records.length; i += 250) {
    await index.upsert({ records: records.slice(i, i + 250) });
  }
  const upsert = wire.findLast((w) => w.url === `${HOST}/vectors/upsert`);
  assert.equal(upsert.status, 200);
  assert.equal(upsert.requestHeaders['x-pinecone-api-version'], X_PINECONE_API_VERSION);
  assert.equal(upsert.requestHeaders['api-key'], ADMIN_KEY);
  assert.equal(JSON.parse(upsert.requestBody).namespace, NS);

  const described = await index.describeNamespace(NS);
  assert.equal(described.name, NS);
  assert.equal(described.recordCount, 1000);

  const stats = await index.describeIndexStats();
  assert.equal(stats.namespaces[NS]?.recordCount, 1000, JSON.stringify(stats));
  assert.equal(stats.dimension, DIM);
  assert.ok(stats.totalRecordCount >= 1000, `totalRecordCount ${stats.totalRecordCount}`);
  assert.ok(stats.indexFullness >= 0 && stats.indexFullness <= 1, `indexFullness ${stats.indexFullness}`);
});

test(`client ${VERSION} (${MAJOR}): query by vector with every filter operator matches brute force`, async () => {
  for (const [n, filter] of FILTERS.entries()) {
    const q = vector();
    const topK = 10;
    const includeValues = n % 4 === 0;
    const includeMetadata = n % 2 === 0;
    const result = await index.query({ vector: q, topK, filter, includeValues, includeMetadata });
    assertMatches(result, bruteForce(store, q, topK, filter), `filter ${JSON.stringify(filter)}`, {
      values: includeValues, metadata: includeMetadata, store,
    });
    assert.equal(result.namespace, NS);
  }
  // no filter, everything back
  const q = vector();
  const all = await index.query({ vector: q, topK: 25, includeMetadata: true });
  assertMatches(all, bruteForce(store, q, 25), 'unfiltered', { metadata: true, store });
  assert.ok(all.usage === undefined || typeof all.usage.readUnits === 'number');
});

test(`client ${VERSION} (${MAJOR}): query by id matches brute force from that record's vector`, async () => {
  for (const [n, filter] of [undefined, { genre: { $eq: 'drama' } }, { year: { $lt: 2000 } }, { $or: [{ active: true }, { extra: { $exists: true } }] }].entries()) {
    const id = id4(17 + n * 101);
    const result = await index.query({ id, topK: 7, filter, includeMetadata: true });
    const expected = bruteForce(store, store.get(id).values, 7, filter);
    assertMatches(result, expected, `query by id ${id} filter ${JSON.stringify(filter)}`, { metadata: true, store });
  }
  await rejects(index.query({ id: 'no-such-id', topK: 3 }), 'PineconeNotFoundError').catch(async () => {
    // Pinecone answers a query by an unknown id with no matches; accept that too
    const r = await index.query({ id: 'no-such-id', topK: 3 });
    assert.deepEqual(r.matches, []);
  });
});

test(`client ${VERSION} (${MAJOR}): fetch by ids, with a missing id`, async () => {
  const ids = ['rec-0001', 'rec-0500', 'missing-id', 'rec-0999'];
  const fetched = await index.fetch({ ids });
  assert.deepEqual(Object.keys(fetched.records).sort(), ['rec-0001', 'rec-0500', 'rec-0999']);
  for (const id of ['rec-0001', 'rec-0500', 'rec-0999']) {
    const r = fetched.records[id];
    assert.equal(r.id, id);
    assertValues(r.values, store.get(id).values, `fetched ${id}`);
    assert.deepEqual(r.metadata, store.get(id).metadata);
  }
  assert.equal(fetched.namespace, NS);
  const request = wire.findLast((w) => w.url.startsWith(`${HOST}/vectors/fetch?`));
  assert.match(request.url, /ids=rec-0001&ids=rec-0500&ids=missing-id&ids=rec-0999&namespace=pc[89]-data$/);
});

test(`client ${VERSION} (${MAJOR}): fetchByMetadata pages through every match`, async () => {
  for (const filter of [{ genre: { $eq: 'drama' } }, { $and: [{ year: { $gte: 2010 } }, { tags: { $in: ['b'] } }] }]) {
    const expected = [...store.values()].filter((r) => matches(r.metadata, filter)).map((r) => r.id).sort();
    const seen = [];
    let paginationToken;
    let pages = 0;
    do {
      const page = await index.fetchByMetadata({ filter, limit: 40, paginationToken });
      const ids = Object.keys(page.records);
      assert.ok(ids.length <= 40, `page of ${ids.length}`);
      for (const id of ids) {
        assert.deepEqual(page.records[id].metadata, store.get(id).metadata);
        assertValues(page.records[id].values, store.get(id).values, `fetchByMetadata ${id}`);
      }
      seen.push(...ids);
      paginationToken = page.pagination?.next;
      pages++;
      assert.ok(pages < 100, 'pagination ends');
    } while (paginationToken);
    assert.deepEqual(seen.sort(), expected, `fetchByMetadata ${JSON.stringify(filter)}`);
    assert.ok(pages >= Math.ceil(expected.length / 40));
  }
});

test(`client ${VERSION} (${MAJOR}): listPaginated with a prefix over several pages, in byte order`, async () => {
  const prefix = 'rec-01';
  const expected = [...store.keys()].filter((id) => id.startsWith(prefix)).sort();
  const seen = [];
  let paginationToken;
  let pages = 0;
  do {
    const page = await index.listPaginated({ prefix, limit: 7, paginationToken });
    assert.ok(page.vectors.length <= 7);
    seen.push(...page.vectors.map((v) => v.id));
    assert.equal(page.namespace, NS);
    paginationToken = page.pagination?.next;
    pages++;
    assert.ok(pages < 100, 'pagination ends');
  } while (paginationToken);
  assert.deepEqual(seen, expected);
  assert.equal(pages, Math.ceil(expected.length / 7));
  const first = await index.listPaginated({ limit: 3 });
  assert.deepEqual(first.vectors.map((v) => v.id), [...store.keys()].sort().slice(0, 3));
  assert.ok(first.pagination?.next, 'a next token while more ids follow');
});

test(`client ${VERSION} (${MAJOR}): update values, merge metadata, update by filter with a dry run first`, async () => {
  const values = vector();
  await index.update({ id: 'rec-0005', values });
  store.get('rec-0005').values = values;
  let r = (await index.fetch({ ids: ['rec-0005'] })).records['rec-0005'];
  assertValues(r.values, values, 'updated values');
  assert.deepEqual(r.metadata, store.get('rec-0005').metadata, 'metadata kept by a values update');

  await index.update({ id: 'rec-0006', metadata: { genre: 'western', added: 'yes' } });
  Object.assign(store.get('rec-0006').metadata, { genre: 'western', added: 'yes' });
  r = (await index.fetch({ ids: ['rec-0006'] })).records['rec-0006'];
  assert.deepEqual(r.metadata, store.get('rec-0006').metadata, 'setMetadata merges into the stored metadata');
  assertValues(r.values, store.get('rec-0006').values, 'values kept by a metadata update');
  const body = JSON.parse(wire.findLast((w) => w.url === `${HOST}/vectors/update`).requestBody);
  assert.deepEqual(body.setMetadata, { genre: 'western', added: 'yes' });

  // an update of a missing id is a no-op, as on Pinecone
  await index.update({ id: 'no-such-id', values: vector() });
  assert.deepEqual((await index.fetch({ ids: ['no-such-id'] })).records, {});

  // dry run: neither major exposes dryRun on index.update, so this goes through the client's
  // generated API (the same request code index.update uses)
  const filter = { $and: [{ genre: { $eq: 'horror' } }, { year: { $lt: 2000 } }] };
  const expected = [...store.values()].filter((x) => matches(x.metadata, filter)).map((x) => x.id);
  assert.ok(expected.length > 5);
  const api = await index._updateCommand.apiProvider.provide();
  const raw = (updateRequest) => api.updateVector({ updateRequest, xPineconeApiVersion: X_PINECONE_API_VERSION });
  const dry = await raw({ filter, setMetadata: { vintage: true }, dryRun: true, namespace: NS });
  assert.equal(dry.matchedRecords, expected.length, 'dry run counts the matches');
  let vintage = await index.query({ vector: vector(), topK: 1000, filter: { vintage: { $eq: true } } });
  assert.equal(vintage.matches.length, 0, 'a dry run changes nothing');

  await index.update({ filter, metadata: { vintage: true } });
  for (const id of expected) store.get(id).metadata.vintage = true;
  vintage = await index.query({ vector: vector(), topK: 1000, filter: { vintage: { $eq: true } } });
  assert.deepEqual(vintage.matches.map((m) => m.id).sort(), expected.sort());
  const real = await raw({ filter, setMetadata: { vintage: true }, namespace: NS });
  assert.equal(real.matchedRecords, expected.length, 'matchedRecords of an update by filter');
  r = (await index.fetch({ ids: [expected[0]] })).records[expected[0]];
  assert.deepEqual(r.metadata, store.get(expected[0]).metadata, 'update by filter merges');

  // the brute force still agrees after the updates
  const q = vector();
  assertMatches(await index.query({ vector: q, topK: 10, filter: { genre: { $in: ['western', 'horror'] } } }),
    bruteForce(store, q, 10, { genre: { $in: ['western', 'horror'] } }), 'after updates');
});

test(`client ${VERSION} (${MAJOR}): deleteOne, deleteMany by ids and by filter`, async () => {
  await index.deleteOne({ id: 'rec-0010' });
  store.delete('rec-0010');
  const ids = ['rec-0011', 'rec-0012', 'rec-0013', 'no-such-id'];
  await index.deleteMany({ ids });
  for (const id of ids) store.delete(id);
  const fetched = await index.fetch({ ids: ['rec-0010', 'rec-0011', 'rec-0014'] });
  assert.deepEqual(Object.keys(fetched.records), ['rec-0014']);

  const filter = { genre: { $eq: 'comedy' }, rating: { $lt: 5 } };
  const gone = [...store.values()].filter((x) => matches(x.metadata, filter)).map((x) => x.id);
  assert.ok(gone.length > 10);
  await index.deleteMany({ filter });
  for (const id of gone) store.delete(id);
  const described = await index.describeNamespace(NS);
  assert.equal(described.recordCount, store.size);
  const q = vector();
  assertMatches(await index.query({ vector: q, topK: 10, filter: { genre: 'comedy' } }),
    bruteForce(store, q, 10, { genre: 'comedy' }), 'after deletes');
  const listed = await index.listPaginated({ prefix: 'rec-001', limit: 100 });
  assert.deepEqual(listed.vectors.map((v) => v.id), [...store.keys()].filter((id) => id.startsWith('rec-001')).sort());
});

test(`client ${VERSION} (${MAJOR}): dot product and euclidean namespaces score as Pinecone does`, async () => {
  for (const [metric, ours] of [['dotproduct', 'dot_product'], ['euclidean', 'euclidean']]) {
    const ns = `${MAJOR}-${metric}`;
    await createNamespace(ns, { metric: ours, dimension: DIM });
    const small = new Map(makeRecords(60).map((r) => [r.id, r]));
    const target = pc.index({ name: INDEX, host: HOST }).namespace(ns);
    await target.upsert({ records: [...small.values()] });
    for (const filter of [undefined, { year: { $gte: 2005 } }]) {
      const q = vector();
      const result = await target.query({ vector: q, topK: 6, filter });
      assertMatches(result, bruteForce(small, q, 6, filter, metric), `${metric} ${JSON.stringify(filter)}`);
    }
  }
});

test(`client ${VERSION} (${MAJOR}): namespaces — create, list with prefix and pages, describe, delete`, async () => {
  const created = `${MAJOR}-created`;
  const made = await index.createNamespace({ name: created });
  assert.equal(made.name, created);
  assert.equal(wire.findLast((w) => w.method === 'POST' && w.url === `${HOST}/namespaces`).status, 201);
  const described = await index.describeNamespace(created);
  assert.equal(described.name, created);
  assert.equal(described.recordCount ?? 0, 0);

  const names = [];
  let paginationToken;
  let pages = 0;
  do {
    const page = await index.listNamespaces({ prefix: `${MAJOR}-`, limit: 2, paginationToken });
    assert.ok(page.namespaces.length <= 2);
    names.push(...page.namespaces.map((n) => n.name));
    const data = page.namespaces.find((n) => n.name === NS);
    if (data) assert.equal(data.recordCount, store.size);
    paginationToken = page.pagination?.next;
    pages++;
    assert.ok(pages < 50, 'pagination ends');
  } while (paginationToken);
  const expected = [NS, `${MAJOR}-dotproduct`, `${MAJOR}-euclidean`, created];
  for (const name of expected) assert.ok(names.includes(name), `listNamespaces has ${name}: ${names}`);
  assert.ok(names.every((n) => n.startsWith(`${MAJOR}-`)), `prefix respected: ${names}`);

  await index.deleteNamespace(created);
  const del = wire.findLast((w) => w.method === 'DELETE');
  assert.ok(del.status === 200 || del.status === 202, `DELETE answered ${del.status}`);
  await rejects(index.describeNamespace(created), 'PineconeNotFoundError');
});

test(`client ${VERSION} (${MAJOR}): the admin key without a namespace writes to --pinecone-namespace`, async () => {
  // both majors send "__default__" when no namespace was chosen
  const plain = pc.index(INDEX, HOST);
  const id = `${MAJOR}-default-probe`;
  const values = vector();
  await plain.upsert({ records: [{ id, values, metadata: { probe: MAJOR } }] });
  assert.equal(JSON.parse(wire.findLast((w) => w.url === `${HOST}/vectors/upsert`).requestBody).namespace, '__default__');
  const r = await rest('GET', `/v1/namespaces/default-ns/vectors/${id}`);
  assert.equal(r.status, 200, `the record is in default-ns: ${JSON.stringify(r.body)}`);
  const fetched = await plain.fetch({ ids: [id] });
  assertValues(fetched.records[id].values, values, 'fetched from the default namespace');
  // the legacy forms reach the same index
  assert.ok((await pc.Index(INDEX, HOST).fetch({ ids: [id] })).records[id]);
  assert.ok((await pc.index({ name: INDEX, host: HOST }).fetch({ ids: [id] })).records[id]);
  // and with no host at all, the client resolves it with describeIndex
  assert.ok((await client(ADMIN_KEY).index(INDEX).fetch({ ids: [id] })).records[id]);
  await plain.deleteOne({ id });
});

test(`client ${VERSION} (${MAJOR}): deleteAll empties a namespace`, async () => {
  const ns = `${MAJOR}-euclidean`;
  const target = pc.index(INDEX, HOST).namespace(ns);
  assert.equal((await target.describeNamespace(ns)).recordCount, 60);
  await target.deleteAll();
  assert.equal(JSON.parse(wire.findLast((w) => w.url === `${HOST}/vectors/delete`).requestBody).deleteAll, true);
  assert.equal((await target.describeNamespace(ns)).recordCount ?? 0, 0);
  assert.deepEqual((await target.listPaginated({ limit: 10 })).vectors ?? [], []);
});

test(`client ${VERSION} (${MAJOR}): errors — dimension mismatch, unsupported sparse values, bad key`, async () => {
  const mismatch = await rejects(
    index.upsert({ records: [{ id: 'short', values: [0.1, 0.2, 0.3] }] }),
    'PineconeBadRequestError',
    /dimension/i,
  );
  assert.equal(mismatch.responses.at(-1).status, 400);
  assert.match(mismatch.error.message, /8/);
  assert.match(mismatch.error.message, /3/);
  await rejects(index.query({ vector: [1, 0], topK: 3 }), 'PineconeBadRequestError', /dimension/i);
  await rejects(
    index.upsert({ records: [{ id: 'sparse', values: vector(), sparseValues: { indices: [1], values: [0.5] } }] }),
    'PineconeBadRequestError',
    /sparse/i,
  );

  const bad = client('not-a-key').index(INDEX, HOST).namespace(NS);
  const auth = await rejects(bad.fetch({ ids: ['rec-0001'] }), 'PineconeAuthorizationError');
  assert.equal(auth.responses.at(-1).status, 401);
  await rejects(client('not-a-key').listIndexes(), 'PineconeAuthorizationError');
  assert.ok(Errors.PineconeAuthorizationError, 'the client exports its error classes');
});

test(`client ${VERSION} (${MAJOR}): rate limit → 429 with Retry-After, not retried`, async () => {
  const ns = `${MAJOR}-limited`;
  await createNamespace(ns, { quotas: { max_requests_per_second: 2 } });
  const limited = pc.index(INDEX, HOST).namespace(ns);
  const before = wire.length;
  const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => limited.fetch({ ids: ['x'] })));
  const rejected = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
  assert.ok(rejected.length >= 8, `most of 12 requests at 2/s are refused (${rejected.length})`);
  for (const e of rejected) {
    assert.equal(e.name, 'PineconeUnmappedHttpError', `${e.name}: ${e.message}`);
    assert.match(e.message, /Status: 429/);
    assert.match(e.message, /Rate limit exceeded: 2 requests\/second/);
  }
  const refused = wire.slice(before).filter((w) => w.status === 429);
  assert.equal(refused.length, rejected.length, 'one request per refusal: 429 is not retried');
  for (const w of refused) assert.match(w.headers['retry-after'] ?? '', /^[1-9][0-9]*$/, `Retry-After: ${JSON.stringify(w.headers)}`);
});

test(`client ${VERSION} (${MAJOR}): a namespace key reaches its own namespace only`, async () => {
  const r = await rest('POST', `/admin/namespaces/${NS}/keys`, { name: `${MAJOR}-client`, role: 'write' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const scoped = client(r.body.key);
  for (const own of [scoped.index(INDEX, HOST), scoped.index(INDEX, HOST).namespace(''), scoped.index(INDEX, HOST).namespace('__default__')]) {
    const fetched = await own.fetch({ ids: ['rec-0001'] });
    assert.deepEqual(fetched.records['rec-0001'].metadata, store.get('rec-0001').metadata, 'no namespace = the key\'s own');
  }
  const q = vector();
  assertMatches(await scoped.index(INDEX, HOST).query({ vector: q, topK: 5 }), bruteForce(store, q, 5), 'query with a namespace key');
  assert.ok(await scoped.index(INDEX, HOST).namespace(NS).fetch({ ids: ['rec-0001'] }), 'naming its own namespace works too');

  for (const other of ['default-ns', `${MAJOR}-dotproduct`]) {
    const before = wire.length;
    let error;
    try {
      await scoped.index(INDEX, HOST).namespace(other).fetch({ ids: ['rec-0001'] });
    } catch (e) {
      error = e;
    }
    const status = wire.slice(before).at(-1)?.status;
    assert.ok(error, `a key of ${NS} cannot read ${other}`);
    // 403 is Pinecone's client's PineconeBadRequestError, with the server's message
    assert.equal(status, 403, `${error.name}: ${error.message}`);
    assert.equal(error.name, 'PineconeBadRequestError');
    assert.match(error.message, /not grant access/);
  }
  const upsert = await scoped.index(INDEX, HOST).namespace(`${MAJOR}-dotproduct`)
    .upsert({ records: [{ id: 'intruder', values: vector() }] }).then(() => null, (e) => e);
  assert.ok(upsert, 'nor write to it');
});

test(`client ${VERSION} (${MAJOR}): the test's fetch refuses every host but loopback`, async () => {
  const unguarded = new Pinecone({ apiKey: 'x', fetchApi: guardedFetch, maxRetries: 0 }); // default controller: api.pinecone.io
  const { error } = await rejects(unguarded.listIndexes(), 'PineconeConnectionError');
  assert.match(String(error.cause?.cause?.message ?? error.cause?.message), /test guard: refusing a request to https:\/\/api\.pinecone\.io/);
});

test(`client ${VERSION} (${MAJOR}): integrated records (server-side embedding) are refused with a message the user sees`, async () => {
  // 400 not_supported, not a 5xx: the clients retry every 5xx and then report only that the
  // retries ran out, so the server's explanation would never reach the user.
  for (const call of [
    () => index.upsertRecords({ records: [{ id: 'r1', text: 'hello' }] }),
    () => index.searchRecords({ query: { topK: 3, inputs: { text: 'hello' } } }),
  ]) {
    const { responses } = await rejects(call(), 'PineconeBadRequestError', /Integrated inference .* is not supported/);
    assert.deepEqual(responses.map((r) => r.status), [400]);
    assert.match(responses[0].url, new RegExp(`^${HOST}/records/namespaces/${NS}/(upsert|search)$`));
  }
});
