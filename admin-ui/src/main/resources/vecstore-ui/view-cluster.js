// Cluster page: the nodes of a cluster with their load and namespaces, and what is moving or
// waiting for its owner. On a single server (GET /admin/cluster is 404 route_not_found) it says so.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox } from './errors.js';
import * as fmt from './format.js';

const REFRESH_MS = 5000;

export function render(root) {
  let disposed = false;
  const body = h('div', { class: 'cluster-slot' }, h('p', { class: 'muted' }, 'Loading…'));
  mount(root,
    h('div', { class: 'page-head' },
      h('h1', {}, 'Cluster'),
      h('button', { type: 'button', class: 'btn', onclick: () => load() }, 'Refresh')),
    body);

  let timer;
  async function load() {
    clearTimeout(timer);
    try {
      const c = await api.clusterStatus();
      if (disposed) return;
      mount(body, view(c));
    } catch (e) {
      if (disposed) return;
      mount(body, e.code === 'route_not_found'
        ? h('div', { class: 'empty', id: 'not-clustered' }, 'This server runs alone, not in a cluster (start it with --cluster to join one).')
        : errorBox(e));
    }
    if (!disposed) timer = setTimeout(load, REFRESH_MS);
  }

  load();
  return () => { disposed = true; clearTimeout(timer); };
}

function view(c) {
  const total = c.nodes.reduce((sum, n) => sum + n.namespace_count, 0) || 1;
  return [
    h('div', { class: 'figures' },
      figure('Live nodes', fmt.count(c.live_nodes), 'nodes'),
      figure('Namespaces', fmt.count(c.namespaces_total), 'namespaces'),
      figure('Moving', fmt.count(c.moving.length), 'moving'),
      figure('Owner down', fmt.count(c.owner_down.length), 'owner-down'),
      figure('This node', c.node_id + (c.leader ? ' · leader' : ''), 'self')),
    c.writes_allowed ? null : h('div', { class: 'alert alert-error', role: 'alert' },
      'This node is out of contact with ZooKeeper: it refuses writes (503 not_owner) until it is back.'),
    h('table', { class: 'table responsive', id: 'node-table' },
      h('thead', {}, h('tr', {}, ['Node', 'State', 'Namespaces', 'Vectors', 'Storage', 'Address'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, c.nodes.map((n) => h('tr', { 'data-node': n.node_id },
        h('td', { 'data-label': 'Node' }, h('strong', {}, n.node_id), n.this_node ? h('span', { class: 'muted small' }, ' (this node)') : null),
        h('td', { 'data-label': 'State' }, h('span', { class: 'badge ' + (n.state === 'active' ? 'badge-active' : 'badge-pending_deletion') }, n.state)),
        h('td', { 'data-label': 'Namespaces', class: 'cell-count' }, fmt.count(n.namespace_count),
          h('div', { class: 'muted small' }, fmt.percent(n.namespace_count / total))),
        h('td', { 'data-label': 'Vectors' }, fmt.count(n.load.vectors)),
        h('td', { 'data-label': 'Storage' }, fmt.bytes(n.load.storage_bytes)),
        h('td', { 'data-label': 'Address', class: 'muted small' }, n.advertise_url, n.grpc_address ? h('div', {}, 'gRPC ' + n.grpc_address) : null))))),
    c.moving.length ? section('Moving', c.moving.map((m) => `${m.namespace}: ${m.from} → ${m.to}`)) : null,
    c.owner_down.length ? section('Waiting for their owner (503 owner_down)', c.owner_down.map((o) => `${o.namespace} on ${o.owner}`)) : null,
    h('details', { class: 'card' }, h('summary', {}, 'Namespaces per node'),
      c.nodes.map((n) => h('div', { class: 'node-namespaces' }, h('h3', {}, n.node_id),
        h('p', { class: 'small' }, n.namespaces.map((id, i) => [i ? ', ' : '', h('a', { href: '#/ns/' + encodeURIComponent(id) }, id)]),
          n.namespaces_truncated ? ' …' : '')))),
  ];
}

function section(title, lines) {
  return h('div', { class: 'card' }, h('h2', {}, title), h('ul', {}, lines.map((l) => h('li', {}, l))));
}

function figure(label, value, key) {
  return h('div', { class: 'figure', 'data-figure': key }, h('div', { class: 'figure-value' }, value), h('div', { class: 'figure-label' }, label));
}
