// The Keys card of the namespace page: the namespace's keys, creating one (its secret shown
// once, as the server shows it once) and revoking one.
import * as api from './api.js';
import { h, mount } from './dom.js';
import { errorBox, okBox } from './errors.js';
import * as fmt from './format.js';
import { confirmDialog } from './widgets.js';

const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/; // as the server checks it
const ROLES = [['read', 'read: query and fetch'], ['write', 'write: also upsert and delete']];

/** The card for namespace `nsId`: `el` to place, `load()` to fill (and refill) the list. */
export function keysCard(nsId) {
  const list = h('div', { id: 'keys-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const name = h('input', { id: 'k-name', autocomplete: 'off', spellcheck: false, placeholder: 'e.g. search-frontend', 'aria-describedby': 'k-name-hint' });
  const role = h('select', { id: 'k-role' }, ROLES.map(([v, label]) => h('option', { value: v }, label)));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'k-create' }, 'Create key');
  const result = h('div', { 'aria-live': 'polite' });
  const secret = h('div', { id: 'k-secret-slot' }); // the new key's secret, until "Done"
  let secretOf = null; // name of the key whose secret is on screen

  const el = h('section', { class: 'card', id: 'keys-card' },
    h('h2', {}, 'Keys'),
    h('p', { class: 'field-hint keys-intro' },
      'A namespace key opens this namespace’s data routes only: read keys query and fetch, write keys also upsert and delete. Applications send it as ',
      h('code', {}, 'Authorization: Bearer <key>'), '.'),
    list,
    h('form', { class: 'key-form', id: 'key-form', novalidate: true, onsubmit: create },
      h('h3', {}, 'New key'),
      h('div', { class: 'row' },
        h('div', { class: 'field grow' }, h('label', { for: 'k-name' }, 'Name'), name),
        h('div', { class: 'field' }, h('label', { for: 'k-role' }, 'Role'), role),
        h('div', { class: 'field field-button' }, submit)),
      h('p', { class: 'field-hint', id: 'k-name-hint' }, 'Letters, digits, "_", "." and "-"; starts with a letter or digit; up to 64.')),
    result,
    secret);

  async function load() {
    try {
      const { keys } = await api.listKeys(nsId);
      mount(list, keys.length ? keyTable(keys, revoke) : h('div', { class: 'empty small', id: 'keys-empty' }, 'No keys yet.'));
    } catch (e) {
      mount(list, errorBox(e));
    }
  }

  async function create(e) {
    e.preventDefault();
    name.classList.remove('invalid');
    mount(result);
    hideSecret();
    const n = name.value.trim();
    const problem = n === '' ? 'Give the key a name.' : NAME_RULE.test(n) ? null : 'Only letters, digits, "_", "." and "-", starting with a letter or digit, up to 64.';
    if (problem) {
      name.classList.add('invalid');
      return mount(result, errorBox({ code: 'invalid_argument', message: problem }));
    }
    submit.disabled = true;
    try {
      const k = await api.createKey(nsId, n, role.value);
      name.value = '';
      showSecret(k);
      await load();
    } catch (err) {
      if (err.code === 'key_exists' || err.code === 'invalid_argument') name.classList.add('invalid');
      mount(result, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  }

  async function revoke(keyName) {
    const ok = await confirmDialog({
      title: `Revoke key ${keyName}?`,
      body: 'Applications using this key get 401 from their next request on. This cannot be undone.',
      confirmLabel: 'Revoke key', danger: true,
    });
    if (!ok) return;
    try {
      await api.revokeKey(nsId, keyName);
      if (secretOf === keyName) hideSecret();
      mount(result, okBox(`Key ${keyName} revoked.`));
    } catch (err) {
      mount(result, errorBox(err));
    }
    await load();
  }

  function showSecret(k) {
    secretOf = k.name;
    const value = h('input', { id: 'k-secret', readOnly: true, value: k.key, spellcheck: false, autocomplete: 'off', 'aria-label': `Key ${k.name}`, onfocus: () => value.select() });
    const note = h('span', { class: 'copy-note', id: 'k-copy-note', 'aria-live': 'polite' });
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(k.key); // undefined outside secure contexts (plain http on a remote host)
        note.textContent = 'Copied to the clipboard.';
      } catch {
        value.focus();
        value.select();
        note.textContent = document.execCommand('copy') ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C) to copy.';
      }
    };
    mount(secret, h('div', { class: 'secret-panel', id: 'k-secret-panel', role: 'status' },
      h('strong', {}, `Key ${k.name} created (${k.role}).`),
      h('p', {}, 'Copy it now: it will not be shown again. The server keeps only a salted hash of it; a lost key cannot be recovered, only revoked and replaced.'),
      h('div', { class: 'secret-row' },
        value,
        h('button', { type: 'button', class: 'btn btn-primary', id: 'k-copy', onclick: copy }, 'Copy'),
        h('button', { type: 'button', class: 'btn', id: 'k-done', onclick: hideSecret }, 'Done')),
      note));
  }

  function hideSecret() {
    secretOf = null;
    mount(secret);
  }

  return { el, load };
}

function keyTable(keys, revoke) {
  const head = ['Name', 'Role', 'Created', 'Last used', ''];
  return h('table', { class: 'table responsive', id: 'keys-table' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c || h('span', { class: 'sr-only' }, 'Actions'))))),
    h('tbody', {}, keys.map((k) => h('tr', { 'data-name': k.name },
      h('td', { 'data-label': head[0], class: 'key-name' }, k.name),
      h('td', { 'data-label': head[1] }, h('span', { class: `badge badge-role badge-role-${k.role}`, 'data-role': k.role }, k.role)),
      h('td', { 'data-label': head[2], class: 'small' }, fmt.dateTime(k.created_at)),
      h('td', { 'data-label': head[3], class: 'small' }, k.last_used_at ? fmt.dateTime(k.last_used_at) : h('span', { class: 'muted' }, 'never')),
      h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', 'data-revoke': k.name, onclick: () => revoke(k.name) }, 'Revoke'))))));
}
