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

// The one place where an Authorization header would be added once the server has keys
// (DESIGN.md §4 "Access keys"). A key would live in a module variable, never in localStorage.
function authHeaders() {
  return {};
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
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
export const updateQuotas = (id, patch) => request('PUT', `/admin/namespaces/${enc(id)}/quotas`, patch);
export const updateStatus = (id, status) => request('PUT', `/admin/namespaces/${enc(id)}/status`, { status });
export const namespaceStats = (id) => request('GET', `/admin/namespaces/${enc(id)}/stats`);
export const aggregateStats = () => request('GET', '/admin/stats');

// Data routes used by the query playground.
export const fetchVector = (ns, id) => request('GET', `/v1/namespaces/${enc(ns)}/vectors/${enc(id)}`);
export const query = (ns, body) => request('POST', `/v1/namespaces/${enc(ns)}/query`, body);
