// End-to-end tests of the admin UI in headless Chromium against a real VecStore server.
// Run through run.sh, which starts the server and sets VECSTORE_URL. The tests run in file
// order and share one namespace, like an operator's session: create, fill, edit, query, delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Watch, openBrowser, shot as shotOf } from './harness.js';

const BASE = process.env.VECSTORE_URL ?? assert.fail('VECSTORE_URL is not set; run run.sh');

// Unique per run, so the tests also pass against a server that already has data.
const RUN = 'ui-' + Date.now().toString(36);
const NS = `${RUN}-shop`;
const NS_WARN = `${RUN}-warn`; // 9 of 10 vectors: amber bar, near quota
const NS_FULL = `${RUN}-full`; // 10 of 10: red bar
const NS_TEXT = `${RUN}-text`; // english text search, 3 dimensions
const NS_EMB = `${RUN}-emb`; // an embedding model (never used to embed here: the tests need no model)

let browser;
let context;
let page;
const seen = new Watch();
const expectFailure = (method, path, status) => seen.expectFailure(method, path, status);

async function rest(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

function vectors(n, prefix = 'v') {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    values: [Math.cos(i), Math.sin(i), (i % 7) / 7, 1],
    metadata: { category: i % 2 ? 'tech' : 'food', rank: i },
  }));
}

const shot = (name, p = page) => shotOf(p, name);
const ui = (hash) => page.goto(`${BASE}/ui/${hash}`);
const text = (sel) => page.locator(sel).innerText();
const watch = (p) => seen.watch(p);

before(async () => {
  browser = await openBrowser();
  ({ context, page } = browser);
  watch(page);
});

after(async () => {
  await browser?.close();
});

test('create form: checks the id, shows the server error, creates the namespace', async () => {
  await ui('#/new');
  await page.fill('#c-id', '-bad');
  await page.locator('#c-id-hint.field-error').waitFor();
  assert.match(await text('#c-id-hint'), /start with a letter or digit/);

  await page.fill('#c-id', NS);
  await page.fill('#c-name', 'Shop search');
  await page.check('input[name=tier][value=free]', { force: true });
  assert.equal(await page.inputValue('#c-max_vectors'), '10000');
  assert.equal(await page.inputValue('#c-max_storage_bytes'), '100'); // MiB
  await page.fill('#c-max_vectors', '500');
  // A dimension the server rejects: its own message must be shown.
  await page.fill('#c-dimension', '0');
  expectFailure('POST', '/admin/namespaces', 400);
  await page.click('button[type=submit]');
  await page.locator('.alert-error[data-code=invalid_argument]').waitFor();
  assert.match(await text('.alert-error'), /dimension must be between 1 and 4096, got: 0/);
  await shot('create-error');

  await page.fill('#c-dimension', '4');
  await page.click('button[type=submit]');
  await page.waitForURL(`**/ui/#/ns/${NS}`);
  await page.locator('h1', { hasText: NS }).waitFor();
  const { json } = await rest('GET', `/admin/namespaces/${NS}`);
  assert.equal(json.name, 'Shop search');
  assert.equal(json.dimension, 4);
  assert.deepEqual(json.quotas, {
    max_vectors: 500, max_storage_bytes: 104857600, max_requests_per_second: 10, max_concurrent_queries: 2,
    max_dimension: 1536, max_results_per_query: 100, max_batch_size: 100,
  });
});

test('create form: a duplicate id shows the server message keyed on namespace_exists', async () => {
  await ui('#/new');
  await page.fill('#c-id', NS);
  expectFailure('POST', '/admin/namespaces', 409);
  await page.click('button[type=submit]');
  await page.locator('.alert-error[data-code=namespace_exists]').waitFor();
  assert.match(await text('.alert-error'), new RegExp(`Namespace already exists: ${NS}`));
  assert.ok(await page.locator('#c-id.invalid').count());
});

