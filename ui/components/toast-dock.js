// Where the toast stack sits: always the bottom-left corner, away from the
// buttons rows and dialogs keep on their right (and beside the form's
// sheet when the window is wide enough), and above whatever is docked at
// the bottom there, so a toast never covers the controls it is about: the
// delivery panel and the status bar, or the footer of the dialog on top. Inside a modal
// dialog the stack moves into that dialog, the only part of the page that
// is not inert, so its toasts stay readable, clickable and focusable. The
// owner is told how many dialogs are open whenever that may have changed,
// to keep each toast with the layer it is about.

import { $all } from '../lib/dom.js';
import { topDialog } from './dialogs.js';

const GAP = 12; // between the stack and what it stays above
const MARGIN = 8; // kept free at the top
const DOCKED_IN_WINDOW = '#delivery-progress, .app-footer';
const DOCKED_IN_DIALOG = '.sheet-footer, .modal-actions';

let region = null;
let onLayers = () => {};
let openDialogs = 0;

/** The top edge of what the stack must stay above, in its column. */
function floorIn(host) {
  const column = region.getBoundingClientRect();
  const docked = host === document.body ? $all(DOCKED_IN_WINDOW) : $all(DOCKED_IN_DIALOG, host);
  let floor = window.innerHeight;
  for (const el of docked) {
    const r = el.getBoundingClientRect();
    if (r.height === 0 || r.right <= column.left || r.left >= column.right) continue;
    floor = Math.min(floor, r.top);
  }
  return floor;
}

/** The bottom edge of what the stack must stay below (the window's header). */
function ceilingIn(host) {
  const header = host === document.body ? document.querySelector('.app-header') : null;
  return header ? header.getBoundingClientRect().bottom + GAP : MARGIN;
}

/** Show only the newest toasts that fit (the newest always); the others wait, hidden, for room. */
function fit(room) {
  let used = -GAP;
  const newestFirst = [...region.children].reverse();
  for (const el of newestFirst) el.classList.remove('toast--no-room');
  for (const el of newestFirst) {
    const height = el.getBoundingClientRect().height;
    if (!height) continue; // not shown anyway
    const first = used < 0;
    used += height + GAP;
    if (used > room && !first) el.classList.add('toast--no-room');
  }
}

function place() {
  const opened = document.querySelectorAll('dialog[open]').length;
  const covered = opened > openDialogs;
  openDialogs = opened;
  onLayers(opened, covered);
  if (!region.firstElementChild) return;
  const host = topDialog() || document.body;
  if (region.parentElement !== host) {
    host.append(region);
    // A dialog that is still sliding in would carry the stack with it.
    const moving = host.getAnimations ? host.getAnimations() : [];
    if (moving.length) {
      region.classList.add('toasts--waiting');
      Promise.allSettled(moving.map((a) => a.finished)).then(() => {
        region.classList.remove('toasts--waiting');
        place();
      });
    }
  }
  const floor = floorIn(host);
  // CSSOM, not a style attribute: the CSP forbids inline styles.
  region.style.setProperty('--toasts-bottom', `${Math.round(window.innerHeight - floor + GAP)}px`);
  fit(floor - GAP - ceilingIn(host));
}

/**
 * Keep the stack `stack` where it belongs from now on. opts.onLayers(open,
 * covered) is told the number of dialogs open, and whether one just opened.
 */
export function initToastDock(stack, opts) {
  region = stack;
  onLayers = opts.onLayers;
  // Dialogs opening and closing, the delivery panel shown, hidden or resized.
  new MutationObserver(place).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['open', 'hidden', 'data-collapsed'] });
  const resized = new ResizeObserver(place);
  for (const el of $all(DOCKED_IN_WINDOW)) resized.observe(el);
  window.addEventListener('resize', place);
}

/** Put the stack where it belongs now (a toast came or went). */
export function dockToasts() {
  place();
}
