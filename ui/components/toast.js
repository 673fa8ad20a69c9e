// Toasts: short confirmations and failures, stacked in the bottom-left
// corner (toast-dock.js keeps them above what is docked there) and
// announced through the aria-live region #toasts.
//
// - A repeat of a toast still shown (same kind, same message) is merged
//   into it: a ×N count, its timer restarted, moved to the newest place.
// - Successes and info dismiss themselves after 5 s, warnings after 8 s,
//   failures after 15 s; hovering or focusing a toast holds it. Every
//   failure is also kept in the header's recent problems (recent-problems.js).
// - Escape closes the toast that has the keyboard focus (and only it: not
//   the dialog underneath). With the focus elsewhere and no dialog open,
//   Escape closes the newest toast.
// - A toast belongs to the layer it was raised in: the page, or the dialog
//   then on top. A dialog opening over it ends a confirmation (success,
//   info); a warning or failure waits, hidden and its timer held, until
//   the dialog closes (failures are in the recent problems meanwhile).

import { h, isEditable, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { anyModalOpen, topDialog } from './dialogs.js';
import { recordFailure } from './recent-problems.js';
import { initToastDock, dockToasts } from './toast-dock.js';

const ICON = { success: 'check', error: 'error', warning: 'warning', info: 'info' };
const TIMEOUT_MS = { success: 5000, info: 5000, warning: 8000, error: 15000 };
const LEAVE_MS = 180;
const MAX_SHOWN = 4;

const shown = new Map(); // merge key -> toast still on screen
const byElement = new WeakMap();
let region = null;
let focusBefore = null; // where the keyboard was before it moved into a toast

/**
 * Show a toast. opts: kind (success|error|warning|info), detail (second
 * line), fix (what to do, for errors), timeout (ms; 0 keeps it), busy (a
 * spinner instead of the icon, for work under way; never merged).
 * Returns {dismiss}.
 */
export function toast(message, opts = {}) {
  if (!region) return null;
  const kind = ICON[opts.kind] ? opts.kind : 'success';
  if (kind === 'error') recordFailure({ message, detail: opts.detail, fix: opts.fix });
  const key = opts.busy ? null : `${kind}\n${message}`;
  const t = (key && shown.get(key)) || create(message, kind, opts, key);
  if (t.count++ > 0) repeat(t, opts);
  t.timeout = opts.timeout ?? TIMEOUT_MS[kind];
  t.layer = openDialogs(); // what it is about: the page, or the dialog then on top
  region.append(t.el); // newest last, nearest the corner
  const live = liveToasts();
  for (const old of live.slice(0, Math.max(0, live.length - MAX_SHOWN))) old.dismiss();
  dockToasts();
  arm(t);
  return { dismiss: t.dismiss };
}

/** A toast for an ApiError (message + fix). */
export function errorToast(err, prefix = '') {
  return toast(prefix ? `${prefix}: ${err.message}` : err.message, { kind: 'error', fix: err.fix });
}

function lines(opts) {
  return [
    opts.detail ? h('p', { class: 'toast-detail' }, richText(opts.detail)) : null,
    opts.fix ? h('p', { class: 'toast-fix' }, richText(opts.fix)) : null,
  ];
}

function create(message, kind, opts, key) {
  const close = h('button', { type: 'button', class: 'toast-close icon-button', 'aria-label': 'Dismiss' }, icon('close'));
  const count = h('span', { class: 'toast-count', hidden: true });
  const body = h('div', { class: 'toast-body' }, h('p', { class: 'toast-message' }, richText(message), count), lines(opts));
  const el = h(
    'div',
    { class: `toast toast--${kind}`, role: kind === 'error' ? 'alert' : null, dataset: { kind } },
    opts.busy ? h('span', { class: 'toast-icon toast-spinner' }, h('span', { class: 'spinner' })) : icon(ICON[kind], 'toast-icon'),
    body,
    close,
  );
  const t = {
    el, key, kind, busy: Boolean(opts.busy), count: 0, countEl: count, body,
    timer: null, timeout: 0, layer: 0, below: false, hovered: false, focused: false, leaving: false,
  };
  t.dismiss = () => dismiss(t);
  byElement.set(el, t);
  if (key) shown.set(key, t);
  close.addEventListener('click', t.dismiss);
  // Held while the pointer or the keyboard is on it.
  const hold = (what, on) => () => {
    t[what] = on;
    arm(t);
  };
  el.addEventListener('mouseenter', hold('hovered', true));
  el.addEventListener('mouseleave', hold('hovered', false));
  el.addEventListener('focusin', hold('focused', true));
  el.addEventListener('focusout', (e) => {
    if (!el.contains(e.relatedTarget)) hold('focused', false)();
  });
  return t;
}

/** The same toast again: count it, show the latest detail. */
function repeat(t, opts) {
  t.countEl.hidden = false;
  t.countEl.textContent = `×${t.count}`;
  t.countEl.setAttribute('aria-label', `${t.count} times`);
  t.body.replaceChildren(t.body.firstElementChild, ...lines(opts).filter(Boolean));
}

function arm(t) {
  clearTimeout(t.timer);
  if (t.timeout > 0 && !t.hovered && !t.focused && !t.below && !t.leaving) t.timer = setTimeout(t.dismiss, t.timeout);
}

function dismiss(t) {
  if (t.leaving) return;
  t.leaving = true;
  clearTimeout(t.timer);
  if (t.key) shown.delete(t.key);
  const hadFocus = t.el.contains(document.activeElement);
  t.el.classList.add('toast--leaving');
  setTimeout(() => {
    t.el.remove();
    dockToasts();
  }, LEAVE_MS);
  if (hadFocus) returnFocus();
}

/** The toasts not on their way out, oldest first. */
function liveToasts() {
  return [...region.children].map((el) => byElement.get(el)).filter((t) => !t.leaving);
}

function newest() {
  return liveToasts().filter((t) => !t.below).pop() || null;
}

/** After a focused toast closes: the next toast, else back where the keyboard came from. */
function returnFocus() {
  const next = newest();
  if (next) {
    next.el.querySelector('.toast-close').focus();
    return;
  }
  const back = focusBefore && focusBefore.isConnected && focusBefore.getClientRects().length ? focusBefore : topDialog() || document.getElementById('main');
  focusBefore = null;
  back.focus({ preventScroll: true });
}

function onKeydown(e) {
  if (e.key !== 'Escape' || e.defaultPrevented || !region.firstElementChild) return;
  const focused = e.target.closest && e.target.closest('.toast');
  if (focused) {
    // Only this toast closes: the dialog underneath keeps its Escape.
    e.preventDefault();
    e.stopPropagation();
    byElement.get(focused).dismiss();
    return;
  }
  if (anyModalOpen() || isEditable(e.target)) return;
  const t = newest();
  if (!t) return;
  e.preventDefault();
  t.dismiss();
}

function openDialogs() {
  return document.querySelectorAll('dialog[open]').length;
}

/** `open` dialogs now, `covered`: one just opened. Each toast keeps to its layer. */
function keepToLayers(open, covered) {
  for (const t of liveToasts()) {
    const confirmation = (t.kind === 'success' || t.kind === 'info') && !t.busy;
    if (covered && confirmation && t.layer < open) {
      t.dismiss(); // what was confirmed below is done with
      continue;
    }
    t.layer = Math.min(t.layer, open); // its dialog closed: it is about what is now on top
    const below = t.layer < open;
    if (below === t.below) continue;
    t.below = below;
    t.el.classList.toggle('toast--below', below);
    arm(t);
  }
}

export function initToasts() {
  region = document.getElementById('toasts');
  initToastDock(region, { onLayers: keepToLayers });
  region.addEventListener('focusin', (e) => {
    if (!region.contains(e.relatedTarget)) focusBefore = e.relatedTarget;
  });
  document.addEventListener('keydown', onKeydown);
}
