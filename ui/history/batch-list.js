// The History's list of deliveries (#history-list), newest first: filtered
// and paged (100 batches at a time, loaded as the list scrolls, never all
// at once), with exact counts ("2 of 4 shown") and a selection that the
// details pane shows (a selection the filters hide is cleared).

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { VirtualList } from '../lib/vlist.js';
import { formatBytes, formatCount, plural } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { view } from './state.js';
import { currentFilter, currentSearch, filtersActive, validDates } from './filters.js';
import { batchBadge, batchCountsText } from './batch-summary.js';
import { renderDetails } from './batch-details.js';
import { forgetGroups, groupSignature, groupTag } from './group.js';
import { originLabel } from '../lib/status.js';

const PAGE = 100;
const ROW_HEIGHT = 64;

let vlist;

/** Reload from the first page (filters changed, or opened). */
export function reloadHistory() {
  if (!vlist) return;
  view.gen++;
  view.rows = [];
  view.done = false;
  view.loading = false;
  view.error = null;
  forgetGroups();
  $('#history-list').scrollTop = 0;
  vlist.setCount(0, { reset: true });
  $('#history-clear').hidden = !filtersActive();
  $('#history-empty').hidden = true;
  if (!validDates()) {
    view.done = true;
    view.counts = null;
    renderFoot();
    clearSelection();
    showEmpty('The “From” date is after the “To” date, or a date is not valid.');
    return;
  }
  loadMore();
  loadCounts();
}

/**
 * Exact counts for the filters, and whether the selected delivery still
 * matches them: the details follow the list, so a hidden selection is
 * cleared and a shown one gets its files for the current search.
 */
async function loadCounts() {
  const gen = view.gen;
  let counts;
  try {
    counts = await api.historyCounts(currentFilter(), view.selectedId);
  } catch {
    return; // the list reports errors; the counts stay as they were
  }
  if (gen !== view.gen) return;
  view.counts = counts;
  renderFoot();
  if (!view.selectedId) return;
  if (counts.selected_matches === false) clearSelection();
  else if (view.detailsSearch !== currentSearch()) renderDetails(true);
}

export function clearSelection() {
  if (!view.selectedId) return;
  view.selectedId = null;
  view.selected = null;
  vlist.schedule(true);
  renderDetails(false);
}

async function loadMore() {
  if (view.loading || view.done) return;
  view.loading = true;
  const gen = view.gen;
  $('#history-list').setAttribute('aria-busy', 'true');
  renderFoot();
  try {
    const rows = await api.historyBatches({ ...currentFilter(), offset: view.rows.length, limit: PAGE });
    if (gen !== view.gen) return;
    view.rows.push(...rows);
    view.done = rows.length < PAGE;
    view.error = null;
  } catch (err) {
    if (gen !== view.gen) return;
    view.error = err;
    view.done = true;
  } finally {
    if (gen === view.gen) {
      view.loading = false;
      $('#history-list').setAttribute('aria-busy', 'false');
    }
  }
  vlist.setCount(view.rows.length);
  vlist.schedule(true);
  renderFoot();
  if (!view.rows.length) {
    showEmpty(view.error ? view.error.message : filtersActive() ? 'No delivery matches these filters.' : 'Nothing delivered yet. Drop files on a destination and the delivery is recorded here.');
  } else {
    $('#history-empty').hidden = true;
  }
  // A sibling asked for from the details, now listed.
  if (view.pendingId && view.rows.some((r) => r.id === view.pendingId)) {
    const id = view.pendingId;
    view.pendingId = null;
    selectBatch(id, { focusDetails: true });
    return;
  }
  if (view.done) view.pendingId = null;
  // The selected batch may have changed (e.g. after a resume).
  if (view.selectedId) {
    const fresh = view.rows.find((r) => r.id === view.selectedId);
    if (fresh && JSON.stringify(fresh) !== JSON.stringify(view.selected)) {
      view.selected = fresh;
      renderDetails(true);
    }
  }
}

function showEmpty(text) {
  $('#history-empty').hidden = false;
  $('#history-empty-text').textContent = text;
}

/** "4 deliveries", or "2 of 4 shown" when the filters hide some: exact, never rounded. */
function countText(c) {
  if (!c) return '';
  return c.matching === c.total ? plural(c.total, 'delivery', 'deliveries') : `${formatCount(c.matching)} of ${formatCount(c.total)} shown`;
}

