// Query playground: query a namespace with a text, a stored vector (by id) or a pasted one, or
// a text and a vector together (hybrid). Inputs are sent as typed where they are not numbers, so
// the server's message explains them.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';

// Which input an error code points at, to outline it.
const FIELD_OF = { invalid_filter: 'p-filter', dimension_mismatch: 'p-vector', vector_not_found: 'p-vid', namespace_not_found: 'p-ns' };
// The searches a query may run (REST "mode"); auto sends none: the server runs every one the
// query and namespace allow.
const SEARCH_MODES = [['auto', 'Auto'], ['vector', 'Vector'], ['keyword', 'Keyword'], ['hybrid', 'Hybrid']];

export function render(root, _params, query) {
  let disposed = false;
  const nsList = h('datalist', { id: 'p-ns-list' });
  const ns = h('input', { id: 'p-ns', list: 'p-ns-list', value: query.get('ns') ?? '', autocomplete: 'off', spellcheck: false, required: true });
  const vid = h('input', { id: 'p-vid', autocomplete: 'off', spellcheck: false, placeholder: 'id of a stored vector' });
  const vector = h('textarea', { id: 'p-vector', rows: 3, spellcheck: false, placeholder: '[0.1, 0.2, 0.3] or 0.1 0.2 0.3' });
  const text = h('input', { id: 'p-text', autocomplete: 'off', placeholder: 'words to search for', 'aria-describedby': 'p-text-hint' });
  const includeText = h('input', { type: 'checkbox', id: 'p-include-text', checked: true });
  const k = h('input', { id: 'p-k', value: '10', inputMode: 'numeric', autocomplete: 'off' });
  const filter = h('input', { id: 'p-filter', autocomplete: 'off', spellcheck: false, placeholder: "category = 'tech' AND year >= 2020" });
  const out = h('div', { id: 'p-out', 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', class: 'btn btn-primary', id: 'p-run' }, 'Run query');

  const vectorHint = () => h('div', { class: 'field-hint' }, 'Optional when a query text is given.');
  const byId = h('div', { class: 'field' }, h('label', { for: 'p-vid' }, 'Stored vector id'), vid, vectorHint());
  const pasted = h('div', { class: 'field', hidden: true }, h('label', { for: 'p-vector' }, 'Vector'), vector, vectorHint());
  const mode = (m) => { byId.hidden = m !== 'id'; pasted.hidden = m !== 'paste'; };
  const modePicker = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Query vector' },
    [['id', 'Stored vector'], ['paste', 'Paste a vector']].map(([v, label]) => h('label', {},
      h('input', { type: 'radio', name: 'p-mode', value: v, checked: v === 'id', onchange: () => mode(v) }),
      h('span', {}, label))));
  const searchPicker = h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'p-search-label', id: 'p-search' },
    SEARCH_MODES.map(([v, label]) => h('label', {},
      h('input', { type: 'radio', name: 'p-search', value: v, checked: v === 'auto' }),
      h('span', {}, label))));

  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Query playground')),
    h('form', { class: 'card form form-page', novalidate: true, onsubmit },
      h('div', { class: 'row' },
        h('div', { class: 'field grow' }, h('label', { for: 'p-ns' }, 'Namespace'), ns, nsList),
        h('div', { class: 'field narrow' }, h('label', { for: 'p-k' }, 'k'), k)),
      h('div', { class: 'field' }, h('label', { for: 'p-text' }, 'Query text'), text,
        h('div', { class: 'field-hint', id: 'p-text-hint' },
          'Optional with a vector. Searched by keywords where the namespace has a text analyzer, embedded where it has an embedding model.')),
      modePicker, byId, pasted,
      h('div', { class: 'field' }, h('span', { class: 'field-label', id: 'p-search-label' }, 'Search mode'),
        h('div', { class: 'controls' }, searchPicker, h('label', { class: 'check', for: 'p-include-text' }, includeText, 'Include text in results')),
        h('div', { class: 'field-hint' }, 'Auto runs every search the query and namespace allow: hybrid when both are possible.')),
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
      const queryText = text.value.trim() ? text.value : null;
      let values = null; // none: a text query
      if (!byId.hidden) {
        if (vid.value) values = (await api.fetchVector(target, vid.value)).values;
        else if (queryText === null) return fail({ code: 'invalid_argument', message: 'Type a query text or the id of a stored vector, or paste a vector.' }, 'p-vid');
      } else if (vector.value.trim()) {
        values = parseVector(vector.value);
        if (typeof values === 'string') return fail({ code: 'invalid_argument', message: values }, 'p-vector');
      } else if (queryText === null) {
        return fail({ code: 'invalid_argument', message: 'Type a query text, or paste a vector, e.g. [0.1, 0.2, 0.3].' }, 'p-vector');
      }
      const kv = k.value.trim();
      const body = {};
      if (values !== null) body.vector = values;
      if (queryText !== null) body.text = queryText;
      const searchMode = root.querySelector('input[name=p-search]:checked').value;
      if (searchMode !== 'auto') body.mode = searchMode;
      body.k = kv !== '' && Number.isFinite(Number(kv)) ? Number(kv) : kv;
      body.include_metadata = true;
      if (includeText.checked) body.include_text = true;
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
    // Ranks come with every text query, texts when asked for and stored: columns only then.
    const columns = [
      ['#', 'muted', (r, i) => i + 1],
      ['Id', null, (r) => h('a', { href: '#', title: 'Query with this vector', onclick: (e) => { e.preventDefault(); useId(r.id); } }, r.id)],
      ['Distance', 'num cell-distance', (r) => (r.distance === null || r.distance === undefined
        ? h('span', { class: 'muted', title: 'No vector: a keyword search' }, '—') : r.distance.toFixed(4))],
      ['Score', 'num cell-score', (r) => r.score.toFixed(4)],
      results.some((r) => r.ranks) ? ['Ranks', 'cell-ranks', (r) => ranks(r.ranks)] : null,
      results.some((r) => typeof r.text === 'string') ? ['Text', 'cell-text', (r) => (typeof r.text === 'string'
        ? h('div', { class: 'result-text', title: r.text }, r.text) : h('span', { class: 'muted' }, '—'))] : null,
      ['Metadata', null, (r) => (r.metadata ? h('code', { class: 'json' }, JSON.stringify(r.metadata)) : h('span', { class: 'muted' }, '—'))],
    ].filter(Boolean);
    mount(out, h('section', { class: 'card' },
      h('h2', {}, `${results.length} result${results.length === 1 ? '' : 's'} `, h('span', { class: 'muted small' }, `in ${Math.round(ms)} ms`)),
      results.length === 0 ? h('p', { class: 'muted' }, 'Nothing matched.') : h('table', { class: 'table responsive', id: 'p-results' },
        h('thead', {}, h('tr', {}, columns.map(([name, cls]) => h('th', { scope: 'col', class: cls?.startsWith('num') ? 'num' : null }, name)))),
        h('tbody', {}, results.map((r, i) => h('tr', { 'data-id': r.id },
          columns.map(([name, cls, cell]) => h('td', { 'data-label': name, class: cls }, cell(r, i)))))))));
  }

  function useId(id) {
    root.querySelector('input[name=p-mode][value=id]').checked = true;
    mode('id');
    vid.value = id;
    run.click();
  }

  return () => { disposed = true; };
}

/**
 * A result's rank in each search of a text query, "v3 · k1": 3rd of the vector search, 1st of
 * the keyword search; "—" where that search did not find it (or did not run).
 */
export function ranks(r) {
  if (!r) return h('span', { class: 'muted' }, '—');
  const leg = (n) => (n === null || n === undefined ? '—' : n);
  const said = (n, of) => `${of} search: ${n === null || n === undefined ? 'not found' : 'rank ' + n}`;
  return h('span', { class: 'ranks', title: `${said(r.vector, 'Vector')}; ${said(r.keyword, 'keyword')}`,
    'data-vector': r.vector ?? null, 'data-keyword': r.keyword ?? null }, `v${leg(r.vector)} · k${leg(r.keyword)}`);
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
