// Query playground: query a namespace with a stored vector (by id) or a pasted one.
// Inputs are sent as typed where they are not numbers, so the server's message explains them.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';

// Which input an error code points at, to outline it.
const FIELD_OF = { invalid_filter: 'p-filter', dimension_mismatch: 'p-vector', vector_not_found: 'p-vid', namespace_not_found: 'p-ns' };

export function render(root, _params, query) {
  let disposed = false;
  const nsList = h('datalist', { id: 'p-ns-list' });
  const ns = h('input', { id: 'p-ns', list: 'p-ns-list', value: query.get('ns') ?? '', autocomplete: 'off', spellcheck: false, required: true });
  const vid = h('input', { id: 'p-vid', autocomplete: 'off', spellcheck: false, placeholder: 'id of a stored vector' });
  const vector = h('textarea', { id: 'p-vector', rows: 3, spellcheck: false, placeholder: '[0.1, 0.2, 0.3] or 0.1 0.2 0.3' });
  const k = h('input', { id: 'p-k', value: '10', inputMode: 'numeric', autocomplete: 'off' });
  const filter = h('input', { id: 'p-filter', autocomplete: 'off', spellcheck: false, placeholder: "category = 'tech' AND year >= 2020" });
  const out = h('div', { id: 'p-out', 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', class: 'btn btn-primary', id: 'p-run' }, 'Run query');

  const byId = h('div', { class: 'field' }, h('label', { for: 'p-vid' }, 'Stored vector id'), vid);
  const pasted = h('div', { class: 'field', hidden: true }, h('label', { for: 'p-vector' }, 'Vector'), vector);
  const mode = (m) => { byId.hidden = m !== 'id'; pasted.hidden = m !== 'paste'; };
  const modePicker = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Query vector' },
    [['id', 'Stored vector'], ['paste', 'Paste a vector']].map(([v, label]) => h('label', {},
      h('input', { type: 'radio', name: 'p-mode', value: v, checked: v === 'id', onchange: () => mode(v) }),
      h('span', {}, label))));

  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Query playground')),
    h('form', { class: 'card form form-page', novalidate: true, onsubmit },
      h('div', { class: 'row' },
        h('div', { class: 'field grow' }, h('label', { for: 'p-ns' }, 'Namespace'), ns, nsList),
        h('div', { class: 'field narrow' }, h('label', { for: 'p-k' }, 'k'), k)),
      modePicker, byId, pasted,
      h('div', { class: 'field' }, h('label', { for: 'p-filter' }, 'Filter'), filter,
        h('div', { class: 'field-hint' }, 'Optional; string form, e.g. ', h('code', {}, "category = 'tech'"))),
      h('div', { class: 'actions' }, run)),
    out);

  // Suggestions for the namespace box; the playground works without them.
  api.listNamespaces({ limit: 100 }).then((r) => {
    if (!disposed) mount(nsList, r.namespaces.map((n) => h('option', { value: n.id })));
  }, () => {});

  async function onsubmit(e) {
    e.preventDefault();
    for (const el of root.querySelectorAll('.invalid')) el.classList.remove('invalid');
    mount(out);
    const target = ns.value.trim();
    if (!target) return fail({ code: 'invalid_argument', message: 'Pick a namespace.' }, 'p-ns');
    run.disabled = true;
    const started = performance.now();
    try {
      let values;
      if (!byId.hidden) {
        if (!vid.value) return fail({ code: 'invalid_argument', message: 'Type the id of a stored vector, or paste a vector.' }, 'p-vid');
        values = (await api.fetchVector(target, vid.value)).values;
      } else {
        values = parseVector(vector.value);
        if (typeof values === 'string') return fail({ code: 'invalid_argument', message: values }, 'p-vector');
      }
      const kv = k.value.trim();
      const body = { vector: values, k: kv !== '' && Number.isFinite(Number(kv)) ? Number(kv) : kv, include_metadata: true };
      if (filter.value.trim()) body.filter = filter.value.trim();
      const res = await api.query(target, body);
      if (!disposed) showResults(res.results, performance.now() - started);
    } catch (err) {
      if (!disposed) fail(err, FIELD_OF[err.code]);
    } finally {
      run.disabled = false;
    }
  }

  function fail(err, fieldId) {
    mount(out, errorBox(err));
    if (fieldId) root.querySelector('#' + fieldId)?.classList.add('invalid');
  }

  function showResults(results, ms) {
    const head = ['#', 'Id', 'Distance', 'Score', 'Metadata'];
    mount(out, h('section', { class: 'card' },
      h('h2', {}, `${results.length} result${results.length === 1 ? '' : 's'} `, h('span', { class: 'muted small' }, `in ${Math.round(ms)} ms`)),
      results.length === 0 ? h('p', { class: 'muted' }, 'No vector matched.') : h('table', { class: 'table responsive', id: 'p-results' },
        h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col', class: c === 'Distance' || c === 'Score' ? 'num' : null }, c)))),
        h('tbody', {}, results.map((r, i) => h('tr', { 'data-id': r.id },
          h('td', { 'data-label': head[0], class: 'muted' }, i + 1),
          h('td', { 'data-label': head[1] }, h('a', { href: '#', title: 'Query with this vector', onclick: (e) => { e.preventDefault(); useId(r.id); } }, r.id)),
          h('td', { 'data-label': head[2], class: 'num' }, r.distance.toFixed(4)),
          h('td', { 'data-label': head[3], class: 'num' }, r.score.toFixed(4)),
          h('td', { 'data-label': head[4] }, r.metadata ? h('code', { class: 'json' }, JSON.stringify(r.metadata)) : h('span', { class: 'muted' }, '—'))))))));
  }

  function useId(id) {
    root.querySelector('input[name=p-mode][value=id]').checked = true;
    mode('id');
    vid.value = id;
    run.click();
  }

  return () => { disposed = true; };
}

/** "[1, 2]" or "1 2" or "1,2" → [1, 2]; a string when it is not a list of numbers. */
export function parseVector(text) {
  const t = text.trim();
  if (!t) return 'Paste a vector, e.g. [0.1, 0.2, 0.3].';
  const parts = t.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => !Number.isFinite(values[i]));
  return bad >= 0 ? `Value ${bad + 1} is not a number: ${parts[bad]}` : values;
}