test('namespaces table shows counts, storage and utilization after upserts', async () => {
  assert.equal((await rest('POST', `/v1/namespaces/${NS}/vectors`, { vectors: vectors(30) })).status, 200);
  for (const [id, n] of [[NS_WARN, 9], [NS_FULL, 10]]) {
    assert.equal((await rest('POST', '/admin/namespaces', { id, quotas: { max_vectors: 10 } })).status, 201);
    assert.equal((await rest('POST', `/v1/namespaces/${id}/vectors`, { vectors: vectors(n) })).status, 200);
  }
  await ui(`#/?prefix=${RUN}`);
  const row = page.locator(`#ns-table tr[data-id="${NS}"]`);
  await row.waitFor();
  assert.equal(await page.locator('#ns-table tbody tr').count(), 3);
  assert.match(await row.locator('.cell-vectors').innerText(), /30 \/ 500/);
  assert.match(await row.locator('.cell-storage').innerText(), /\/ 100 MiB/);
  assert.equal(await row.locator('.badge').innerText(), 'Active');
  const warn = page.locator(`tr[data-id="${NS_WARN}"]`);
  assert.equal(await warn.locator('.cell-vectors .util-warn').count(), 1);
  assert.match(await warn.innerText(), /Near quota/);
  assert.equal(await page.locator(`tr[data-id="${NS_FULL}"] .cell-vectors .util-full`).count(), 1);
  assert.match(await page.locator(`tr[data-id="${NS_FULL}"]`).innerText(), /Quota full/);
  assert.ok(Number((await text('[data-figure=vectors] .figure-value')).replace(/\D/g, '')) >= 49);
  await shot('namespaces');

  // Filters: a status nobody has yet gives the empty state; clearing brings rows back.
  await page.selectOption('#f-status', 'suspended');
  await page.locator('.empty').waitFor();
  await page.selectOption('#f-status', '');
  await row.waitFor();
});

test('namespace page: quota edits are saved with merge semantics', async () => {
  await ui(`#/ns/${NS}`);
  await page.locator('#quota-form').waitFor();
  assert.equal(await page.inputValue('#q-max_vectors'), '500');
  await page.fill('#q-max_vectors', '2000');
  await page.fill('#q-max_batch_size', ''); // empty = unlimited
  await page.click('#quota-form button[type=submit]');
  await page.locator('#quota-form .alert-ok', { hasText: 'Quotas saved' }).waitFor();
  const { json } = await rest('GET', `/admin/namespaces/${NS}`);
  assert.equal(json.quotas.max_vectors, 2000);
  assert.equal(json.quotas.max_batch_size, null);
  assert.equal(json.quotas.max_results_per_query, 100); // untouched fields keep their values
  assert.equal(json.quotas.max_storage_bytes, 104857600);
});

