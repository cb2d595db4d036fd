// The Plan and History cards of the namespace page: the namespace's plan (changed with or
// without the new plan's quotas, with or without overriding its ceilings) and its audit trail,
// newest first, a page at a time.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox, okBox } from './errors.js';
import * as fmt from './format.js';

const PAGE = 20;

/** The Plan card of namespace `nsId`: `el`, `show(namespace)` after any change, `load()` for the plan list. */
export function planCard(nsId, onChanged) {
  const select = h('select', { id: 'plan-select' });
  const reset = h('input', { type: 'checkbox', id: 'plan-reset' });
  const override = h('input', { type: 'checkbox', id: 'plan-override' });
  const policy = h('p', { class: 'field-hint', id: 'plan-policy' });
  const result = h('div', { 'aria-live': 'polite' });
  let plans = [];
  let current = null;

  const el = h('section', { class: 'card', id: 'plan-card' },
    h('h2', {}, 'Plan'),
    h('form', { class: 'inline-form', onsubmit: change },
      h('label', { class: 'sr-only', for: 'plan-select' }, 'Plan'), select,
      h('button', { type: 'submit', class: 'btn', id: 'plan-apply' }, 'Change plan')),
    h('label', { class: 'check', for: 'plan-reset' }, reset, ' Take the new plan’s quotas'),
    h('label', { class: 'check', for: 'plan-override' }, override, ' Override its ceilings (keep quotas above them)'),
    h('p', { class: 'field-hint' }, 'Kept quotas must be within the new plan’s ceilings, unless overridden.'),
    policy,
    result);

  function show(n) {
    current = n;
    fill();
    const own = n.quota_policy;
    const plan = plans.find((p) => p.name === n.plan);
    const applied = own ?? plan?.quota_policy ?? null;
    const grow = applied?.auto_grow;
    mount(policy, grow
      ? `Auto-grow ${grow.quota} ×${grow.factor} above ${fmt.percent(grow.when_utilization_above)} use, up to ${grow.up_to === 'ceiling' ? 'the ceiling' : fmt.count(grow.up_to)}, at most every ${grow.cooldown_minutes} min (${own ? 'its own policy' : 'the plan’s'}).`
      : own ? 'No automatic quota changes (its own policy).' : 'No automatic quota changes.');
  }

  function fill() {
    const names = plans.map((p) => p.name);
    if (current && !names.includes(current.plan)) names.push(current.plan);
    mount(select, names.map((p) => h('option', { value: p }, p)));
    if (current) select.value = current.plan;
  }

  async function load() {
    try {
      ({ plans } = await api.listPlans());
      if (current) show(current);
    } catch (e) {
      mount(result, errorBox(e));
    }
  }

  async function change(e) {
    e.preventDefault();
    const body = { plan: select.value };
    if (reset.checked) body.reset_quotas = true;
    if (override.checked) body.override = true;
    try {
      const n = await api.changePlan(nsId, body);
      reset.checked = false;
      override.checked = false;
      onChanged(n);
      mount(result, okBox(`Plan is now ${n.plan}.`));
    } catch (err) {
      if (current) select.value = current.plan;
      mount(result, errorBox(err));
    }
  }

  return { el, show, load };
}

/** The History card of namespace `nsId`: `el` and `load()` (from the newest again). */
export function historyCard(nsId) {
  const list = h('div', { id: 'events-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const more = h('button', { type: 'button', class: 'btn btn-small', id: 'events-more', hidden: true, onclick: older }, 'Older');
  const el = h('section', { class: 'card', id: 'history-card' },
    h('h2', {}, 'History'),
    h('p', { class: 'field-hint' }, 'Quota, plan, policy and status changes, newest first (the last 1,000 are kept).'),
    list, more);
  let rows = [];
  let cursor = null;

  async function load() {
    rows = [];
    cursor = null;
    await page();
  }

  async function older() {
    await page();
  }

  async function page() {
    try {
      const p = await api.namespaceEvents(nsId, { limit: PAGE, cursor });
      rows = rows.concat(p.events);
      cursor = p.next_cursor;
      more.hidden = cursor === null;
      mount(list, rows.length ? table(rows) : h('div', { class: 'empty small' }, 'No changes recorded.'));
    } catch (e) {
      mount(list, errorBox(e));
    }
  }

  return { el, load };
}

const head = ['When', 'Who', 'Change', 'Before', 'After'];

function table(events) {
  return h('table', { class: 'table responsive', id: 'events-table' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, events.map((e) => h('tr', { 'data-seq': e.seq, 'data-type': e.type, 'data-actor': e.actor },
      h('td', { 'data-label': head[0], class: 'small' }, fmt.dateTime(e.at)),
      h('td', { 'data-label': head[1] }, e.actor),
      h('td', { 'data-label': head[2] }, e.type.replace('_', ' '),
        e.override ? h('span', { class: 'badge badge-override', title: 'Passed a plan ceiling by the admin’s override' }, 'override') : null,
        e.reason ? h('div', { class: 'small muted' }, e.reason) : null),
      h('td', { 'data-label': head[3], class: 'small mono' }, value(e.old)),
      h('td', { 'data-label': head[4], class: 'small mono' }, value(e.new))))));
}

/** An event's old or new value, compact: `max_vectors: 10000`, a name, or `—`. */
function value(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'object') return String(v);
  if (v.quotas) return `plan ${v.plan}, ${v.status}`; // a created event
  const parts = Object.entries(v).map(([k, x]) => `${k}: ${x === null ? 'unlimited' : typeof x === 'object' ? JSON.stringify(x) : x}`);
  return parts.length ? parts.join(', ') : '{}';
}
