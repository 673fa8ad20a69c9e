// Ways files come in: dropped on the window (Tauri's drag-drop events,
// hit-tested against the destination rows), the "all destinations" picker
// (#drop-picker) for a drop anywhere else, the row menu "Deliver…"
// (#deliver-menu) with the native file and folder dialogs, which always
// work, whatever the desktop's drag and drop does, and files handed to
// Chute by a launch ("Open with Chute", `chute-app [--deliver-to NAME] FILE…`,
// also while it runs), taken from the shell like a drop.

import { api } from '../lib/api.js';
import { $, $all, h } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { openModal, anyModalOpen } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { baseName, plural } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { destinationStateLabel } from '../lib/status.js';

let hooks = {
  destinations: () => [], // sorted as listed
  find: () => null,
  deliver: () => {}, // (dest, paths, returnFocus): a paused one is offered a resume there
  offerResume: async () => null, // (dest) -> the resumed destination, or null
  onAdd: () => {},
};

/* ---------- drag and drop ---------- */

let dragTarget = null; // the highlighted row

function rowAt(position) {
  if (!position) return null;
  const scale = window.devicePixelRatio || 1;
  const el = document.elementFromPoint(position.x / scale, position.y / scale);
  return el ? el.closest('.destination-row') : null;
}

function highlight(row) {
  if (row === dragTarget && !$('#drop-hint').hidden) return;
  if (dragTarget) dragTarget.classList.remove('is-drop-target', 'is-drop-refused');
  dragTarget = row;
  const hint = $('#drop-hint');
  const text = $('#drop-hint-text');
  hint.hidden = false;
  hint.dataset.tone = '';
  const dests = hooks.destinations();
  if (anyModalOpen()) {
    hint.dataset.tone = 'refused';
    text.textContent = 'Close the open dialog to drop files';
  } else if (row) {
    const d = hooks.find(row.dataset.id);
    const paused = d && !d.active;
    row.classList.add(paused ? 'is-drop-refused' : 'is-drop-target');
    hint.dataset.tone = paused ? 'refused' : 'target';
    text.textContent = !d ? '' : paused ? `“${d.name}” is paused: drop to resume it and deliver` : `Drop to deliver to “${d.name}”`;
  } else if (!dests.length) {
    hint.dataset.tone = 'refused';
    text.textContent = 'Add a destination first';
  } else {
    text.textContent = 'Drop on a destination, or anywhere to choose one';
  }
}

function endDrag() {
  if (dragTarget) dragTarget.classList.remove('is-drop-target', 'is-drop-refused');
  dragTarget = null;
  $('#drop-hint').hidden = true;
  delete document.body.dataset.dragging;
}

function onDragDrop(p) {
  switch (p.type) {
    case 'enter':
    case 'over':
      document.body.dataset.dragging = 'true';
      highlight(rowAt(p.position));
      break;
    case 'drop':
      endDrag();
      onDrop(p.paths || [], rowAt(p.position));
      break;
    default:
      endDrag();
  }
}

/**
 * asked.note: said first in the picker, when it asks (e.g. a destination
 * named by a launch that does not exist); asked.how: how the files came;
 * asked.onPickerOpen(dialog): adds to the question (pasting's options);
 * asked.onDelivered(batch, dest): once the chosen destination's delivery ended.
 */
function onDrop(paths, row, asked = {}) {
  if (!paths.length) return;
  if (anyModalOpen()) {
    toast('Close the open dialog, then drop the files again', { kind: 'warning' });
    return;
  }
  const dests = hooks.destinations();
  if (!dests.length) {
    toast('Add a destination first', { kind: 'warning', detail: 'Chute needs to know where to deliver the files.' });
    hooks.onAdd();
    return;
  }
  const d = row && hooks.find(row.dataset.id);
  if (d) {
    hooks.deliver(d, paths, row.querySelector('.row-action--deliver'));
    return;
  }
  openPicker(paths, asked);
}

async function listenForDrops() {
  const T = window.__TAURI__;
  const handler = (e) => onDragDrop(e.payload || {});
  try {
    if (T && T.webview && typeof T.webview.getCurrentWebview === 'function') {
      await T.webview.getCurrentWebview().onDragDropEvent(handler);
      return;
    }
  } catch {
    // fall back to the raw events
  }
  if (!T || !T.event) return; // not inside Chute: the dialogs still work
  const map = { 'tauri://drag-enter': 'enter', 'tauri://drag-over': 'over', 'tauri://drag-drop': 'drop', 'tauri://drag-leave': 'leave' };
  for (const [name, type] of Object.entries(map)) {
    T.event.listen(name, (e) => onDragDrop({ ...(e.payload || {}), type }));
  }
}

/* ---------- files handed over by a launch ---------- */

let opening = false;

/** Take the files a launch handed over (if any) and treat each set like a drop. */
export async function takeOpenedPaths() {
  if (opening) return;
  opening = true;
  try {
    const requests = await api.takeOpenedPaths();
    for (const r of requests) openRequest(r);
  } catch (err) {
    errorToast('The files handed to Chute could not be read', err);
  } finally {
    opening = false;
  }
}

function openRequest({ paths, deliver_to: named }) {
  const wanted = (named || '').trim().toLowerCase();
  const d = named ? hooks.destinations().find((x) => x.id === named || x.name.toLowerCase() === wanted) : null;
  if (d && !anyModalOpen()) {
    hooks.deliver(d, paths, null);
    return;
  }
  // No such destination: the picker says so, and asks where the files go.
  onDrop(paths, null, { note: named && !d ? `There is no destination named “${named}”.` : '', how: 'opened with Chute' });
}

