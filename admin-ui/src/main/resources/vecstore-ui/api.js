// The only module that talks to the server. URLs are relative so the UI works behind any
// host, port or reverse-proxy prefix that keeps /ui/ next to /admin and /v1.

/** An error answer of the server: `code` is stable and is what the UI branches on. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// The API key, in this module's memory only: never in localStorage, sessionStorage or cookies
// (STYLE.md), so a page reload forgets it. null while no key is held.
let apiKey = null;
let keyKind = null; // 'admin' or 'namespace', as found out by checkKey
let keyRequired = false; // set once the server has answered 401: it has authentication on
let askForKey = null; // set by the UI: (ApiError) => Promise<boolean>, true once a key is held
let pendingAsk = null; // the prompt all requests refused meanwhile wait on
const listeners = new Set();

/** What the top bar shows: whether a key is held, of which kind, and whether one is needed. */
export const keyState = () => ({ held: apiKey !== null, kind: keyKind, required: keyRequired });

/** Calls `fn()` whenever keyState() changes. */
export function onKeyChange(fn) {
  listeners.add(fn);
}

function changed() {
  for (const fn of listeners) fn();
}

export function setKey(key, kind) {
  apiKey = key;
  keyKind = kind;
  changed();
}

export function forgetKey() {
  apiKey = null;
  keyKind = null;
  changed();
}

/**
 * Installs the prompt asked for a key when the server answers 401 `unauthenticated`. Refused
 * requests wait for it and are sent again with the new key; when it resolves false (the user
 * closed it) they fail with the 401.
 */
export function setKeyPrompt(fn) {
  askForKey = fn;
}

function authHeaders(key) {
  return key === null ? {} : { Authorization: 'Bearer ' + key };
}

async function request(method, path, body) {
  for (;;) {
    const sent = apiKey;
    try {
      return await send(method, path, body, sent);
    } catch (e) {
      if (e.code !== 'unauthenticated' || askForKey === null) throw e;
      if (!keyRequired) {
        keyRequired = true;
        changed();
      }
      if (apiKey !== null && apiKey !== sent) continue; // a new key came while this one was on its way
      if (apiKey !== null) forgetKey(); // the held key was refused: revoked, or the server has another
      pendingAsk ??= askForKey(e).finally(() => { pendingAsk = null; });
      if (!(await pendingAsk)) throw e;
    }
  }
}

/**
 * Tries `key` on one admin route without holding it. Resolves 'admin', or 'namespace' for a
 * valid key without admin rights (403 `forbidden`); rejects with the ApiError otherwise (401
 * `unauthenticated` for a wrong key, 429 `too_many_auth_failures`).
 */
export async function checkKey(key) {
  try {
    await send('GET', '/admin/stats', undefined, key);
    return 'admin';
  } catch (e) {
    if (e.code === 'forbidden') return 'namespace';
    throw e;
  }
}

async function send(method, path, body, key) {
  const headers = { Accept: 'application/json', ...authHeaders(key) };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('..' + path, init);
  } catch (e) {
    // fetch only rejects when no answer came at all (server down, connection reset).
    throw new ApiError(0, 'network_error', 'Cannot reach the server: ' + e.message);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: fall through with json = null.
  }
  if (!res.ok) {
    if (json && typeof json.code === 'string') {
      const { error, code, ...details } = json;
      throw new ApiError(res.status, code, error ?? code, details);
    }
    throw new ApiError(res.status, 'http_' + res.status, `HTTP ${res.status} ${res.statusText}`.trim());
  }
  return json;
}

const enc = encodeURIComponent;

function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// Admin routes (DESIGN.md §4).
export const listNamespaces = ({ limit, cursor, prefix, status } = {}) =>
  request('GET', '/admin/namespaces' + queryString({ limit, cursor, prefix, status }));
export const getNamespace = (id) => request('GET', `/admin/namespaces/${enc(id)}`);
export const createNamespace = (body) => request('POST', '/admin/namespaces', body);
export const deleteNamespace = (id) => request('DELETE', `/admin/namespaces/${enc(id)}`);
/** `patch` may carry `override: true` to pass the plan's ceilings. */
export const updateQuotas = (id, patch) => request('PUT', `/admin/namespaces/${enc(id)}/quotas`, patch);
/** `{plan, reset_quotas?, override?}`. */
export const changePlan = (id, body) => request('PUT', `/admin/namespaces/${enc(id)}/plan`, body);
/** A quota policy object, or null: the namespace follows its plan's again. */
export const updateQuotaPolicy = (id, policy) => request('PUT', `/admin/namespaces/${enc(id)}/quota-policy`, policy);
/** A page of the audit trail, newest first: `{events, next_cursor}`. */
export const namespaceEvents = (id, { limit, cursor } = {}) =>
  request('GET', `/admin/namespaces/${enc(id)}/events` + queryString({ limit, cursor }));
export const listPlans = () => request('GET', '/admin/plans');
export const updateStatus = (id, status) => request('PUT', `/admin/namespaces/${enc(id)}/status`, { status });
export const namespaceStats = (id) => request('GET', `/admin/namespaces/${enc(id)}/stats`);
export const aggregateStats = () => request('GET', '/admin/stats');
/** The cluster's nodes, load and placements (cluster mode; 404 `route_not_found` on a single server). */
export const clusterStatus = () => request('GET', '/admin/cluster');
export const listKeys = (id) => request('GET', `/admin/namespaces/${enc(id)}/keys`);
/** Resolves the new key with its secret in `key`: the only time the server shows it. */
export const createKey = (id, name, role) => request('POST', `/admin/namespaces/${enc(id)}/keys`, { name, role });
export const revokeKey = (id, name) => request('DELETE', `/admin/namespaces/${enc(id)}/keys/${enc(name)}`);

// Data routes used by the query playground.
export const fetchVector = (ns, id) => request('GET', `/v1/namespaces/${enc(ns)}/vectors/${enc(id)}`);
export const query = (ns, body) => request('POST', `/v1/namespaces/${enc(ns)}/query`, body);
