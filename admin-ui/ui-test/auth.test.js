// End-to-end tests of the admin UI against a server started with an admin key. Run through
// run.sh, which starts that server and sets VECSTORE_AUTH_URL and VECSTORE_AUTH_KEY. The tests
// run in file order in one tab, like an operator's session: sign in, manage keys, sign out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Watch, openBrowser, shot } from './harness.js';

const BASE = process.env.VECSTORE_AUTH_URL ?? assert.fail('VECSTORE_AUTH_URL is not set; run run.sh');
const ADMIN_KEY = process.env.VECSTORE_AUTH_KEY ?? assert.fail('VECSTORE_AUTH_KEY is not set; run run.sh');

const RUN = 'auth-' + Date.now().toString(36);
const NS = `${RUN}-app`;

let browser;
let context;
let page;
const seen = new Watch();

/** A REST call from the test itself (not the page), with `key` as bearer token. */
async function rest(method, path, body, key = ADMIN_KEY) {
  const headers = body ? { 'Content-Type': 'application/json' } : {};
  if (key) headers.Authorization = 'Bearer ' + key;
  const res = await fetch(BASE + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, json: await res.json() };
}

// Navigation inside the page (a hash change), not a load: the key in memory stays.
const go = (hash) => page.evaluate((h) => { location.hash = h; }, hash);
const text = (sel) => page.locator(sel).innerText();

/** Enters `key` in the open prompt and waits for the prompt to close. */
async function useKey(key) {
  await page.locator('#key-dialog[open]').waitFor();
  await page.fill('#key-input', key);
  await page.click('#key-use');
  await page.locator('#key-dialog').waitFor({ state: 'detached' });
}

