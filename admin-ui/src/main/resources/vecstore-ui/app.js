// Entry point: a hash router. Each view is `render(root, params, query) → cleanup?`; the
// cleanup (stopping a poller, say) runs before the next view renders.
import { setupAuth } from './auth.js';
import { mount, h } from './dom.js';
import { errorBox } from './errors.js';
import * as list from './view-list.js';
import * as create from './view-create.js';
import * as namespace from './view-namespace.js';
import * as playground from './view-query.js';
import * as cluster from './view-cluster.js';

// Route patterns over the part of the hash before '?'; ids are URI-encoded in links.
const ROUTES = [
  [/^\/$/, list.render, 'namespaces'],
  [/^\/new$/, create.render, 'namespaces'],
  [/^\/ns\/([^/]+)$/, namespace.render, 'namespaces'],
  [/^\/query$/, playground.render, 'query'],
  [/^\/cluster$/, cluster.render, 'cluster'],
];

const root = document.getElementById('view');
let cleanup = null;

function route() {
  if (cleanup) cleanup();
  cleanup = null;
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = hash.split('?');
  const query = new URLSearchParams(qs);
  for (const [re, render, nav] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
    try {
      cleanup = render(root, m.slice(1).map(decodeURIComponent), query) ?? null;
    } catch (e) {
      mount(root, errorBox(e));
    }
    window.scrollTo(0, 0);
    return;
  }
  mount(root, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Back to namespaces')));
}

setupAuth(document.getElementById('auth'), route);
window.addEventListener('hashchange', route);
route();
