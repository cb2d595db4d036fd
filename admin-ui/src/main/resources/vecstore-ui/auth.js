// The API key prompt and the top bar's key indicator. The key itself lives in api.js, in
// memory only; this module only asks for it, checks it once and hands it over.
import * as api from './api.js';
import { h, mount, s } from './dom.js';
import { errorBox } from './errors.js';

let open = null; // the promise of the prompt on screen: one prompt, however many requests wait

/**
 * Installs the prompt for api.js's 401 answers and draws the key indicator into `slot`.
 * `rerender` redraws the current view: after "Forget key", and after a key entered from the
 * top bar (keys entered because a request was refused need none: that request is retried).
 */
export function setupAuth(slot, rerender) {
  api.setKeyPrompt(askForKey);
  const draw = () => {
    const { held, kind, required } = api.keyState();
    if (held) {
      mount(slot,
        h('span', { class: 'key-held', id: 'key-indicator', title: 'Held in this tab’s memory only: a reload forgets it' },
          keyIcon(), kind === 'admin' ? 'Admin key' : 'Namespace key'),
        h('button', { type: 'button', class: 'btn btn-topbar', id: 'key-forget', onclick: () => { api.forgetKey(); rerender(); } }, 'Forget key'));
    } else if (required) {
      mount(slot, h('button', { type: 'button', class: 'btn btn-topbar', id: 'key-enter', onclick: async () => { if (await askForKey(null)) rerender(); } },
        keyIcon(), 'Enter key'));
    } else {
      mount(slot); // authentication is off, or nothing asked for a key yet
    }
  };
  api.onKeyChange(draw);
  draw();
}

/**
 * Shows the key prompt with the server's message of `err` (the 401 that caused it, or null).
 * Resolves true once a key the server accepts is held, false when the prompt is closed.
 */
function askForKey(err) {
  open ??= new Promise((resolve) => {
    let accepted = false;
    const input = h('input', {
      type: 'password', id: 'key-input', autocomplete: 'off', spellcheck: false, 'aria-describedby': 'key-note',
      oninput: () => input.classList.remove('invalid'),
    });
    const msg = h('div', { id: 'key-msg', 'aria-live': 'polite' },
      err ? h('div', { class: 'alert alert-info', 'data-code': err.code }, err.message) : null);
    const use = h('button', { type: 'submit', class: 'btn btn-primary', id: 'key-use' }, 'Use key');

    async function submit(e) {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) {
        input.classList.add('invalid');
        mount(msg, h('div', { class: 'alert alert-error', role: 'alert' }, 'Paste a key first.'));
        return input.focus();
      }
      use.disabled = true;
      try {
        api.setKey(key, await api.checkKey(key));
        accepted = true;
        dlg.close();
      } catch (e2) {
        // A wrong key: the server's own message ("Invalid API key"); anything else by its code.
        mount(msg, e2.code === 'unauthenticated'
          ? h('div', { class: 'alert alert-error', role: 'alert', 'data-code': e2.code }, e2.message)
          : errorBox(e2));
        input.classList.add('invalid');
        input.select();
      } finally {
        use.disabled = false;
      }
    }

    const dlg = h('dialog',
      { class: 'dialog key-dialog', id: 'key-dialog', 'aria-labelledby': 'key-title', onclose: () => { input.value = ''; dlg.remove(); resolve(accepted); } },
      h('form', { novalidate: true, onsubmit: submit },
        h('h2', { id: 'key-title' }, keyIcon(), 'API key required'),
        h('p', {}, 'This server needs an API key. The admin key opens every page; a namespace key opens only its own namespace’s data, in the query playground.'),
        msg,
        h('div', { class: 'field' },
          h('label', { for: 'key-input' }, 'API key'), input,
          h('p', { class: 'field-hint', id: 'key-note' },
            'Kept in this tab’s memory only, never in storage or cookies: reloading the page forgets it.')),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => dlg.close() }, 'Cancel'),
          use)));
    document.body.append(dlg);
    dlg.showModal();
    input.focus();
  }).finally(() => { open = null; });
  return open;
}

function keyIcon() {
  return s('svg', { class: 'key-icon', viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true' },
    s('circle', { cx: 5, cy: 8, r: 3, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8 }),
    s('path', { d: 'M8 8h6.5M12 8v2.5M14.5 8v2', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linecap': 'round' }));
}