function renderFoot() {
  const n = view.rows.length;
  const c = view.counts;
  $('#history-count').textContent = countText(c);
  $('#history-count').hidden = !c;
  const foot = $('#history-foot');
  const matching = c ? c.matching : n;
  if (view.loading) foot.replaceChildren(h('span', { class: 'spinner spinner--small', 'aria-hidden': 'true' }), h('span', { text: n ? 'Loading more…' : 'Loading…' }));
  else if (view.error) foot.replaceChildren(h('span', { class: 'history-foot-error' }, richText(view.error.message)), ' ', h('button', { type: 'button', class: 'link-button', text: 'Try again', on: { click: reloadHistory } }));
  else if (!view.done && n) foot.replaceChildren(h('span', { text: `${formatCount(n)} of ${plural(matching, 'delivery', 'deliveries')} listed` }), ' ', h('button', { type: 'button', id: 'history-more', class: 'link-button', text: 'Load more', on: { click: loadMore } }));
  else foot.textContent = n ? `All ${plural(n, 'delivery', 'deliveries')} listed` : '';
}

function batchRow(i) {
  const row = view.rows[i];
  if (!row) return h('div', { class: 'history-batch history-batch--loading', role: 'listitem' });
  const outcome = row.outcome || row.state;
  const selected = row.id === view.selectedId;
  return h(
    'div',
    { class: 'history-batch-item', role: 'listitem' },
    h(
      'button',
      {
        type: 'button',
        class: 'history-batch',
        'aria-pressed': String(selected),
        'aria-controls': 'history-details',
        dataset: { id: row.id, outcome, state: row.state, focusKey: 'row' },
      },
      h(
        'span',
        { class: 'hb-line' },
        h('span', { class: 'hb-dest', text: row.destination_name }),
        batchBadge(row),
        timeElement(row.started_at, 'hb-time'),
      ),
      h(
        'span',
        { class: 'hb-line hb-line--meta' },
        h('span', { class: 'hb-counts', text: batchCountsText(row) }),
        h('span', { class: 'hb-bytes', text: formatBytes(row.bytes_total) }),
        h('span', { class: 'hb-origin', text: originLabel(row.origin) }),
      ),
      groupTag(row),
    ),
  );
}

function rowSignature(i) {
  const row = view.rows[i];
  if (!row) return `loading|${i}`;
  return `${row.id}|${row.state}|${row.outcome}|${row.delivered}|${row.failed}|${row.skipped}|${row.cancelled}|${row.id === view.selectedId}|${groupSignature(row)}`;
}

/** Redraw the rows (what they say about their drop arrived). */
export function redrawRows() {
  if (vlist) vlist.schedule(true);
}

/** Show a delivery in the details; one the list does not show yet is selected once it does. */
export function selectBatch(id, { focusDetails = false } = {}) {
  const row = view.rows.find((r) => r.id === id);
  if (!row) {
    view.pendingId = id;
    return;
  }
  view.selectedId = id;
  view.selected = row;
  vlist.schedule(true);
  renderDetails(true);
  if (focusDetails) requestAnimationFrame(() => $('#history-details').focus({ preventScroll: true }));
}

/** The list, its paging as it scrolls, and its keys (arrows, Page Up/Down, Home/End; → opens the details). */
export function initBatchList() {
  vlist = new VirtualList($('#history-list'), {
    rowHeight: ROW_HEIGHT,
    render: batchRow,
    signature: rowSignature,
    onRange: (first, last) => {
      if (last >= view.rows.length - 10) loadMore();
    },
  });
  const list = $('#history-list');
  list.addEventListener('click', (e) => {
    const btn = e.target.closest('.history-batch[data-id]');
    if (btn) selectBatch(btn.dataset.id);
  });
  list.addEventListener('keydown', (e) => {
    const btn = e.target.closest('.history-batch[data-id]');
    if (!btn && e.target !== list) return;
    const i = btn ? view.rows.findIndex((r) => r.id === btn.dataset.id) : -1;
    if (e.key === 'ArrowRight' && btn) {
      e.preventDefault();
      selectBatch(btn.dataset.id, { focusDetails: true });
      return;
    }
    const next = vlist.rowForKey(e.key, i);
    if (next === null) return;
    e.preventDefault();
    vlist.scrollToIndex(next);
    vlist.update();
    list.querySelector(`.history-batch[data-id="${CSS.escape(view.rows[next].id)}"]`)?.focus();
  });
}
