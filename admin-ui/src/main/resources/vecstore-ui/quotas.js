// The seven quota fields and the tiers (DESIGN.md §5), and the editable quota fieldset shared
// by the create form and the namespace page.
import { h } from './dom.js';

const MiB = 1024 * 1024;

// Storage is edited in MiB (tiers are 100 MiB and 10 GiB); the wire value is bytes.
export const QUOTA_FIELDS = [
  { key: 'max_vectors', label: 'Max vectors' },
  { key: 'max_storage_bytes', label: 'Max storage', unit: 'MiB', scale: MiB, decimals: true },
  { key: 'max_requests_per_second', label: 'Requests / second', decimals: true },
  { key: 'max_concurrent_queries', label: 'Concurrent queries' },
  { key: 'max_dimension', label: 'Max dimension' },
  { key: 'max_results_per_query', label: 'Max k per query' },
  { key: 'max_batch_size', label: 'Max batch size' },
];

const t = (v, b, r, c, d, k, bs) => ({
  max_vectors: v, max_storage_bytes: b, max_requests_per_second: r, max_concurrent_queries: c,
  max_dimension: d, max_results_per_query: k, max_batch_size: bs,
});

export const TIERS = {
  free: t(10_000, 100 * MiB, 10, 2, 1536, 100, 100),
  pro: t(1_000_000, 10 * 1024 * MiB, 100, 20, 4096, 1000, 1000),
  unlimited: t(null, null, null, null, null, null, null),
};

const toInput = (f, v) => (v === null || v === undefined ? '' : String(v / (f.scale ?? 1)));

/**
 * A fieldset with one input per quota, filled from `quotas`. An empty input means unlimited.
 * Returns {el, fill(quotas), read(onlyEdited) → {values} | {error}}; read(true) returns only the
 * fields the user typed in since the last fill, which is what a merge-semantics PUT wants.
 */
export function quotaFieldset(quotas, idPrefix) {
  const edited = new Set();
  const inputs = {};
  const rows = QUOTA_FIELDS.map((f) => {
    const id = `${idPrefix}-${f.key}`;
    inputs[f.key] = h('input', {
      id,
      name: f.key,
      type: 'text',
      inputMode: f.decimals ? 'decimal' : 'numeric',
      placeholder: 'unlimited',
      autocomplete: 'off',
      oninput: () => edited.add(f.key),
    });
    return h('div', { class: 'field' }, h('label', { for: id }, f.label, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null), inputs[f.key]);
  });

  function fill(q) {
    edited.clear();
    for (const f of QUOTA_FIELDS) inputs[f.key].value = toInput(f, q?.[f.key]);
  }

  function read(onlyEdited) {
    const values = {};
    for (const f of QUOTA_FIELDS) {
      if (onlyEdited && !edited.has(f.key)) continue;
      const raw = inputs[f.key].value.trim().replaceAll(',', '').replaceAll('_', '');
      if (raw === '') {
        values[f.key] = null; // null = unlimited, also in the merge PUT
        continue;
      }
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0 || (!f.decimals && !Number.isInteger(n))) {
        inputs[f.key].focus();
        return { error: `${f.label} must be ${f.decimals ? 'a' : 'a whole'} number ≥ 0, or empty for unlimited, got: ${raw}` };
      }
      values[f.key] = f.scale ? Math.round(n * f.scale) : n;
    }
    return { values };
  }

  fill(quotas);
  return { el: h('div', { class: 'quota-grid' }, rows), fill, read };
}