test('namespace page: live counters and requests/s chart follow traffic', async () => {
  await ui(`#/ns/${NS}`);
  await page.locator('[data-stat=total_queries]').waitFor();
  const before = Number(await text('[data-stat=total_queries] .stat-value'));
  // ~4 queries/s for 5 s, under the free tier's 10 requests/s.
  const traffic = (async () => {
    for (let i = 0; i < 20; i++) {
      await rest('POST', `/v1/namespaces/${NS}/query`, { vector: [1, 0, 0, 1], k: 3 });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await page.waitForFunction(() => /^(?!0\/s)\d/.test(document.querySelector('#rate-queries')?.textContent ?? ''), null, { timeout: 8000 });
  await traffic;
  await page.waitForFunction((b) => Number(document.querySelector('[data-stat=total_queries] .stat-value').textContent) >= b + 20, before);
  assert.equal(await page.locator('.chart polyline').count(), 2);
  await shot('namespace');
});

test('namespace page: suspending asks for confirmation', async () => {
  await ui(`#/ns/${NS}`);
  await page.locator('#status-select').waitFor();
  await page.selectOption('#status-select', 'suspended');
  await page.click('#status-apply');
  await page.locator('dialog[open]').waitFor();
  await page.click('dialog[open] button[value=cancel]');
  // Cancelling puts the select back to the current status once the dialog's close event ran:
  // wait for that, or it could undo the choice made next.
  await page.locator('dialog').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelector('#status-select').value === 'active');
  assert.equal((await rest('GET', `/admin/namespaces/${NS}`)).json.status, 'active');

  await page.selectOption('#status-select', 'suspended');
  await page.click('#status-apply');
  await page.click('dialog[open] button[value=ok]');
  await page.locator('h1 .badge[data-status=suspended]').waitFor();
  assert.equal((await rest('GET', `/admin/namespaces/${NS}`)).json.status, 'suspended');

  // A suspended namespace refuses queries: the playground shows it by code.
  await ui(`#/query?ns=${NS}`);
  await page.fill('#p-vid', 'v1');
  expectFailure('GET', `/v1/namespaces/${NS}/vectors/v1`, 403);
  await page.click('#p-run');
  await page.locator('#p-out .alert-error[data-code=namespace_suspended]').waitFor();

  // Back to active needs no confirmation.
  await ui(`#/ns/${NS}`);
  await page.locator('#status-select').waitFor();
  await page.selectOption('#status-select', 'active');
  await page.click('#status-apply');
  await page.locator('h1 .badge[data-status=active]').waitFor();
  assert.equal(await page.locator('dialog[open]').count(), 0);
});

test('pending deletion shows the grace period left, in the table and on the page, until undone', async () => {
  await ui(`#/ns/${NS}`);
  await page.locator('#status-select').waitFor();
  await page.selectOption('#status-select', 'pending_deletion');
  await page.click('#status-apply');
  await page.click('dialog[open] button[value=ok]');
  await page.locator('h1 .badge[data-status=pending_deletion]').waitFor();
  // run.sh starts the server with the default 7-day grace period.
  assert.match(await text('#deletion-due'), /Scheduled for deletion in (6 d 23 h|7 d 0 h)/);
  const due = (await rest('GET', `/admin/namespaces/${NS}`)).json.deletion_due;
  assert.ok(due, 'the API shows deletion_due');
  await shot('pending-deletion');

  await ui('#/');
  assert.match(await page.locator(`tr[data-id="${NS}"] .deletion-left`).innerText(), /deleted in (6 d 23 h|7 d 0 h)/);

  await ui(`#/ns/${NS}`);
  await page.locator('#deletion-due').waitFor();
  await page.selectOption('#status-select', 'active');
  await page.click('#status-apply');
  await page.locator('h1 .badge[data-status=active]').waitFor();
  assert.equal(await page.locator('#deletion-due').count(), 0);
  assert.equal((await rest('GET', `/admin/namespaces/${NS}`)).json.deletion_due, null);
});

test('query playground: results for a stored vector, errors for bad k and filter', async () => {
  await ui(`#/query?ns=${NS}`);
  await page.fill('#p-vid', 'v3');
  await page.fill('#p-k', '5');
  await page.click('#p-run');
  await page.locator('#p-results').waitFor();
  assert.equal(await page.locator('#p-results tbody tr').count(), 5);
  const first = page.locator('#p-results tbody tr').first();
  assert.equal(await first.getAttribute('data-id'), 'v3');
  assert.match(await first.innerText(), /0\.0000/);
  assert.match(await first.innerText(), /"category":"tech"/);
  await shot('playground');

  await page.fill('#p-k', '0');
  expectFailure('POST', `/v1/namespaces/${NS}/query`, 400);
  await page.click('#p-run');
  await page.locator('#p-out .alert-error[data-code=invalid_argument]').waitFor();
  assert.match(await text('#p-out'), /k must be between 1 and \d+, got: 0/);

  // Malformed under any filter grammar, so this holds before and after filters land.
  await page.fill('#p-k', '5');
  await page.fill('#p-filter', "category = = 'tech'");
  expectFailure('POST', `/v1/namespaces/${NS}/query`, 400);
  await page.click('#p-run');
  await page.locator('#p-out .alert-error[data-code=invalid_filter]').waitFor();
  assert.ok(await page.locator('#p-filter.invalid').count());

  // A pasted vector of the wrong dimension.
  await page.fill('#p-filter', '');
  await page.check('input[name=p-mode][value=paste]', { force: true });
  await page.fill('#p-vector', '[1, 2, 3]');
  expectFailure('POST', `/v1/namespaces/${NS}/query`, 400);
  await page.click('#p-run');
  await page.locator('#p-out .alert-error[data-code=dimension_mismatch]').waitFor();
});

test('create form: a text analyzer, and an embedding model that fixes dimension and metric', async () => {
  await ui('#/new');
  await page.fill('#c-id', NS_EMB);
  await page.fill('#c-dimension', '8');
  await page.selectOption('#c-embedding-model', 'bge-small-en-v1.5');
  assert.ok(await page.locator('#c-dimension').isDisabled());
  assert.ok(await page.locator('#c-metric').isDisabled());
  assert.equal(await page.inputValue('#c-dimension'), '384');
  assert.equal(await page.inputValue('#c-metric'), 'cosine');
  assert.match(await text('#c-model-fixes'), /fixes the dimension \(384\) and the metric \(cosine\)/);
  await shot('create-embedding');
  // Taking the model off gives back what was typed.
  await page.selectOption('#c-embedding-model', '');
  assert.ok(await page.locator('#c-dimension').isEnabled());
  assert.equal(await page.inputValue('#c-dimension'), '8');
  assert.ok(await page.locator('#c-model-fixes').isHidden());

  await page.selectOption('#c-embedding-model', 'bge-small-en-v1.5');
  const [created] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/admin/namespaces'),
    page.click('button[type=submit]'),
  ]);
  const sent = created.postDataJSON();
  assert.deepEqual(sent.embedding, { model: 'bge-small-en-v1.5' });
  assert.equal(sent.text, undefined);
  assert.equal(sent.dimension, undefined, 'the model sets the dimension');
  assert.equal(sent.metric, undefined, 'the model sets the metric');
  await page.waitForURL(`**/ui/#/ns/${NS_EMB}`);
  await page.locator('[data-detail=embedding]').waitFor();
  assert.equal(await text('[data-detail=embedding]'), 'bge-small-en-v1.5');
  assert.equal(await text('[data-detail=text]'), 'none');
  const emb = (await rest('GET', `/admin/namespaces/${NS_EMB}`)).json;
  assert.deepEqual([emb.dimension, emb.metric, emb.embedding, emb.text], [384, 'cosine', { model: 'bge-small-en-v1.5' }, null]);

  await ui('#/new');
  await page.fill('#c-id', NS_TEXT);
  await page.check('input[name=tier][value=unlimited]', { force: true });
  await page.fill('#c-dimension', '3');
  await page.selectOption('#c-text-analyzer', 'english');
  await page.click('button[type=submit]');
  await page.waitForURL(`**/ui/#/ns/${NS_TEXT}`);
  await page.locator('[data-detail=text]').waitFor();
  assert.equal(await text('[data-detail=text]'), 'english analyzer');
  assert.match(await text('[data-detail=embedding]'), /^none/);
  const ns = (await rest('GET', `/admin/namespaces/${NS_TEXT}`)).json;
  assert.deepEqual([ns.dimension, ns.metric, ns.text, ns.embedding], [3, 'cosine', { analyzer: 'english' }, null]);
  await shot('namespace-text');
});