before(async () => {
  browser = await openBrowser();
  ({ context, page } = browser);
  seen.watch(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  assert.equal((await rest('POST', '/admin/namespaces', { id: NS, dimension: 3 })).status, 201);
  assert.equal((await rest('GET', '/admin/namespaces', undefined, null)).json.code, 'unauthenticated');
});

after(async () => {
  await browser?.close();
});

test('key prompt: shown on first load, a wrong key gets the server message, the right key opens the table', async () => {
  // The namespaces page asks for the figures and the table: both are refused, one prompt shows.
  seen.expectFailure('GET', '/admin/stats', 401);
  seen.expectFailure('GET', '/admin/namespaces', 401);
  await page.goto(`${BASE}/ui/#/?prefix=${RUN}`);
  const dialog = page.locator('#key-dialog[open]');
  await dialog.waitFor();
  assert.equal(await page.locator('#key-dialog').count(), 1);
  assert.match(await text('#key-msg'), /Missing API key/);
  assert.match(await text('#key-dialog'), /memory only.*reloading the page forgets it/s);
  assert.equal(await page.getAttribute('#key-input', 'type'), 'password');
  await shot(page, 'key-prompt-first');

  await page.fill('#key-input', 'not-the-key-' + RUN);
  seen.expectFailure('GET', '/admin/stats', 401);
  await page.click('#key-use');
  await page.locator('#key-msg .alert-error[data-code=unauthenticated]').waitFor();
  assert.equal(await text('#key-msg'), 'Invalid API key');
  assert.ok(await page.locator('#key-input.invalid').count());
  await shot(page, 'key-prompt');

  await page.fill('#key-input', ADMIN_KEY);
  await page.click('#key-use');
  // The refused requests are sent again with the key: the table appears without a reload.
  await page.locator(`#ns-table tr[data-id="${NS}"]`).waitFor();
  assert.equal(await page.locator('#key-dialog').count(), 0);
  assert.match(await text('#key-indicator'), /Admin key/);
  assert.ok(await page.locator('#key-forget').isVisible());
  assert.match(await text('[data-figure=total] .figure-value'), /^\d+$/);
});

test('the key is in memory only: not in storage, cookies or the DOM, and a reload forgets it', async () => {
  const found = await page.evaluate(async (key) => {
    const values = [];
    for (const st of [localStorage, sessionStorage]) {
      for (let i = 0; i < st.length; i++) values.push(st.key(i), st.getItem(st.key(i)));
    }
    return {
      localStorage: localStorage.length,
      sessionStorage: sessionStorage.length,
      cookie: document.cookie,
      indexedDB: (await indexedDB.databases()).length,
      inStorage: values.some((v) => v.includes(key)),
      inDom: document.documentElement.outerHTML.includes(key) || [...document.querySelectorAll('input')].some((i) => i.value.includes(key)),
    };
  }, ADMIN_KEY);
  assert.deepEqual(found, { localStorage: 0, sessionStorage: 0, cookie: '', indexedDB: 0, inStorage: false, inDom: false });
  assert.deepEqual(await context.cookies(), []);

  seen.expectFailure('GET', '/admin/stats', 401);
  seen.expectFailure('GET', '/admin/namespaces', 401);
  await page.reload();
  await useKey(ADMIN_KEY);
  await page.locator(`#ns-table tr[data-id="${NS}"]`).waitFor();
});

test('Keys card: a new write key is shown once, works on the data route, is listed without its secret, and revoked gets 401', async () => {
  await go(`#/ns/${NS}`);
  await page.locator('#keys-empty').waitFor();
  await page.fill('#k-name', 'ingest');
  await page.selectOption('#k-role', 'write');
  await page.click('#k-create');
  const panel = page.locator('#k-secret-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /it will not be shown again/);
  const key = await page.inputValue('#k-secret');
  assert.match(key, /^vsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const row = page.locator('#keys-table tr[data-name="ingest"]');
  await row.waitFor(); // the list refreshed after the create
  assert.match(await row.innerText(), /write/);
  assert.match(await row.innerText(), /never/);

  await page.click('#k-copy');
  await page.locator('#k-copy-note', { hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
  await shot(page, 'keys-card');
  await shot(page.locator('#keys-card'), 'keys-card-only');

  // The key works on its namespace's data route, from outside the browser.
  const up = await rest('POST', `/v1/namespaces/${NS}/vectors`, { vectors: [{ id: 'a', values: [1, 0, 0] }, { id: 'b', values: [0, 1, 0] }] }, key);
  assert.equal(up.status, 200, JSON.stringify(up.json));
  // Listed without the secret.
  const listed = await rest('GET', `/admin/namespaces/${NS}/keys`);
  assert.deepEqual(listed.json.keys.map((k) => Object.keys(k).sort()), [['created_at', 'last_used_at', 'name', 'role']]);
  assert.ok(!JSON.stringify(listed.json).includes(key));

  // Shown once: gone after "Done", and not shown when the page is opened again.
  await page.click('#k-done');
  assert.equal(await page.locator('#k-secret').count(), 0);
  await go('#/');
  await page.locator('#ns-table').waitFor();
  await go(`#/ns/${NS}`);
  await row.waitFor();
  assert.equal(await page.locator('#k-secret').count(), 0);
  assert.doesNotMatch(await row.innerText(), /never/); // last used: the upsert above
  assert.ok(!(await page.content()).includes(key));

  // Narrow window: the keys table stacks, nothing overflows.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, `the namespace page overflows by ${overflow}px`);
  await shot(page.locator('#keys-card'), 'narrow-keys-card');
  await shot(page, 'narrow-namespace-with-key');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Revoke asks first; cancelling keeps the key.
  await page.click('button[data-revoke="ingest"]');
  await page.click('dialog[open] button[value=cancel]');
  assert.equal((await rest('GET', `/admin/namespaces/${NS}/keys`)).json.keys.length, 1);
  await page.click('button[data-revoke="ingest"]');
  assert.match(await text('dialog[open]'), /Revoke key ingest\?/);
  await page.click('dialog[open] button[value=ok]');
  await page.locator('#keys-empty').waitFor(); // the list refreshed after the revoke
  assert.match(await text('#keys-card .alert-ok'), /Key ingest revoked/);
  const refused = await rest('POST', `/v1/namespaces/${NS}/vectors`, { vectors: [{ id: 'c', values: [0, 0, 1] }] }, key);
  assert.equal(refused.status, 401);
  assert.equal(refused.json.code, 'unauthenticated');
});

test('Keys card: a duplicate name shows the server message keyed on key_exists', async () => {
  assert.equal((await rest('POST', `/admin/namespaces/${NS}/keys`, { name: 'taken', role: 'read' })).status, 201);
  await go('#/');
  await page.locator('#ns-table').waitFor();
  await go(`#/ns/${NS}`);
  await page.locator('#keys-table tr[data-name="taken"]').waitFor();
  await page.fill('#k-name', 'taken');
  seen.expectFailure('POST', `/admin/namespaces/${NS}/keys`, 409);
  await page.click('#k-create');
  await page.locator('#keys-card .alert-error[data-code=key_exists]').waitFor();
  assert.match(await text('#keys-card .alert-error'), /Key already exists: taken/);
  assert.ok(await page.locator('#k-name.invalid').count());
  assert.equal(await page.locator('#k-secret').count(), 0);
});

test('a namespace key: admin pages show forbidden, the query playground works; Forget key asks again', async () => {
  const reader = (await rest('POST', `/admin/namespaces/${NS}/keys`, { name: 'reader', role: 'read' })).json.key;
  await go(`#/?prefix=${RUN}`);
  await page.locator('#ns-table').waitFor();

  // Forget key redraws the page, whose requests are refused, which brings the prompt back.
  seen.expectFailure('GET', '/admin/stats', 401);
  seen.expectFailure('GET', '/admin/namespaces', 401);
  await page.click('#key-forget');
  // The key check and the two retried requests: a namespace key has no admin rights.
  seen.expectFailure('GET', '/admin/stats', 403, 2);
  seen.expectFailure('GET', '/admin/namespaces', 403);
  await useKey(reader);
  await page.locator('#view .alert-error[data-code=forbidden]').first().waitFor();
  assert.equal(await page.locator('#view .alert-error[data-code=forbidden]').count(), 2);
  assert.match(await page.locator('#view .alert-error[data-code=forbidden]').first().innerText(), /Not allowed with this key.*needs the admin key/s);
  assert.match(await text('#key-indicator'), /Namespace key/);
  await shot(page, 'forbidden');

  // The playground only uses data routes, which the key opens (its namespace suggestions are refused).
  seen.expectFailure('GET', '/admin/namespaces', 403);
  await go(`#/query?ns=${NS}`);
  await page.fill('#p-vid', 'a');
  await page.click('#p-run');
  await page.locator('#p-results').waitFor();
  assert.equal(await page.locator('#p-results tbody tr').first().getAttribute('data-id'), 'a');
});

test('no console errors, page errors or unexpected failed requests', () => {
  seen.assertClean();
});
