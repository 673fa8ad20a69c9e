// The clipboard: copy text (natively through the shell, with fallbacks
// where that or the Clipboard API is refused), and say on the button that
// it worked, for a moment.

import { api } from './api.js';
import { h } from './dom.js';

/**
 * Copy text; true if it worked. Natively first (on X11 the text stays
 * there when the window loses focus), then the Clipboard API, then a
 * hidden textarea.
 */
export async function copyText(text) {
  try {
    await api.copyText(text);
    return true;
  } catch {
    // not inside Chute, or no clipboard: the page's own ways
  }
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea
  }
  const area = h('textarea', { class: 'sr-only', 'aria-hidden': 'true', readonly: true });
  area.value = text;
  const before = document.activeElement;
  ((before && before.closest('dialog')) || document.body).append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (before && before.focus) before.focus();
  return ok;
}

const shownLabels = new WeakMap(); // label element -> its own text, while it says "Copied"
const timers = new WeakMap(); // button -> the timer that puts the label back

/**
 * Say on `button` whether a copy worked: data-copied="true|false" and its
 * label (its text span, if it has one) reading "Copied" or `failed`, for
 * `ms`; then the label is its own again (a second copy meanwhile restarts
 * the moment).
 */
export function flashCopied(button, ok, { failed = 'Copy failed', ms = 1600 } = {}) {
  const label = button.querySelector('span:not(.icon-wrap)');
  if (label && !shownLabels.has(label)) shownLabels.set(label, label.textContent);
  button.dataset.copied = String(ok);
  if (label) label.textContent = ok ? 'Copied' : failed;
  clearTimeout(timers.get(button));
  timers.set(button, setTimeout(() => {
    delete button.dataset.copied;
    if (label) {
      label.textContent = shownLabels.get(label);
      shownLabels.delete(label);
    }
  }, ms));
}
