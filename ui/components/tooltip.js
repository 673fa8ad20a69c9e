// In-page tooltips for every element with a `title`.
//
// WebKitGTK's native tooltips stay up over whatever opens next (a menu, a
// dialog, a result), so no `title` is left for it to show: each one, in the
// page as loaded and in everything rendered later, moves to data-tooltip
// the moment it appears, and the element keeps its accessible name (an
// icon-only control gets it as aria-label) or description (aria-description).
// The tooltip shows after a short delay on hover or keyboard focus, and
// hides on pointerdown, any key, scroll, resize, and when a menu or a
// dialog opens or the element goes away. It is a popover, so it is drawn
// above modal dialogs too.

import { h } from '../lib/dom.js';

const SHOW_DELAY_MS = 550;
const GAP = 6; // between the element and the tooltip
const MARGIN = 8; // kept free at the viewport's edges

let tip = null;
let anchor = null; // the element the tooltip is (or is about to be) shown for
let timer = null;

/** Whether the element has nothing else to be called by. */
function hasNoName(el) {
  return !el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby') && !el.textContent.trim();
}

const INTERACTIVE = 'button, a[href], input, select, textarea, summary, [tabindex]';

/** Move `title` to data-tooltip, keeping what assistive technology reads. */
function adopt(el) {
  const text = el.getAttribute('title');
  el.removeAttribute('title');
  if (!text) {
    delete el.dataset.tooltip;
    return;
  }
  el.dataset.tooltip = text;
  if ('tooltipNamed' in el.dataset || hasNoName(el)) {
    // A status icon is an image with a name; a control is named directly.
    if (!el.matches(INTERACTIVE) && !el.hasAttribute('role')) el.setAttribute('role', 'img');
    el.setAttribute('aria-label', text);
    el.dataset.tooltipNamed = '';
  } else if ((el.getAttribute('aria-label') || el.textContent).includes(text)) {
    el.removeAttribute('aria-description'); // the name says it already
  } else {
    el.setAttribute('aria-description', text);
  }
  if (el === anchor && tip && tip.matches(':popover-open')) tip.textContent = text;
}

function adoptWithin(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  if (node.hasAttribute('title')) adopt(node);
  for (const el of node.querySelectorAll('[title]')) adopt(el);
}

export function hideTooltip() {
  clearTimeout(timer);
  timer = null;
  anchor = null;
  if (tip && tip.matches(':popover-open')) tip.hidePopover();
}

function place(el) {
  const r = el.getBoundingClientRect();
  const t = tip.getBoundingClientRect();
  const left = Math.min(Math.max(MARGIN, r.left + r.width / 2 - t.width / 2), window.innerWidth - t.width - MARGIN);
  const below = r.bottom + GAP + t.height <= window.innerHeight - MARGIN;
  const top = below ? r.bottom + GAP : Math.max(MARGIN, r.top - GAP - t.height);
  // CSSOM, not a style attribute: the CSP forbids inline styles.
  tip.style.left = `${Math.round(left)}px`;
  tip.style.top = `${Math.round(top)}px`;
  tip.dataset.side = below ? 'below' : 'above';
}

function show(el) {
  timer = null;
  if (!el.isConnected || !el.dataset.tooltip || el.getClientRects().length === 0) return;
  tip.textContent = el.dataset.tooltip;
  if (!tip.matches(':popover-open')) tip.showPopover();
  place(el);
}

function schedule(el) {
  if (el === anchor) return;
  hideTooltip();
  anchor = el;
  timer = setTimeout(() => show(el), SHOW_DELAY_MS);
}

function onPointerOver(e) {
  if (e.pointerType === 'touch') return;
  const el = e.target.closest && e.target.closest('[data-tooltip]');
  if (el) schedule(el);
  else if (anchor) hideTooltip();
}

function onPointerOut(e) {
  if (anchor && !(e.relatedTarget && anchor.contains(e.relatedTarget))) hideTooltip();
}

function onFocusIn(e) {
  const el = e.target.closest && e.target.closest('[data-tooltip]');
  if (el && e.target.matches(':focus-visible')) schedule(el);
}

/** A dialog or a menu opened or closed, or the element went away. */
function onMutations(records) {
  for (const r of records) {
    if (r.type === 'childList') r.addedNodes.forEach(adoptWithin);
    else if (r.attributeName === 'title' && r.target.hasAttribute('title')) adopt(r.target);
    else if (r.attributeName === 'open' || r.attributeName === 'hidden') {
      const t = r.target;
      if (t.matches('dialog, [role="menu"]') || (anchor && t.contains(anchor))) hideTooltip();
    }
  }
  if (anchor && !anchor.isConnected) hideTooltip();
}

/** Adopt every title now and from now on, and wire the show/hide events. */
export function initTooltips() {
  tip = h('div', { id: 'tooltip', class: 'tooltip', role: 'tooltip', popover: 'manual' });
  document.body.append(tip);
  adoptWithin(document.body);
  new MutationObserver(onMutations).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['title', 'open', 'hidden'],
  });
  document.addEventListener('pointerover', onPointerOver);
  document.addEventListener('pointerout', onPointerOut);
  document.addEventListener('focusin', onFocusIn);
  document.addEventListener('focusout', hideTooltip);
  for (const type of ['pointerdown', 'keydown', 'wheel']) document.addEventListener(type, hideTooltip, true);
  document.addEventListener('scroll', hideTooltip, { capture: true, passive: true });
  window.addEventListener('resize', hideTooltip);
  window.addEventListener('blur', hideTooltip);
}
