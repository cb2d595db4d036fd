// A tiny element builder. Text always goes through text nodes, never innerHTML, so ids and
// metadata coming from tenants cannot inject markup.

/**
 * h('a', {href: '#/'}, 'Home'): attributes starting with "on" become listeners, `class`,
 * `for`, `list`, `data-*` and `aria-*` are set as attributes, anything else as a property
 * (value, checked, disabled…). Children may be strings, numbers, nodes, arrays or null.
 */
// Names that must be set as attributes: no property of that name, or a read-only one (list).
const ATTRIBUTES = new Set(['class', 'for', 'style', 'role', 'list']);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (ATTRIBUTES.has(k) || k.includes('-')) el.setAttribute(k, v === true ? '' : v);
    else el[k] = v;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces all children of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

const SVG = 'http://www.w3.org/2000/svg';

/** Like h() for SVG elements; every attribute is set as an attribute. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
  append(el, children);
  return el;
}
