// The window's views (Destinations, Watches, History) and the header's
// tabs (.view-tab[data-view]) that switch between them. Each feature
// registers its view: its title (shown beside the brand), its section
// (hidden while another view is shown; the destinations' panels follow
// body[data-view] in CSS) and what it does when shown or left.
//
// Hooks: body[data-view], .view-tab[aria-current="page"], #brand-section.

import { $, $all } from '../lib/dom.js';

const views = new Map(); // name -> {title, section, onShow, onHide}
let current = 'destinations';

/** opts: {title, section?, onShow?(focus), onHide?()}. */
export function registerView(name, opts) {
  views.set(name, { section: null, onShow: () => {}, onHide: () => {}, ...opts });
}

export function currentView() {
  return current;
}

export function showView(name, { focus = true } = {}) {
  const next = views.get(name);
  if (!next) return;
  const previous = current !== name ? views.get(current) : null;
  current = name;
  document.body.dataset.view = name;
  for (const [n, v] of views) if (v.section) v.section.hidden = n !== name;
  for (const tab of $all('.view-tab[data-view]')) tab.setAttribute('aria-current', tab.dataset.view === name ? 'page' : 'false');
  $('#brand-section').textContent = next.title;
  if (previous) previous.onHide();
  next.onShow(focus);
}

/** The tabs switch views on click. */
export function initViews() {
  for (const tab of $all('.view-tab[data-view]')) tab.addEventListener('click', () => showView(tab.dataset.view));
}
