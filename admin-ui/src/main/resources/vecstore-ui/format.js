// Human-readable numbers. Pure functions, no DOM.

// Three significant digits at most, without trailing zeros after the point ("1.2", "340").
const trim = (x) => {
  const s = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

/** 1234 → "1.23 k", 1200000 → "1.2 M"; below 10,000 the exact number with separators. */
export function count(n) {
  if (n === null || n === undefined) return '—';
  if (Math.abs(n) < 10_000) return Math.round(n).toLocaleString('en-US');
  for (const [v, unit] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']]) {
    if (Math.abs(n) >= v) return `${trim(n / v)} ${unit}`;
  }
  return String(n);
}

/** 356515840 → "340 MiB" (binary units, as the tiers are defined: 100 MiB, 10 GiB). */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)} ${units[i]}`;
}

/** 0.8312 → "83%"; tiny but non-zero values show as "<1%" so they do not read as empty. */
export function percent(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  const p = ratio * 100;
  if (p > 0 && p < 1) return '<1%';
  return `${Math.round(p)}%`;
}

/** Per-second rates with one decimal below 10 ("0.5/s", "12/s"). */
export function rate(r) {
  return `${r < 10 ? (Math.round(r * 10) / 10).toString() : Math.round(r).toLocaleString('en-US')}/s`;
}

/** ISO-8601 → local "2026-11-24 11:53" (seconds dropped: they are noise in a dashboard). */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Status wire name → label. */
export function statusLabel(s) {
  return { active: 'Active', read_only: 'Read-only', suspended: 'Suspended', pending_deletion: 'Pending deletion' }[s] ?? s;
}

/** Time until an ISO-8601 instant: "6 d 23 h", "5 h 12 min", "3 min", or "less than a minute". */
export function timeLeft(iso, nowMs = Date.now()) {
  const ms = new Date(iso).getTime() - nowMs;
  if (Number.isNaN(ms)) return '—';
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'less than a minute';
  const d = Math.floor(min / 1440), hr = Math.floor((min % 1440) / 60), m = min % 60;
  if (d > 0) return `${d} d ${hr} h`;
  if (hr > 0) return `${hr} h ${m} min`;
  return `${m} min`;
}
