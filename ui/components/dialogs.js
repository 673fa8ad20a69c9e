// Modal dialogs built on <dialog>: showModal() gives the focus trap,
// inert background and Escape (the "cancel" event); this module adds
// focus restore, a close callback, opening scrolled to the top, asking
// before unsaved work is thrown away, and the confirm dialog.

import { $, h, richText, focusSoon } from '../lib/dom.js';
import { icon as iconEl } from '../lib/icons.js';
import { hideTooltip } from './tooltip.js';

const openers = new WeakMap();
const closers = new WeakMap();
const guards = new WeakMap(); // dialog -> () => what closing would throw away, or null
const asking = new WeakSet(); // dialogs whose "discard?" question is open
const stack = []; // open dialogs, oldest first

/**
 * Open a <dialog> modally. opts.focus: element to focus first;
 * opts.onClose: called once when the dialog closes for any reason.
 */
export function openModal(dialog, opts = {}) {
  if (dialog.open) return;
  openers.set(dialog, opts.returnFocus || document.activeElement);
  closers.set(dialog, opts.onClose || null);
  hideTooltip();
  // The dialog's own focusing steps pick it (a dialog opened from a click
  // in another dialog was seen to take the focus itself otherwise).
  if (opts.focus) opts.focus.autofocus = true;
  dialog.showModal();
  stack.push(dialog);
  document.body.classList.add('has-modal');
  // Always from the top, whatever was scrolled to the last time.
  for (const body of dialog.querySelectorAll('.sheet-body, .modal-body')) body.scrollTop = 0;
  if (opts.focus) {
    opts.focus.autofocus = false;
    opts.focus.focus({ preventScroll: true });
  }
}

export function closeModal(dialog) {
  if (dialog.open) dialog.close();
}

/**
 * Ask before `dialog` is closed by the user (Escape, ×, Cancel, a click
 * on the backdrop) while it holds unsaved work. `check()` returns null
 * when nothing would be lost, else {title, body, details, confirmLabel}
 * for the question.
 */
export function guardClose(dialog, check) {
  guards.set(dialog, check);
}

/**
 * Close `dialog` as the user asked: at once when nothing would be lost,
 * else after "Keep editing / Discard" says yes. Resolves to whether it closed.
 */
export async function requestClose(dialog) {
  if (!dialog.open) return true;
  const check = guards.get(dialog);
  const loss = check ? check() : null;
  if (!loss) {
    dialog.close();
    return true;
  }
  if (asking.has(dialog)) return false;
  asking.add(dialog);
  const discard = await confirmAction({
    icon: 'warning',
    cancelLabel: 'Keep editing',
    confirmLabel: 'Discard',
    ...loss,
    action: () => {},
    returnFocus: document.activeElement,
  });
  asking.delete(dialog);
  if (discard) dialog.close();
  return discard;
}

/** The open dialog on top (the one opened last). */
export function topDialog() {
  return stack.filter((d) => d.open).pop() || null;
}

export function anyModalOpen() {
  return Boolean(document.querySelector('dialog[open]'));
}

/** Resolves once no modal dialog is open (at once when none is). */
export function whenNoModal() {
  if (!anyModalOpen()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      // After the dialog's own close handlers, which run after this one.
      setTimeout(() => {
        if (anyModalOpen() || done) return;
        done = true;
        document.removeEventListener('close', check, true);
        resolve();
      }, 0);
    };
    let done = false;
    // `close` does not bubble, but it is seen on the way down.
    document.addEventListener('close', check, true);
  });
}

/** Wire the close bookkeeping once per dialog. */
export function setupDialog(dialog) {
  dialog.addEventListener('close', () => {
    if (stack.includes(dialog)) stack.splice(stack.indexOf(dialog), 1);
    const cb = closers.get(dialog);
    closers.delete(dialog);
    if (cb) cb();
    if (!anyModalOpen()) document.body.classList.remove('has-modal');
    const opener = openers.get(dialog);
    openers.delete(dialog);
    const fallback = $('#add-destination');
    const usable = opener && opener.isConnected && !opener.disabled && opener.getClientRects().length > 0;
    const target = usable ? opener : fallback;
    // Back to the opener, also when it sits in a dialog still open below.
    const reachable = !anyModalOpen() || (target && target.closest('dialog[open]') === topDialog());
    if (target && reachable) focusSoon(target);
  });
  // Escape: a dialog holding unsaved work asks first.
  dialog.addEventListener('cancel', (e) => {
    if (!guards.has(dialog)) return;
    e.preventDefault();
    requestClose(dialog);
  });
  // A click on the backdrop (outside the dialog's box) closes it, the same way.
  dialog.addEventListener('mousedown', (e) => {
    if (e.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
    if (!inside) requestClose(dialog);
  });
  for (const btn of dialog.querySelectorAll('[data-close]')) {
    btn.addEventListener('click', () => requestClose(dialog));
  }
}

/**
 * The in-app confirmation dialog (#confirm-dialog).
 * action: async function run on confirm; if it throws an ApiError the
 * dialog stays open and shows its message and fix. icon: what it is
 * about (trash, warning); cancelLabel names the way back; tone: danger
 * (the default) or primary, for a safe step forward such as a resume.
 */
export function confirmAction({ title, body, details = [], confirmLabel, cancelLabel = 'Cancel', icon = 'trash', action, returnFocus, tone = 'danger' }) {
  const dialog = $('#confirm-dialog');
  const titleEl = $('#confirm-title', dialog);
  const bodyEl = $('#confirm-body', dialog);
  const errorEl = $('#confirm-error', dialog);
  const confirm = $('#confirm-delete', dialog);
  const cancel = $('#confirm-cancel', dialog);

  dialog.dataset.icon = icon;
  $('.confirm-icon', dialog).replaceChildren(...iconEl(icon).childNodes);
  cancel.textContent = cancelLabel;
  titleEl.replaceChildren(richText(title));
  bodyEl.replaceChildren(
    h('p', {}, richText(body)),
    details.length ? h('ul', { class: 'confirm-details' }, details.map((d) => h('li', {}, richText(d)))) : '',
  );
  errorEl.replaceChildren();
  errorEl.hidden = true;
  confirm.querySelector('.button-label').textContent = confirmLabel;
  // Destructive by default; "primary" for a safe step forward (e.g. resume).
  confirm.classList.toggle('button--danger', tone === 'danger');
  confirm.classList.toggle('button--primary', tone !== 'danger');
  confirm.disabled = false;
  confirm.classList.remove('is-busy');

  return new Promise((resolve) => {
    let done = false;
    const onConfirm = async () => {
      confirm.disabled = true;
      confirm.classList.add('is-busy');
      try {
        await action();
        done = true;
        dialog.close();
      } catch (err) {
        errorEl.replaceChildren(
          h('p', { class: 'inline-error-message' }, richText(err.message)),
          err.fix ? h('p', { class: 'inline-error-fix' }, richText(err.fix)) : '',
        );
        errorEl.hidden = false;
        confirm.disabled = false;
        confirm.classList.remove('is-busy');
      }
    };
    confirm.addEventListener('click', onConfirm);
    openModal(dialog, {
      focus: cancel,
      returnFocus,
      onClose: () => {
        confirm.removeEventListener('click', onConfirm);
        resolve(done);
      },
    });
  });
}
