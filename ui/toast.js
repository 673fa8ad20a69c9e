// Toasts: short confirmations and errors, announced through an aria-live
// region (#toasts). Errors stay until dismissed; others fade after a while.

import { h, richText } from './dom.js';
import { icon } from './icons.js';

const ICON = { success: 'check', error: 'error', warning: 'warning', info: 'info' };

/**
 * Show a toast. opts: kind (success|error|warning|info), detail (second
 * line), fix (what to do, for errors), timeout (ms; 0 keeps it), busy (a
 * spinner instead of the icon, for work under way).
 */
export function toast(message, opts = {}) {
  const region = document.getElementById('toasts');
  if (!region) return null;
  const kind = opts.kind || 'success';
  const timeout = opts.timeout ?? (kind === 'error' ? 0 : 5000);

  const close = h('button', { type: 'button', class: 'toast-close icon-button', 'aria-label': 'Dismiss' }, icon('close'));
  const el = h(
    'div',
    { class: `toast toast--${kind}`, role: kind === 'error' ? 'alert' : null, dataset: { kind } },
    opts.busy ? h('span', { class: 'toast-icon toast-spinner' }, h('span', { class: 'spinner' })) : icon(ICON[kind] || 'info', 'toast-icon'),
    h(
      'div',
      { class: 'toast-body' },
      h('p', { class: 'toast-message' }, richText(message)),
      opts.detail ? h('p', { class: 'toast-detail' }, richText(opts.detail)) : null,
      opts.fix ? h('p', { class: 'toast-fix' }, richText(opts.fix)) : null,
    ),
    close,
  );

  let timer = null;
  const dismiss = () => {
    clearTimeout(timer);
    el.classList.add('toast--leaving');
    setTimeout(() => el.remove(), 180);
  };
  const arm = () => {
    if (timeout > 0) timer = setTimeout(dismiss, timeout);
  };
  close.addEventListener('click', dismiss);
  el.addEventListener('mouseenter', () => clearTimeout(timer));
  el.addEventListener('mouseleave', arm);
  el.addEventListener('focusin', () => clearTimeout(timer));

  region.append(el);
  while (region.children.length > 4) region.firstElementChild.remove();
  arm();
  return { dismiss };
}

/** A toast for an ApiError (message + fix). */
export function errorToast(err, prefix = '') {
  return toast(prefix ? `${prefix}: ${err.message}` : err.message, { kind: 'error', fix: err.fix });
}
