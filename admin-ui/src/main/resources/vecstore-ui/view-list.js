// Namespaces page: aggregate figures, filters, and a cursor-paged table.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';
import * as fmt from './format.js';
import { quotaFlag, statusBadge, utilBar } from './widgets.js';

const PAGE_SIZE = 25;
const STATUSES = ['active', 'read_only', 'suspended', 'pending_deletion'];

export function render(root, _params, query) {
  let disposed = false;
  // cursors[i] is the cursor of page i; the server pages forward only, so going back
  // re-uses the cursor remembered on the way forward.
  let cursors = [null];
  let page = 0;

  const prefix = h('input', { type: 'search', id: 'f-prefix', placeholder: 'Id prefix', value: query.get('prefix') ?? '', autocomplete: 'off' });
  const status = h('select', { id: 'f-status' },
    h('option', { value: '' }, 'Any status'),
    STATUSES.map((s) => h('option', { value: s, selected: query.get('status') === s }, fmt.statusLabel(s))));
  const figures = h('div', { class: 'figures' });
  const table = h('div', { class: 'table-slot' });
  const pager = h('div', { class: 'pager' });

  mount(root,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Namespaces'),
      h('a', { class: 'btn btn-primary', href: '#/new' }, '+ New namespace')),
    figures,
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      h('label', { class: 'sr-only', for: 'f-prefix' }, 'Id prefix'), prefix,
      h('label', { class: 'sr-only', for: 'f-status' }, 'Status'), status,
      h('button', { type: 'button', class: 'btn', onclick: () => { loadFigures(); load(); } }, 'Refresh')),
    table,
    pager);

  // Keeps the filters in the URL (shareable, survives reload) without re-routing, which
  // would rebuild the view and drop the focus from the prefix box.
  function syncUrl() {
    const q = new URLSearchParams();
    if (prefix.value) q.set('prefix', prefix.value);
    if (status.value) q.set('status', status.value);
    history.replaceState(null, '', '#/' + (q.size ? '?' + q : ''));
  }

  let timer;
  prefix.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(restart, 250); });
  status.addEventListener('change', restart);

  function restart() {
    syncUrl();
    cursors = [null];
    page = 0;
    load();
  }

  async function loadFigures() {
    try {
      const a = await api.aggregateStats();
      if (disposed) return;
      mount(figures,
        figure('Namespaces', fmt.count(a.total_namespaces), 'total'),
        figure('Active', fmt.count(a.active_namespaces), 'active'),
        figure('Vectors', fmt.count(a.total_vectors), 'vectors'),
        figure('Requests', fmt.count(a.total_requests), 'requests'),
        figure('Storage', fmt.bytes(a.total_storage_bytes), 'storage'));
    } catch (e) {
      if (!disposed) mount(figures, errorBox(e));
    }
  }

  let seq = 0;
  async function load() {
    const mine = ++seq; // answers of superseded loads (fast typing) are dropped
    try {
      const res = await api.listNamespaces({ limit: PAGE_SIZE, cursor: cursors[page], prefix: prefix.value, status: status.value });
      if (disposed || mine !== seq) return;
      cursors[page + 1] = res.next_cursor;
      mount(table, res.namespaces.length ? nsTable(res.namespaces) : empty());
      mount(pager,
        h('button', { class: 'btn', disabled: page === 0, onclick: () => { page--; load(); } }, '← Previous'),
        h('span', { class: 'muted' }, `Page ${page + 1}`),
        h('button', { class: 'btn', disabled: !res.next_cursor, onclick: () => { page++; load(); } }, 'Next →'));
    } catch (e) {
      if (!disposed && mine === seq) mount(table, errorBox(e));
    }
  }

  function empty() {
    const filtered = prefix.value || status.value;
    return h('div', { class: 'empty' }, filtered ? 'No namespace matches these filters.' : 'No namespaces yet. ',
      filtered ? null : h('a', { href: '#/new' }, 'Create the first one.'));
  }

  loadFigures();
  load();
  return () => { disposed = true; clearTimeout(timer); };
}

function figure(label, value, key) {
  return h('div', { class: 'figure', 'data-figure': key }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label' }, label));
}

function nsTable(namespaces) {
  const head = ['Namespace', 'Status', 'Vectors', 'Storage', 'Index'];
  return h('table', { class: 'table responsive', id: 'ns-table' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, namespaces.map((n) => {
      const href = '#/ns/' + encodeURIComponent(n.id);
      return h('tr', { 'data-id': n.id },
        h('td', { 'data-label': head[0] },
          h('a', { href, class: 'ns-id' }, n.id),
          n.name && n.name !== n.id ? h('div', { class: 'muted small' }, n.name) : null),
        h('td', { 'data-label': head[1] }, statusBadge(n.status),
          quotaFlag(n),
          n.status === 'pending_deletion' && n.deletion_due
            ? h('div', { class: 'muted small deletion-left' }, `deleted in ${fmt.timeLeft(n.deletion_due)}`) : null),
        h('td', { 'data-label': head[2], class: 'cell-vectors' }, utilBar(n.vector_count, n.quotas.max_vectors, fmt.count)),
        h('td', { 'data-label': head[3], class: 'cell-storage' }, utilBar(n.storage_bytes, n.quotas.max_storage_bytes, fmt.bytes)),
        h('td', { 'data-label': head[4], class: 'muted small' }, `${n.metric}${n.dimension ? ' · ' + n.dimension + 'd' : ''}`));
    })));
}
