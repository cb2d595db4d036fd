// Create-namespace form. The id is checked as the server checks it (DESIGN.md §5) for quick
// feedback, but the server decides: any error it returns is shown with its own message.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';
import { TIERS, quotaFieldset } from './quotas.js';

const ID_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

// The server's choices (HYBRID.md); fixed at create.
const TEXT_ANALYZERS = ['standard', 'english', 'simple', 'whitespace', 'german', 'french', 'spanish', 'italian', 'portuguese', 'dutch'];
const EMBEDDING_MODELS = ['all-minilm-l6-v2', 'bge-small-en-v1.5'];
// What every model fixes: the server refuses another dimension or metric with one.
const MODEL_DIMENSION = 384;
const MODEL_METRIC = 'cosine';

/** Why an id is invalid, or null when the server's rule accepts it. */
export function idProblem(id) {
  if (id === '') return 'Required.';
  if (id.length > 128) return `At most 128 characters, got ${id.length}.`;
  if (!/^[A-Za-z0-9]/.test(id)) return 'Must start with a letter or digit.';
  if (!ID_RULE.test(id)) return 'Only letters, digits, "_", "." and "-".';
  return null;
}

export function render(root) {
  const quotas = quotaFieldset(TIERS.pro, 'c');
  const idHint = h('div', { class: 'field-hint', id: 'c-id-hint' }, 'Letters, digits, "_", "." and "-"; starts with a letter or digit; up to 128.');
  const id = h('input', { id: 'c-id', name: 'id', required: true, autocomplete: 'off', spellcheck: false, 'aria-describedby': 'c-id-hint', autofocus: true });
  const name = h('input', { id: 'c-name', name: 'name', autocomplete: 'off' });
  const description = h('textarea', { id: 'c-description', name: 'description', rows: 2 });
  const metric = h('select', { id: 'c-metric', name: 'metric' },
    ['cosine', 'euclidean', 'dot_product'].map((m) => h('option', { value: m }, m)));
  const dimension = h('input', { id: 'c-dimension', name: 'dimension', inputMode: 'numeric', placeholder: 'set by the first upsert', autocomplete: 'off' });
  const analyzer = h('select', { id: 'c-text-analyzer', name: 'text-analyzer', 'aria-describedby': 'c-text-hint' },
    h('option', { value: '' }, 'None'), TEXT_ANALYZERS.map((a) => h('option', { value: a }, a)));
  const model = h('select', { id: 'c-embedding-model', name: 'embedding-model', 'aria-describedby': 'c-model-hint', onchange: modelChanged },
    h('option', { value: '' }, 'None (clients send vectors)'), EMBEDDING_MODELS.map((m) => h('option', { value: m }, m)));
  const modelHint = h('div', { class: 'field-hint', id: 'c-model-hint' }, 'The server turns texts (stored and queried) into vectors with it.');
  const fixedNote = h('p', { class: 'field-hint fixed-note', id: 'c-model-fixes', hidden: true },
    `The embedding model fixes the dimension (${MODEL_DIMENSION}) and the metric (${MODEL_METRIC}).`);
  const result = h('div', { class: 'form-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create namespace');

  id.addEventListener('input', () => {
    const p = id.value === '' ? null : idProblem(id.value);
    id.classList.toggle('invalid', p !== null);
    idHint.textContent = p ?? 'Letters, digits, "_", "." and "-"; starts with a letter or digit; up to 128.';
    idHint.classList.toggle('field-error', p !== null);
  });

  // The tier only fills the quota fields; what is sent is the seven (possibly edited) values.
  const tierPicker = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Tier' },
    Object.keys(TIERS).map((t) => h('label', {},
      h('input', { type: 'radio', name: 'tier', value: t, checked: t === 'pro', onchange: () => quotas.fill(TIERS[t]) }),
      h('span', {}, t[0].toUpperCase() + t.slice(1)))));

  const form = h('form', { class: 'card form form-page', novalidate: true, onsubmit },
    field('c-id', 'Id', id, idHint),
    field('c-name', 'Name', name, h('div', { class: 'field-hint' }, 'Optional; defaults to the id.')),
    field('c-description', 'Description', description),
    h('div', { class: 'row' },
      field('c-metric', 'Metric', metric),
      field('c-dimension', 'Dimension', dimension)),
    fixedNote,
    h('fieldset', {},
      h('legend', {}, 'Text'),
      h('p', { class: 'field-hint fieldset-intro' }, 'Optional. Records may then carry a text; both settings are fixed once the namespace is created.'),
      h('div', { class: 'row' },
        field('c-text-analyzer', 'Text search analyzer', analyzer,
          h('div', { class: 'field-hint', id: 'c-text-hint' }, 'A BM25 full-text field over the text, for keyword and hybrid queries.')),
        field('c-embedding-model', 'Embedding model', model, modelHint))),
    h('fieldset', {},
      h('legend', {}, 'Quotas'),
      tierPicker,
      h('p', { class: 'field-hint' }, 'Pick a tier to fill the quotas, then adjust. Empty means unlimited.'),
      quotas.el),
    result,
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/' }, 'Cancel'), submit));

  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'New namespace')), form);
  id.focus();

  // With a model, dimension and metric are the model's: shown, not editable. What was typed
  // before comes back when the model is taken off again.
  let typed = null;
  function modelChanged() {
    const fixed = model.value !== '';
    if (fixed && typed === null) {
      typed = { metric: metric.value, dimension: dimension.value };
      metric.value = MODEL_METRIC;
      dimension.value = String(MODEL_DIMENSION);
    } else if (!fixed && typed !== null) {
      ({ metric: metric.value, dimension: dimension.value } = typed);
      typed = null;
    }
    metric.disabled = fixed;
    dimension.disabled = fixed;
    fixedNote.hidden = !fixed;
    for (const el of [metric, dimension]) {
      if (fixed) el.setAttribute('aria-describedby', 'c-model-fixes');
      else el.removeAttribute('aria-describedby');
    }
  }

  async function onsubmit(e) {
    e.preventDefault();
    result.replaceChildren();
    const problem = idProblem(id.value);
    if (problem) {
      id.classList.add('invalid');
      id.focus();
      return mount(result, errorBox({ code: 'invalid_argument', message: `Id: ${problem}` }));
    }
    const q = quotas.read(false);
    if (q.error) return mount(result, errorBox({ code: 'invalid_argument', message: q.error }));
    const body = { id: id.value, quotas: q.values };
    if (analyzer.value) body.text = { analyzer: analyzer.value };
    if (model.value) body.embedding = { model: model.value }; // it sets dimension and metric
    else body.metric = metric.value;
    if (name.value.trim()) body.name = name.value.trim();
    if (description.value.trim()) body.description = description.value.trim();
    // A non-number is sent as typed so the server's message names the problem.
    const d = dimension.value.trim();
    if (d && !model.value) body.dimension = d !== '' && Number.isFinite(Number(d)) ? Number(d) : d;
    submit.disabled = true;
    try {
      const created = await api.createNamespace(body);
      location.hash = '#/ns/' + encodeURIComponent(created.id);
    } catch (err) {
      mount(result, errorBox(err));
      if (err.code === 'namespace_exists') {
        id.classList.add('invalid');
        id.focus();
      }
    } finally {
      submit.disabled = false;
    }
  }
}

function field(id, label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ?? null);
}
