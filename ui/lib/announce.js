// One polite live region (#announcer) for what a screen reader should hear
// at a life-cycle event no toast says: a delivery paused, resumed or being
// cancelled. Said once, briefly; progress is never announced per percent
// (starts and outcomes are toasts, which the #toasts region announces).

import { $ } from './dom.js';

/** Say `text` once to assistive technology. */
export function announce(text) {
  const region = $('#announcer');
  if (!region) return;
  // Emptied first, so the same words said twice are heard twice.
  region.textContent = '';
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}
