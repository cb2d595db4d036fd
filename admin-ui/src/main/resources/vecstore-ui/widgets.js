// Small pieces shared by several views: status badge, utilization bar, confirm dialog.
import { h } from './dom.js';
import * as fmt from './format.js';

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}`, 'data-status': status }, fmt.statusLabel(status));
}

/** The near-quota flag of a namespace object: amber above 80%, red once a quota is full. */
export function quotaFlag(n) {
  if (!n.is_near_quota && n.quota_utilization < 1) return null;
  const full = n.quota_utilization >= 1;
  return h('span', { class: full ? 'near-quota quota-full' : 'near-quota', title: `Quota utilization ${fmt.percent(n.quota_utilization)}` },
    full ? '⚠ Quota full' : '⚠ Near quota');
}

/** Level of a used/limit ratio, as in the issue: amber above 80%, red at 100%. */
export function level(ratio) {
  return ratio >= 1 ? 'full' : ratio > 0.8 ? 'warn' : 'ok';
}

/**
 * A bar for `used` of `limit` with a caption made by `show` (fmt.count or fmt.bytes).
 * No bar for an unlimited quota (limit null): only the used amount.
 */
export function utilBar(used, limit, show) {
  if (limit === null || limit === undefined) {
    return h('div', { class: 'util' }, h('span', { class: 'util-text' }, `${show(used)} `, h('span', { class: 'muted' }, '/ unlimited')));
  }
  const ratio = limit === 0 ? (used > 0 ? 1 : 0) : used / limit;
  const pct = Math.min(100, ratio * 100);
  return h(
    'div',
    { class: `util util-${level(ratio)}`, title: `${fmt.percent(ratio)} of ${show(limit)}` },
    h('div', { class: 'util-bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct) },
      h('div', { class: 'util-fill', style: `width:${pct.toFixed(1)}%` })),
    h('span', { class: 'util-text' }, `${show(used)} / ${show(limit)}`, h('span', { class: 'muted' }, ` · ${fmt.percent(ratio)}`)),
  );
}

/**
 * Asks for confirmation in a modal <dialog>. With `typeToConfirm`, the confirm button stays
 * disabled until that exact text is typed (for deletes). Resolves true on confirm.
 */
export function confirmDialog({ title, body, confirmLabel, danger = false, typeToConfirm = null }) {
  return new Promise((resolve) => {
    const input = typeToConfirm === null ? null : h('input', {
      type: 'text', autocomplete: 'off', spellcheck: false, 'aria-label': 'Type the id to confirm',
      oninput: () => { ok.disabled = input.value !== typeToConfirm; },
    });
    const ok = h('button', { type: 'submit', value: 'ok', class: danger ? 'btn btn-danger' : 'btn btn-primary', disabled: input !== null }, confirmLabel);
    const dlg = h(
      'dialog',
      { class: 'dialog', onclose: () => { dlg.remove(); resolve(dlg.returnValue === 'ok'); } },
      h('form', { method: 'dialog' },
        h('h2', {}, title),
        h('p', {}, body),
        input ? h('label', { class: 'confirm-label' }, 'Type ', h('code', {}, typeToConfirm), ' to confirm', input) : null,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'btn', formNoValidate: true }, 'Cancel'),
          ok)),
    );
    document.body.append(dlg);
    dlg.showModal();
    (input ?? ok).focus();
  });
}