test('query playground: keyword and hybrid queries show scores, distances, ranks and text', async () => {
  // For [1, 0, 0] the vector search ranks a, d, b, c; "running foxes" finds b, then a.
  const docs = [
    { id: 'a', values: [1, 0, 0], text: 'The quick brown fox jumps over the lazy dog', metadata: { n: 1 } },
    { id: 'b', values: [0.1, 1, 0], text: 'Foxes are running in the forest' },
    { id: 'c', values: [0, 0, 1], text: 'A cat sleeps on the sofa' },
    { id: 'd', values: [0.9, 0.1, 0] },
  ];
  assert.equal((await rest('POST', `/v1/namespaces/${NS_TEXT}/vectors`, { vectors: docs })).status, 200);
  const rows = () => page.locator('#p-results tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
  const cell = (id, column) => text(`#p-results tr[data-id="${id}"] td[data-label="${column}"]`);
  const run = async () => {
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === `/v1/namespaces/${NS_TEXT}/query`),
      page.click('#p-run'),
    ]);
    return request.postDataJSON();
  };

  // Text alone: a keyword search (auto sends no mode), no distances, keyword ranks, the texts.
  await ui(`#/query?ns=${NS_TEXT}`);
  await page.fill('#p-text', 'running foxes');
  let body = await run();
  assert.deepEqual(body, { text: 'running foxes', k: 10, include_metadata: true, include_text: true });
  await page.locator('#p-results').waitFor();
  assert.deepEqual(await rows(), ['b', 'a']);
  assert.equal(await cell('b', 'Distance'), '—');
  assert.equal(await cell('b', 'Ranks'), 'v— · k1');
  assert.equal(await cell('a', 'Ranks'), 'v— · k2');
  assert.ok(Number(await cell('b', 'Score')) > Number(await cell('a', 'Score')), 'BM25, best first');
  assert.equal(await cell('b', 'Text'), 'Foxes are running in the forest');

  // Text and a stored vector: hybrid, fused by RRF.
  await page.fill('#p-vid', 'a');
  body = await run();
  assert.deepEqual([body.vector, body.text, body.mode], [[1, 0, 0], 'running foxes', undefined]);
  await page.locator('#p-results').waitFor();
  assert.deepEqual(await rows(), ['a', 'b', 'd', 'c']);
  assert.equal(await cell('a', 'Ranks'), 'v1 · k2');
  assert.equal(await cell('a', 'Distance'), '0.0000');
  assert.equal(await cell('a', 'Score'), (1 / 61 + 1 / 62).toFixed(4));
  assert.equal(await cell('b', 'Ranks'), 'v3 · k1');
  assert.equal(await cell('d', 'Ranks'), 'v2 · k—');
  assert.equal(await cell('d', 'Text'), '—', 'd has no text');
  assert.match(await cell('a', 'Metadata'), /"n":1/);
  await shot('playground-hybrid');

  // The mode switch sends the mode: keyword with a vector keeps exact distances.
  await page.check('input[name=p-search][value=keyword]', { force: true });
  body = await run();
  assert.equal(body.mode, 'keyword');
  await page.locator('#p-results').waitFor();
  assert.deepEqual(await rows(), ['b', 'a']);
  assert.equal(await cell('a', 'Distance'), '0.0000');

  await page.check('input[name=p-search][value=vector]', { force: true });
  await page.uncheck('#p-include-text');
  body = await run();
  assert.deepEqual([body.mode, body.include_text], ['vector', undefined]);
  await page.locator('#p-results').waitFor();
  assert.deepEqual((await rows()).slice(0, 2), ['a', 'd']);
  assert.equal(await cell('a', 'Ranks'), 'v1 · k—');
  assert.equal(await page.locator('#p-results th', { hasText: 'Text' }).count(), 0, 'no text column when not asked');

  // Hybrid without text: the server's message, keyed on its code.
  await page.check('input[name=p-search][value=hybrid]', { force: true });
  await page.fill('#p-text', '');
  expectFailure('POST', `/v1/namespaces/${NS_TEXT}/query`, 400);
  body = await run();
  assert.equal(body.mode, 'hybrid');
  await page.locator('#p-out .alert-error[data-code=invalid_argument]').waitFor();
  assert.match(await text('#p-out'), /mode hybrid needs text/);

  // Neither text nor vector: asked for before anything is sent.
  await page.fill('#p-vid', '');
  await page.click('#p-run');
  await page.locator('#p-out .alert-error').waitFor();
  assert.match(await text('#p-out'), /Type a query text or the id of a stored vector/);
  assert.ok(await page.locator('#p-vid.invalid').count());
});

