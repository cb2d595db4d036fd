// How server errors are shown. The UI branches on the stable `code` (STYLE.md), and always
// shows the server's own message, which carries the values (limits, positions, ids).
import { h } from './dom.js';

// code → [title, hint or null]. Unknown codes fall back to a generic title.
const KNOWN = {
  network_error: ['Server unreachable', 'Check that VecStore is running, then retry.'],
  invalid_argument: ['Invalid input', null],
  payload_too_large: ['Request too large', null],
  unsupported_media_type: ['Unsupported request', null],
  dimension_mismatch: ['Dimension mismatch', 'The vector must have as many values as the namespace dimension.'],
  invalid_filter: ['Invalid filter', "Example: category = 'tech' AND year >= 2020"],
  limit_exceeded: ['Over a quota limit', null],
  namespace_exists: ['Namespace already exists', 'Pick another id.'],
  namespace_not_found: ['Namespace not found', null],
  vector_not_found: ['Vector not found', 'No stored vector has this id.'],
  quota_exceeded: ['Quota exceeded', 'Raise the quota or free space first.'],
  namespace_read_only: ['Namespace is read-only', 'Set it active to allow writes.'],
  namespace_suspended: ['Namespace is suspended', 'Set it active to allow data operations.'],
  namespace_pending_deletion: ['Namespace is pending deletion', null],
  rate_limited: ['Rate limited', null],
  too_many_concurrent_queries: ['Too many concurrent queries', null],
  embedding_unavailable: ['Embedding model unavailable', 'The server cannot run this model now; send vectors instead.'],
  namespace_unavailable: ['Namespace unavailable', 'A storage failure; see the server log.'],
  shutting_down: ['Server is shutting down', null],
  not_owner: ['Not writable on this node now', 'The namespace is moving, or this node lost contact with the cluster; retry in a moment.'],
  owner_down: ['The node holding this namespace is down', 'It answers again once that node is back.'],
  not_ready: ['Not ready', 'The server is starting, or has not joined its cluster yet.'],
  unauthenticated: ['API key needed', 'Use “Enter key” in the top bar.'],
  forbidden: ['Not allowed with this key', 'The admin key opens everything; a namespace key only its own namespace\'s data. Use “Forget key” in the top bar to enter another key.'],
  too_many_auth_failures: ['Too many invalid keys', null],
  key_exists: ['Key already exists', 'Pick another name.'],
  key_not_found: ['Key not found', 'It was revoked already.'],
};

/** A short title for an error code. */
export function errorTitle(err) {
  return (KNOWN[err.code] ?? ['Request failed'])[0];
}

/** An alert box for an ApiError (or any Error): title from the code, the server's message. */
export function errorBox(err) {
  const [title, hint] = KNOWN[err.code] ?? ['Request failed', null];
  let extra = hint;
  if (err.code === 'rate_limited' || err.code === 'too_many_concurrent_queries' || err.code === 'too_many_auth_failures') {
    const s = err.details?.retry_after_seconds;
    extra = s ? `Retry in ${s} s.` : 'Retry shortly.';
  }
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert', 'data-code': err.code ?? 'client_error' },
    h('strong', {}, title),
    h('span', { class: 'alert-msg' }, err.message),
    extra ? h('span', { class: 'alert-hint' }, extra) : null,
  );
}

/** A green note for a completed action; it removes itself after a few seconds. */
export function okBox(text) {
  const el = h('div', { class: 'alert alert-ok', role: 'status' }, text);
  setTimeout(() => el.remove(), 4000);
  return el;
}
