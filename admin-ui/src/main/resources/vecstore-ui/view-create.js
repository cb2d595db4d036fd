// Create-namespace form. The id is checked as the server checks it (DESIGN.md §5) for quick
// feedback, but the server decides: any error it returns is shown with its own message.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';
import { TIERS, quotaFieldset } from './quotas.js';

const ID_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

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
    h('fieldset', {},
      h('legend', {}, 'Quotas'),
      tierPicker,
      h('p', { class: 'field-hint' }, 'Pick a tier to fill the quotas, then adjust. Empty means unlimited.'),
      quotas.el),
    result,
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: '#/' }, 'Cancel'), submit));

  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'New namespace')), form);
  id.focus();

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
    const body = { id: id.value, metric: metric.value, quotas: q.values };
    if (name.value.trim()) body.name = name.value.trim();
    if (description.value.trim()) body.description = description.value.trim();
    // A non-number is sent as typed so the server's message names the problem.
    const d = dimension.value.trim();
    if (d) body.dimension = d !== '' && Number.isFinite(Number(d)) ? Number(d) : d;
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