test('narrow window (390 px): no horizontal overflow', async () => {
  const narrow = await context.newPage();
  watch(narrow);
  await narrow.setViewportSize({ width: 390, height: 844 });
  for (const [hash, ready, name] of [
    [`#/?prefix=${RUN}`, '#ns-table', 'narrow-namespaces'],
    [`#/ns/${NS_WARN}`, '#quota-form', 'narrow-namespace'],
    [`#/query?ns=${NS}`, '#p-run', 'narrow-playground'],
    ['#/new', '#c-id', 'narrow-create'],
  ]) {
    await narrow.goto(`${BASE}/ui/${hash}`);
    await narrow.locator(ready).waitFor();
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${hash} overflows by ${overflow}px`);
    await shot(name, narrow);
  }
  // Hybrid results, with their ranks and text columns, stack as the other tables do.
  await narrow.goto(`${BASE}/ui/#/query?ns=${NS_TEXT}`);
  await narrow.fill('#p-text', 'running foxes');
  await narrow.fill('#p-vid', 'a');
  await narrow.click('#p-run');
  await narrow.locator('#p-results').waitFor();
  const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, `hybrid results overflow by ${overflow}px`);
  await shot('narrow-playground-hybrid', narrow);
  await narrow.close();
});

test('delete asks to type the id', async () => {
  await ui(`#/ns/${NS}`);
  await page.click('#delete-btn');
  const confirm = page.locator('dialog[open] button[value=ok]');
  assert.ok(await confirm.isDisabled());
  await page.fill('dialog[open] input', NS.slice(0, -1));
  assert.ok(await confirm.isDisabled());
  await page.fill('dialog[open] input', NS);
  assert.ok(await confirm.isEnabled());
  await confirm.click();
  await page.waitForURL('**/ui/#/');
  await page.locator('#ns-table, .empty').first().waitFor();
  assert.equal(await page.locator(`tr[data-id="${NS}"]`).count(), 0);
  const gone = await rest('GET', `/admin/namespaces/${NS}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.json.code, 'namespace_not_found');
});

test('cluster page: a single server says it runs alone', async () => {
  expectFailure('GET', '/admin/cluster', 404);
  await ui('#/cluster');
  await page.locator('#not-clustered').waitFor();
  assert.match(await text('#not-clustered'), /runs alone/);
  assert.equal(await page.locator('nav a[data-nav="cluster"].active').count(), 1);
  await shot('cluster-single');
});

test('no console errors, page errors or unexpected failed requests', () => {
  seen.assertClean();
});
