// A dependency-free SVG line chart for a few short series (the live requests/s chart).
import { s } from './dom.js';

const H = 150;
const PAD = { top: 10, right: 8, bottom: 18, left: 36 };

/**
 * Renders `series` ([{label, color, values:[number]}], all the same length, oldest first)
 * into a new <svg> drawn at `width` CSS pixels (the container's width, so text is not scaled).
 * `capacity` fixes the x axis so the line grows from the right as samples arrive.
 */
export function lineChart(series, capacity, width) {
  const W = Math.max(200, Math.round(width));
  const max = niceMax(Math.max(1, ...series.flatMap((x) => x.values)));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i, n) => PAD.left + iw - ((n - 1 - i) * iw) / Math.max(1, capacity - 1);
  const y = (v) => PAD.top + ih - (v / max) * ih;

  const grid = [0, 0.5, 1].map((f) => {
    const v = max * f;
    return [
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'chart-grid' }),
      s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'chart-label' }, fmt(v)),
    ];
  });
  const lines = series.map(({ color, values }) =>
    values.length < 2
      ? null
      : s('polyline', {
          points: values.map((v, i) => `${x(i, values.length).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
          'stroke-linejoin': 'round',
          'vector-effect': 'non-scaling-stroke',
        }),
  );
  const axis = [
    s('text', { x: PAD.left, y: H - 4, class: 'chart-label' }, '2 min ago'),
    s('text', { x: W - PAD.right, y: H - 4, 'text-anchor': 'end', class: 'chart-label' }, 'now'),
  ];
  return s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'requests per second' },
    grid,
    lines,
    axis,
  );
}

// Rounds the y axis up to 1, 2 or 5 × 10^n so the grid labels are readable.
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

const fmt = (v) => (v >= 10 || v === 0 ? Math.round(v) : v.toFixed(1)).toString();
