// History: every delivery Chute made, newest first (batch-list.js), with
// its filters (filters.js), a details pane that follows them
// (batch-details.js: what the delivery was given and left out, inputs.js,
// its objects at the destination, receipt.js, and its files, files.js)
// and what can be done with a delivery
// (batch-actions.js), relative times that stay true while shown, how long
// the history is kept (retention.js), and the banner offering to resume or
// discard batches cut short (interrupted.js). This module registers the
// view (components/views.js switches to it) and wires the parts.
//
// Hooks: #nav-history, #history-view, #history-search,
// #history-destination, #history-status, #history-from, #history-to,
// #history-count, .history-batch[data-id][data-outcome][data-state],
// .hb-time, #history-details[data-id], #hd-placeholder, #hd-title, .hd-facts,
// #interrupted-banner, [data-resume], [data-discard],
// #history-retry, #history-redeliver, #history-verify, #hd-receipt,
// #history-export-batch, #history-delete,
// #history-export, #history-retention.

import { $ } from '../lib/dom.js';
import { registerView, showView } from '../components/views.js';
import { view, hooks } from './state.js';
import { fillDestinations, initFilters } from './filters.js';
import { initBatchList, redrawRows, reloadHistory, selectBatch } from './batch-list.js';
import { renderDetails } from './batch-details.js';
import { initBatchActions } from './batch-actions.js';
import { initBatchFiles } from './files.js';
import { initInterrupted, refreshAll } from './interrupted.js';
import { initRetention, loadRetention } from './retention.js';
import { initGroups } from './group.js';

export { checkInterrupted } from './interrupted.js';

/* ---------- the view ---------- */

function onShow(focus) {
  view.active = true;
  fillDestinations();
  loadRetention();
  reloadHistory();
  if (focus) requestAnimationFrame(() => $('#history-search').focus());
}

/** A destination was paused, resumed or renamed: redraw the shown delivery's actions. */
export function historyDestinationsChanged() {
  if (view.selected) renderDetails(false);
}

/** Called when a delivery ends anywhere: the history has a new batch. */
export function historyChanged() {
  if (view.active) reloadHistory();
}

/** Show one delivery in the History (the tray's "Recent deliveries"). */
export function openBatch(id) {
  showView('history');
  selectBatch(id, { focusDetails: true });
}

export function initHistory(opts) {
  Object.assign(hooks, opts);
  initBatchList();
  // A drop's batches arrived: the rows and the details that name them redraw.
  initGroups((groupId) => {
    redrawRows();
    if (view.selected && view.selected.group_id === groupId) renderDetails(false);
  });
  initFilters(reloadHistory);
  initBatchActions();
  initBatchFiles({ find: (id) => hooks.find(id) });
  initRetention();
  initInterrupted({ showAll: () => showView('history') });
  registerView('history', { title: 'History', section: $('#history-view'), onShow, onHide: () => (view.active = false) });
  $('#history-refresh').addEventListener('click', () => refreshAll());
}