function listenForOpenedPaths() {
  const T = window.__TAURI__;
  if (T && T.event) T.event.listen('paths-opened', () => takeOpenedPaths());
}

/* ---------- the "which destination?" picker ---------- */

/** Ask which destination `paths` go to, then deliver them there (see onDrop for `asked`). */
export function askWhereAndDeliver(paths, asked = {}) {
  onDrop(paths, null, asked);
}

function openPicker(paths, { note = '', how = 'dropped', onPickerOpen = null, onDelivered = null } = {}) {
  const dialog = $('#drop-picker');
  const names = paths.map(baseName);
  const what =
    paths.length === 1 ? `You ${how} “${names[0]}”.` : `You ${how} ${plural(paths.length, 'item')}: ${names.slice(0, 3).map((n) => `“${n}”`).join(', ')}${paths.length > 3 ? '…' : ''}.`;
  $('#drop-picker-what').textContent = note ? `${note} ${what}` : what;
  const list = $('#drop-picker-list');
  list.replaceChildren(
    ...hooks.destinations().map((d) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'picker-option',
            dataset: { id: d.id, active: String(Boolean(d.active)) },
            'aria-disabled': d.active ? null : 'true',
            'aria-describedby': d.active ? null : `picker-paused-${d.id}`,
          },
          providerMark(d.provider, 'sm'),
          h('span', { class: 'picker-option-text' }, h('span', { class: 'picker-option-name', text: d.name }), h('code', { class: 'picker-option-path', text: destPath(d) })),
          d.active ? icon('chevron', 'picker-option-go') : h('span', { class: 'badge badge--paused', id: `picker-paused-${d.id}`, text: destinationStateLabel(false) }),
        ),
      ),
    ),
  );
  const onPick = (e) => {
    const btn = e.target.closest('.picker-option');
    if (!btn) return;
    const d = hooks.find(btn.dataset.id);
    if (!d) return;
    dialog.close();
    const done = hooks.deliver(d, paths, null);
    if (onDelivered) Promise.resolve(done).then((batch) => onDelivered(batch, d));
  };
  list.onclick = onPick;
  $('#drop-picker-paste').hidden = !onPickerOpen;
  $('#drop-picker-hint').hidden = Boolean(onPickerOpen);
  if (onPickerOpen) onPickerOpen(dialog);
  openModal(dialog, { focus: list.querySelector('.picker-option[data-active="true"]') || list.querySelector('.picker-option') });
}

/* ---------- the row menu: Deliver files… / Deliver folder… ---------- */

let menu;
let menuFor = null; // {dest, button}

export function openDeliverMenu(dest, button) {
  if (menuFor && menuFor.button === button) {
    closeMenu(true);
    return;
  }
  closeMenu(false);
  menuFor = { dest, button };
  button.setAttribute('aria-expanded', 'true');
  menu.hidden = false;
  const r = button.getBoundingClientRect();
  const mw = menu.offsetWidth;
  const mh = menu.offsetHeight;
  const left = Math.max(8, Math.min(r.right - mw, window.innerWidth - mw - 8));
  const below = r.bottom + 4 + mh < window.innerHeight;
  menu.style.left = `${left}px`;
  menu.style.top = `${below ? r.bottom + 4 : r.top - mh - 4}px`;
  menu.querySelector('[role="menuitem"]').focus();
}

function closeMenu(restoreFocus) {
  if (!menuFor) return;
  const { button } = menuFor;
  menuFor = null;
  menu.hidden = true;
  button.setAttribute('aria-expanded', 'false');
  if (restoreFocus && button.isConnected) button.focus();
}

async function pick(kind) {
  const { dest, button } = menuFor;
  closeMenu(true);
  let d = hooks.find(dest.id) || dest;
  if (!d.active) {
    d = await hooks.offerResume(d);
    if (!d) return;
  }
  let paths;
  try {
    paths = await api.pickPaths(kind);
  } catch (err) {
    errorToast(err, 'Could not open the file chooser');
    return;
  }
  if (paths && paths.length) hooks.deliver(hooks.find(d.id) || d, paths, button, 'dialog');
}

function wireMenu() {
  menu = $('#deliver-menu');
  menu.addEventListener('click', (e) => {
    const item = e.target.closest('[data-pick]');
    if (item && menuFor) pick(item.dataset.pick);
  });
  menu.addEventListener('keydown', (e) => {
    const items = $all('[role="menuitem"]', menu);
    const at = items.indexOf(document.activeElement);
    let next = null;
    if (e.key === 'ArrowDown') next = items[(at + 1) % items.length];
    else if (e.key === 'ArrowUp') next = items[(at - 1 + items.length) % items.length];
    else if (e.key === 'Home') next = items[0];
    else if (e.key === 'End') next = items[items.length - 1];
    else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      closeMenu(true);
      return;
    } else if (e.key === 'Tab') {
      closeMenu(false);
      return;
    } else return;
    e.preventDefault();
    next.focus();
  });
  document.addEventListener('mousedown', (e) => {
    if (menuFor && !menu.contains(e.target) && !menuFor.button.contains(e.target)) closeMenu(false);
  });
  menu.addEventListener('focusout', (e) => {
    if (menuFor && e.relatedTarget && !menu.contains(e.relatedTarget) && e.relatedTarget !== menuFor.button) closeMenu(false);
  });
  window.addEventListener('resize', () => closeMenu(false));
  $('#main').addEventListener('scroll', () => closeMenu(false), { passive: true });
}

export function initDropzone(opts) {
  hooks = { ...hooks, ...opts };
  wireMenu();
  listenForDrops();
  listenForOpenedPaths();
}
