// Namespace page: details, live stats and traffic chart, quotas, status, keys, delete.
import * as api from './api.js';
import { lineChart } from './chart.js';
import { h, mount } from './dom.js';
import { errorBox, okBox } from './errors.js';
import * as fmt from './format.js';
import { keysCard } from './keys-card.js';
import { quotaFieldset } from './quotas.js';
import { confirmDialog, quotaFlag, statusBadge, utilBar } from './widgets.js';

const POLL_MS = 2000;
const SAMPLES = 60; // two minutes of history at one sample per 2 s
const STATUSES = ['active', 'read_only', 'suspended', 'pending_deletion'];
const NEEDS_CONFIRM = {
  suspended: 'Every data operation (queries, upserts, fetches, deletes) will be rejected until the namespace is made active again.',
  pending_deletion: 'Queries and upserts will be rejected; only vector deletes and deleting the namespace stay allowed.',
};

export function render(root, [id]) {
  let disposed = false;
  let ns = null; // the namespace object last received from the server
  let timer = null;
  const samples = []; // {t, requests, queries}: raw counters, rates are derived when drawing

  const head = h('div', { class: 'page-head' });
  const usage = h('div', { class: 'stat-grid', id: 'usage' });
  const chart = h('div', { class: 'chart-slot' });
  const chartNote = h('div', { class: 'chart-legend' });
  const details = h('dl', { class: 'details' });
  const quotas = quotaFieldset(null, 'q');
  const quotaResult = h('div', { 'aria-live': 'polite' });
  const statusSel = h('select', { id: 'status-select' }, STATUSES.map((s) => h('option', { value: s }, fmt.statusLabel(s))));
  const statusResult = h('div', { 'aria-live': 'polite' });
  const deleteResult = h('div', { 'aria-live': 'polite' });
  const keys = keysCard(id);

  mount(root, h('p', { class: 'muted' }, 'Loading…'));

  function layout() {
    mount(root,
      h('a', { class: 'back', href: '#/' }, '← Namespaces'),
      head,
      h('div', { class: 'grid-2' },
        card('Usage', usage),
        card('Traffic', chart, chartNote)),
      h('div', { class: 'grid-2' },
        card('Details', details),
        card('Status',
          h('form', { class: 'inline-form', onsubmit: changeStatus },
            h('label', { class: 'sr-only', for: 'status-select' }, 'Status'), statusSel,
            h('button', { type: 'submit', class: 'btn', id: 'status-apply' }, 'Change status')),
          h('p', { class: 'field-hint' }, 'Read-only rejects writes; suspended rejects all data operations; pending deletion rejects queries and upserts.'),
          statusResult)),
      card('Quotas',
        h('form', { class: 'form', id: 'quota-form', novalidate: true, onsubmit: saveQuotas },
          h('p', { class: 'field-hint' }, 'Empty means unlimited. Only the fields you change are sent; the others keep their values.'),
          quotas.el,
          quotaResult,
          h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save quotas')))),
      keys.el,
      card('Danger zone',
        h('div', { class: 'inline-form' },
          h('p', {}, 'Deleting removes the namespace, its index and all its vectors. This cannot be undone.'),
          h('button', { class: 'btn btn-danger', id: 'delete-btn', onclick: remove }, 'Delete namespace')),
        deleteResult));
  }

  // The grace period of a namespace pending deletion: when it goes, and how to keep it.
  function deletionNotice(due) {
    if (!due) return null;
    return h('div', { class: 'alert alert-warn', id: 'deletion-due', role: 'status' },
      h('strong', {}, `Scheduled for deletion in ${fmt.timeLeft(due)}`),
      h('span', {}, `at ${fmt.dateTime(due)}. Set the status back to Active before then to keep it with all its vectors.`));
  }

  function showNamespace(n) {
    ns = n;
    statusSel.value = n.status;
    mount(head,
      h('div', {},
        h('h1', {}, n.id, ' ', statusBadge(n.status), quotaFlag(n)),
        n.name && n.name !== n.id ? h('div', { class: 'subtitle' }, n.name) : null,
        n.description ? h('p', { class: 'muted' }, n.description) : null,
        deletionNotice(n.status === 'pending_deletion' ? n.deletion_due : null)),
      h('a', { class: 'btn', href: '#/query?ns=' + encodeURIComponent(n.id) }, 'Query playground'));
    const md = Object.entries(n.metadata ?? {});
    mount(details,
      dt('Metric', n.metric),
      dt('Dimension', n.dimension ?? 'not set yet (the first upsert sets it)'),
      dt('Quantization', n.quantization ?? 'none'),
      dt('Default num_candidates', n.default_num_candidates ?? 'server default'),
      dt('Text search', n.text ? `${n.text.analyzer} analyzer` : h('span', { class: 'muted' }, 'none'), 'text'),
      dt('Embedding model', n.embedding ? n.embedding.model : h('span', { class: 'muted' }, 'none (clients send vectors)'), 'embedding'),
      dt('Created', fmt.dateTime(n.created_at)),
      dt('Updated', fmt.dateTime(n.updated_at)),
      dt('Metadata', md.length ? h('div', { class: 'tags' }, md.map(([k, v]) => h('span', { class: 'tag' }, `${k}: ${v}`))) : h('span', { class: 'muted' }, 'none')));
  }

  function showStats(s) {
    const q = ns.quotas;
    mount(usage,
      h('div', { class: 'util-block' }, h('div', { class: 'util-label' }, 'Vectors'), utilBar(s.vector_count, q.max_vectors, fmt.count)),
      h('div', { class: 'util-block' }, h('div', { class: 'util-label' }, 'Storage'), utilBar(s.storage_bytes, q.max_storage_bytes, fmt.bytes)),
      counter('Active', s.active_count, 'active_count'),
      counter('Deleted', s.deleted_count, 'deleted_count'),
      counter('Requests', s.total_requests, 'total_requests'),
      counter('Queries', s.total_queries, 'total_queries'),
      counter('Upserts', s.total_upserts, 'total_upserts'),
      counter('Deletes', s.total_deletes, 'total_deletes'));
    if (s.status !== ns.status || s.deletion_due !== ns.deletion_due) {
      showNamespace({ ...ns, status: s.status, deletion_due: s.deletion_due }); // changed elsewhere
    }
  }

  function drawChart() {
    const rates = (key) => samples.slice(1).map((x, i) => Math.max(0, (x[key] - samples[i][key]) / ((x.t - samples[i].t) / 1000)));
    const req = rates('requests');
    const qry = rates('queries');
    mount(chart, lineChart([{ color: 'var(--c-req)', values: req }, { color: 'var(--c-query)', values: qry }], SAMPLES - 1, chart.clientWidth));
    const last = (a) => (a.length ? fmt.rate(a[a.length - 1]) : '…');
    mount(chartNote,
      h('span', { class: 'legend legend-req' }, 'Requests ', h('b', { id: 'rate-requests' }, last(req))),
      h('span', { class: 'legend legend-query' }, 'Queries ', h('b', { id: 'rate-queries' }, last(qry))),
      h('span', { class: 'muted small' }, `every ${POLL_MS / 1000} s`));
  }

  async function poll() {
    timer = null;
    if (!document.hidden) {
      try {
        const s = await api.namespaceStats(id);
        if (disposed) return;
        samples.push({ t: performance.now(), requests: s.total_requests, queries: s.total_queries });
        if (samples.length > SAMPLES) samples.shift();
        showStats(s);
        drawChart();
      } catch (e) {
        if (disposed) return;
        mount(chartNote, errorBox(e));
        if (e.code === 'namespace_not_found') return; // deleted elsewhere: stop polling
      }
    }
    if (!disposed) timer = setTimeout(poll, POLL_MS);
  }

  async function saveQuotas(e) {
    e.preventDefault();
    const r = quotas.read(true);
    if (r.error) return mount(quotaResult, errorBox({ code: 'invalid_argument', message: r.error }));
    if (!Object.keys(r.values).length) return mount(quotaResult, okBox('Nothing changed.'));
    try {
      const n = await api.updateQuotas(id, r.values);
      showNamespace(n);
      quotas.fill(n.quotas);
      mount(quotaResult, okBox('Quotas saved.'));
    } catch (err) {
      mount(quotaResult, errorBox(err));
    }
  }

  async function changeStatus(e) {
    e.preventDefault();
    const target = statusSel.value;
    if (target === ns.status) return mount(statusResult, okBox(`Already ${fmt.statusLabel(target).toLowerCase()}.`));
    if (NEEDS_CONFIRM[target]) {
      const ok = await confirmDialog({
        title: `${fmt.statusLabel(target)}: ${id}?`, body: NEEDS_CONFIRM[target], confirmLabel: `Set ${fmt.statusLabel(target).toLowerCase()}`, danger: true,
      });
      if (!ok) return (statusSel.value = ns.status);
    }
    try {
      showNamespace(await api.updateStatus(id, target));
      mount(statusResult, okBox(`Status is now ${fmt.statusLabel(target).toLowerCase()}.`));
    } catch (err) {
      mount(statusResult, errorBox(err));
    }
  }

  async function remove() {
    const ok = await confirmDialog({
      title: `Delete ${id}?`, body: `This deletes the namespace and its ${fmt.count(ns.vector_count)} vectors for good.`,
      confirmLabel: 'Delete namespace', danger: true, typeToConfirm: id,
    });
    if (!ok) return;
    // Stop polling first: a poll landing after the delete would only fetch a 404.
    clearTimeout(timer);
    disposed = true;
    try {
      await api.deleteNamespace(id);
      location.hash = '#/';
    } catch (err) {
      disposed = false;
      mount(deleteResult, errorBox(err));
      poll();
    }
  }

  (async () => {
    try {
      const n = await api.getNamespace(id);
      if (disposed) return;
      layout();
      showNamespace(n);
      quotas.fill(n.quotas);
      drawChart();
      poll();
      keys.load();
    } catch (e) {
      if (!disposed) mount(root, h('a', { class: 'back', href: '#/' }, '← Namespaces'), errorBox(e));
    }
  })();

  return () => { disposed = true; clearTimeout(timer); };
}

function card(title, ...body) {
  return h('section', { class: 'card' }, h('h2', {}, title), body);
}

function dt(term, value, key) {
  return [h('dt', {}, term), h('dd', { 'data-detail': key }, value)];
}

function counter(label, value, key) {
  return h('div', { class: 'stat', 'data-stat': key, title: Number(value).toLocaleString('en-US') },
    h('div', { class: 'stat-value' }, fmt.count(value)), h('div', { class: 'stat-label' }, label));
}
