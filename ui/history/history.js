// History: every delivery Chute made, newest first, filtered and paged
// (100 batches at a time, loaded as the list scrolls — never all at once),
// with exact counts ("2 of 4 shown"), a details pane that follows the
// filters (a selection they hide is cleared) showing what the delivery was
// given and left out and its files (inputs.js, files.js),
// relative times that stay true while shown, and the banner offering to
// resume or discard batches cut short.
//
// Hooks: #nav-history, #nav-destinations, #history-view, #history-search,
// #history-destination, #history-status, #history-from, #history-to,
// #history-count, .history-batch[data-id][data-outcome][data-state],
// .hb-time, #history-details[data-id], #hd-placeholder, #hd-title, .hd-facts,
// #interrupted-banner, [data-resume], [data-discard], #resume-bar[data-percent],
// #history-retry, #history-redeliver, #history-export-batch, #history-delete,
// #history-export, #history-retention.

import { api } from '../lib/api.js';
import { $, h, richText, debounce } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { VirtualList } from '../lib/vlist.js';
import { formatBytes, formatCount, formatDuration, plural } from '../lib/format.js';
import { RelativeTimes, timeElement } from '../lib/reltime.js';
import { renderInputs } from './inputs.js';
import { clearBatchFiles, initBatchFiles, showBatchFiles } from './files.js';

const PAGE = 100;
const ROW_HEIGHT = 64;

const OUTCOME_TEXT = { delivered: 'Delivered', partial: 'Partly delivered', failed: 'Failed', cancelled: 'Cancelled' };
const STATE_TEXT = { running: 'Running', interrupted: 'Interrupted', discarded: 'Discarded', finished: 'Finished' };
const ORIGIN_TEXT = { drop: 'Dropped', dialog: 'Chosen', cli: 'Command line', retry: 'Retry', resume: 'Resumed', redeliver: 'Re-delivered' };
const RETENTION_CHOICES = [7, 30, 90, 365];

let hooks = { destinations: () => [], find: () => null, deliverFromHistory: async () => {}, resolveExisting: async () => {}, resume: async (d) => d };

const view = {
  active: false,
  rows: [], // loaded BatchRows, newest first
  done: false, // no more pages
  loading: false,
  gen: 0, // bumps on every filter change; stale replies are dropped
  error: null,
  selectedId: null,
  selected: null, // BatchRow
  counts: null, // {matching, total} of the current filters
  detailsId: null, // the batch whose given/left-out paths are shown
  detailsSearch: null, // the search its file list was loaded with
};
let vlist;
let resuming = null; // batch id being resumed
const lastValues = {}; // filter control -> value last applied

/* ---------- view switching ---------- */

export function showView(name, { focus = true } = {}) {
  const history = name === 'history';
  view.active = history;
  document.body.dataset.view = name;
  $('#history-view').hidden = !history;
  $('#nav-history').setAttribute('aria-current', history ? 'page' : 'false');
  $('#nav-destinations').setAttribute('aria-current', history ? 'false' : 'page');
  $('#brand-section').textContent = history ? 'History' : 'Destinations';
  if (history) {
    fillDestinations();
    loadRetention();
    reloadHistory();
    if (focus) requestAnimationFrame(() => $('#history-search').focus());
  } else if (focus) {
    requestAnimationFrame(() => $('#main').focus({ preventScroll: true }));
  }
}

function fillDestinations() {
  const select = $('#history-destination');
  const current = select.value;
  const list = hooks.destinations() || [];
  select.replaceChildren(h('option', { value: '', text: 'All destinations' }), ...list.map((d) => h('option', { value: d.id, text: d.name })));
  // A filter on a deleted destination stays until changed.
  if (current && !list.some((d) => d.id === current)) select.append(h('option', { value: current, text: 'Deleted destination' }));
  select.value = current;
}

/* ---------- filters ---------- */

function dayStart(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

function currentFilter() {
  const f = {};
  const dest = $('#history-destination').value;
  const status = $('#history-status').value;
  const search = $('#history-search').value.trim();
  const from = dayStart($('#history-from').value);
  const toDay = dayStart($('#history-to').value);
  if (dest) f.destination_id = dest;
  if (status) f.status = status;
  if (search) f.search = search;
  if (from !== null) f.from = from;
  if (toDay !== null) f.to = toDay + 24 * 3600 * 1000 - 1;
  return f;
}

function filtersActive() {
  const f = currentFilter();
  return Object.keys(f).length > 0;
}

function validDates() {
  const from = $('#history-from');
  const to = $('#history-to');
  let ok = true;
  for (const el of [from, to]) {
    const bad = el.value !== '' && dayStart(el.value) === null;
    el.setAttribute('aria-invalid', String(bad));
    if (bad) ok = false;
  }
  const a = dayStart(from.value);
  const b = dayStart(to.value);
  if (a !== null && b !== null && a > b) {
    to.setAttribute('aria-invalid', 'true');
    ok = false;
  }
  return ok;
}

/* ---------- the batch list ---------- */

/** Reload from the first page (filters changed, or opened). */
export function reloadHistory() {
  if (!vlist) return;
  view.gen++;
  view.rows = [];
  view.done = false;
  view.loading = false;
  view.error = null;
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
  else if (view.detailsSearch !== $('#history-search').value.trim()) renderDetails(true);
}

function clearSelection() {
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

function badgeFor(row) {
  const key = row.state === 'finished' ? row.outcome || 'finished' : row.state;
  const text = row.state === 'finished' ? OUTCOME_TEXT[row.outcome] || 'Finished' : STATE_TEXT[row.state] || row.state;
  return h('span', { class: `status-badge status-badge--${key}`, dataset: { badge: key } }, h('span', { class: 'status-badge-dot', 'aria-hidden': 'true' }), text);
}

function countsText(row) {
  const parts = [`${formatCount(row.delivered)} of ${plural(row.files_total, 'file')} delivered`];
  if (row.skipped) parts.push(`${formatCount(row.skipped)} skipped`);
  if (row.failed) parts.push(`${formatCount(row.failed)} failed`);
  if (row.refused) parts.push(`${formatCount(row.refused)} refused`);
  if (row.cancelled) parts.push(`${formatCount(row.cancelled)} ${row.state === 'interrupted' ? 'not sent' : 'cancelled'}`);
  return parts.join(' · ');
}

/** Files that were sent and did not land (refused ones never went: they cannot be sent again as they are). */
function notDelivered(row) {
  return row.files_total - row.delivered - row.skipped - (row.refused || 0);
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
        badgeFor(row),
        timeElement(row.started_at, 'hb-time'),
      ),
      h(
        'span',
        { class: 'hb-line hb-line--meta' },
        h('span', { class: 'hb-counts', text: countsText(row) }),
        h('span', { class: 'hb-bytes', text: formatBytes(row.bytes_total) }),
        h('span', { class: 'hb-origin', text: ORIGIN_TEXT[row.origin] || row.origin }),
      ),
    ),
  );
}

function rowSignature(i) {
  const row = view.rows[i];
  if (!row) return `loading|${i}`;
  return `${row.id}|${row.state}|${row.outcome}|${row.delivered}|${row.failed}|${row.skipped}|${row.cancelled}|${row.id === view.selectedId}`;
}

function selectBatch(id, { focusDetails = false } = {}) {
  const row = view.rows.find((r) => r.id === id);
  if (!row) return;
  view.selectedId = id;
  view.selected = row;
  vlist.schedule(true);
  renderDetails(true);
  if (focusDetails) requestAnimationFrame(() => $('#history-details').focus({ preventScroll: true }));
}

/* ---------- details ---------- */

function renderDetails(reloadFiles) {
  const pane = $('#history-details');
  const b = view.selected;
  $('#hd-placeholder').hidden = Boolean(b);
  $('#hd-body').hidden = !b;
  if (!b) {
    pane.removeAttribute('data-id');
    view.detailsId = null;
    view.detailsSearch = null;
    $('#hd-head').replaceChildren();
    $('#hd-inputs').replaceChildren();
    clearBatchFiles();
    return;
  }
  pane.dataset.id = b.id;
  pane.dataset.state = b.state;
  pane.dataset.outcome = b.outcome || b.state;
  const dest = hooks.find(b.destination_id);
  const parent = b.parent_id ? view.rows.find((r) => r.id === b.parent_id) : null;

  const facts = [
    ['Started', [timeElement(b.started_at), ` · ${new Date(b.started_at).toLocaleString()}`]],
    b.finished_at ? ['Took', formatDuration(b.finished_at - b.started_at)] : null,
    ['Sent', `${formatBytes(b.bytes_sent)} of ${formatBytes(b.bytes_total)}`],
    ['How', ORIGIN_TEXT[b.origin] || b.origin],
    b.parent_id ? ['Repeats', parent ? `the delivery of ${new Date(parent.started_at).toLocaleString()}` : 'an earlier delivery'] : null,
  ].filter(Boolean);

  const actions = [];
  if (b.state === 'interrupted') {
    actions.push(
      h('button', { type: 'button', class: 'button button--primary button--small', dataset: { resume: b.id }, disabled: !!resuming }, icon('play'), h('span', { text: 'Resume' })),
      h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { discard: b.id }, disabled: !!resuming }, icon('trash'), h('span', { text: 'Discard…' })),
    );
  }
  const ended = b.state === 'finished' || b.state === 'discarded';
  // Files that met existing objects are not offered a retry that cannot succeed.
  const existing = b.existing || 0;
  const again = notDelivered(b) - existing;
  // A paused destination's actions are visibly unavailable; "Resume and deliver" is offered.
  const paused = Boolean(dest && !dest.active);
  const unavailable = paused ? { 'aria-disabled': 'true', title: `“${dest.name}” is paused: resume it to deliver` } : {};
  if (ended && dest && paused) {
    actions.push(h('button', { type: 'button', id: 'history-resume-deliver', class: 'button button--primary button--small' }, icon('play'), h('span', { text: 'Resume and deliver' })));
  }
  if (ended && dest && again > 0) {
    actions.push(
      h('button', { type: 'button', id: 'history-retry', class: `button button--small ${paused ? 'button--secondary is-unavailable' : 'button--primary'}`, 'aria-label': `Retry the ${plural(again, 'file')} not delivered`, ...unavailable }, icon('refresh'), h('span', { text: `Retry ${plural(again, 'file')}` })),
    );
  }
  if (ended && dest && existing > 0) {
    actions.push(
      h('button', { type: 'button', id: 'history-rekey', class: `button button--small ${paused ? 'button--secondary is-unavailable' : again > 0 ? 'button--secondary' : 'button--primary'}`, title: 'Deliver the files that met existing objects under another prefix or key template', ...unavailable }, icon('edit'), h('span', { text: `New keys for ${formatCount(existing)}…` })),
      h('button', { type: 'button', id: 'history-overwrite', class: `button button--secondary button--small${paused ? ' is-unavailable' : ''}`, title: 'Replace the objects those files met, after a confirmation naming them', ...unavailable }, icon('upload'), h('span', { text: `Overwrite ${formatCount(existing)}…` })),
    );
  }
  if (ended && dest) {
    actions.push(h('button', { type: 'button', id: 'history-redeliver', class: `button button--secondary button--small${paused ? ' is-unavailable' : ''}`, title: paused ? unavailable.title : 'Preview sending every file of this delivery again, under the same keys', 'aria-disabled': paused ? 'true' : null }, icon('upload'), h('span', { text: 'Re-deliver…' })));
  }
  actions.push(h('button', { type: 'button', id: 'history-export-batch', class: 'button button--ghost button--small', title: 'Save this delivery’s files as a CSV file' }, icon('file'), h('span', { text: 'Export CSV…' })));
  if (ended) {
    actions.push(h('button', { type: 'button', id: 'history-delete', class: 'button button--ghost button--small button--danger-text', title: 'Remove this delivery from the history (the objects stay in the bucket)' }, icon('trash'), h('span', { text: 'Delete…' })));
  }

  $('#hd-head').replaceChildren(
    h(
      'header',
      { class: 'hd-head' },
      h('div', { class: 'hd-heading' }, h('h3', { id: 'hd-title', class: 'hd-title', text: b.destination_name }), badgeFor(b)),
      h('p', { class: 'hd-counts', text: countsText(b) }),
      h('dl', { class: 'hd-facts' }, facts.map(([k, v]) => h('div', { class: 'hd-fact' }, h('dt', { text: k }), h('dd', {}, v)))),
      b.state === 'interrupted' ? h('p', { class: 'hd-note' }, 'This delivery was cut short when Chute stopped. Resume sends the files not yet delivered; discard aborts its unfinished uploads.') : null,
      b.refused && ended && again === 0 ? h('p', { class: 'hd-note' }, 'The files not delivered were refused before sending: fix what each one’s reason says, then deliver them again.') : null,
      !dest ? h('p', { class: 'hd-note muted', text: 'This destination has since been deleted.' }) : null,
      actions.length ? h('div', { class: 'hd-actions' }, actions) : null,
    ),
  );
  if (view.detailsId !== b.id) {
    view.detailsId = b.id;
    renderInputs($('#hd-inputs'), b, () => view.selectedId === b.id);
  }
  if (reloadFiles) {
    view.detailsSearch = $('#history-search').value.trim();
    showBatchFiles(b, view.detailsSearch);
  }
}

/* ---------- interrupted batches ---------- */

const BANNER_ROWS = 50;

export async function checkInterrupted() {
  const filter = { status: 'interrupted' };
  let rows;
  let total;
  try {
    rows = await api.historyBatches({ ...filter, offset: 0, limit: BANNER_ROWS });
    total = rows.length < BANNER_ROWS ? rows.length : (await api.historyCounts(filter)).matching;
  } catch {
    return; // the history itself reports errors when opened
  }
  renderBanner(rows, total);
}

function renderBanner(rows, total) {
  const banner = $('#interrupted-banner');
  if (!rows.length) {
    banner.hidden = true;
    $('#interrupted-list').replaceChildren();
    return;
  }
  $('#interrupted-title').textContent = total === 1 ? 'A delivery was interrupted' : `${formatCount(total)} deliveries were interrupted`;
  const shown = rows.slice(0, 4);
  const items = [
    ...shown.map((r) =>
      h(
        'li',
        { class: 'interrupted-item', dataset: { id: r.id } },
        h('span', { class: 'interrupted-name' }, h('strong', { text: `“${r.destination_name}”` }), ' · ', timeElement(r.started_at), ` · ${formatCount(notDelivered(r))} of ${plural(r.files_total, 'file')} not delivered`),
        h(
          'span',
          { class: 'interrupted-actions' },
          h('button', { type: 'button', class: 'button button--primary button--small', dataset: { resume: r.id }, disabled: !!resuming, 'aria-label': `Resume the delivery to ${r.destination_name}` }, icon('play'), h('span', { text: 'Resume' })),
          h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { discard: r.id }, disabled: !!resuming, 'aria-label': `Discard the delivery to ${r.destination_name}` }, h('span', { text: 'Discard…' })),
        ),
      ),
    ),
  ];
  if (total > shown.length) {
    items.push(h('li', { class: 'interrupted-more' }, h('button', { type: 'button', class: 'link-button', text: `${formatCount(total - shown.length)} more in History`, on: { click: () => { $('#history-status').value = 'interrupted'; showView('history'); } } })));
  }
  $('#interrupted-list').replaceChildren(...items);
  banner.hidden = false;
  banner._rows = rows;
}

function batchById(id) {
  return (view.rows.find((r) => r.id === id)) || ($('#interrupted-banner')._rows || []).find((r) => r.id === id) || null;
}

async function refreshAll() {
  await checkInterrupted();
  if (view.active) reloadHistory();
}

async function resume(id, opener) {
  if (resuming) return;
  const b = batchById(id);
  const name = b ? b.destination_name : 'the destination';
  resuming = id;
  setActionsDisabled(true);
  const box = $('#resume-progress');
  const bar = $('#resume-bar');
  $('#resume-title').textContent = `Resuming the delivery to “${name}”`;
  $('#resume-stats').textContent = '';
  setBar(0);
  box.hidden = false;
  try {
    const s = await api.resumeBatch(id, (u) => {
      const frac = u.bytes_total > 0 ? u.bytes_sent / u.bytes_total : u.files_total > 0 ? u.files_done / u.files_total : 0;
      setBar(Math.floor(Math.max(0, Math.min(1, frac)) * 100));
      $('#resume-stats').textContent = `${formatBytes(u.bytes_sent)} of ${formatBytes(u.bytes_total)} · ${formatCount(u.files_done)} of ${plural(u.files_total, 'file')}`;
    });
    setBar(100);
    const failed = s && s.failed ? ` ${formatCount(s.failed)} failed: see History for why.` : '';
    toast(`Resumed the delivery to “${name}”`, { kind: s && s.failed ? 'warning' : 'success', detail: `${plural((s && s.delivered) || 0, 'file')} delivered.${failed}` });
  } catch (err) {
    errorToast(err, `Could not resume the delivery to “${name}”`);
  } finally {
    resuming = null;
    box.hidden = true;
    bar.dataset.percent = '0';
    setActionsDisabled(false);
    await refreshAll();
    if (opener && !document.contains(opener)) $('#main').focus({ preventScroll: true });
  }
}

function setBar(pct) {
  const bar = $('#resume-bar');
  bar.dataset.percent = String(pct);
  bar.setAttribute('aria-valuenow', String(pct));
  bar.style.setProperty('--percent', `${pct}%`);
}

function setActionsDisabled(disabled) {
  for (const b of document.querySelectorAll('[data-resume], [data-discard]')) b.disabled = disabled;
}

async function discard(id, opener) {
  if (resuming) return;
  const b = batchById(id);
  const name = b ? b.destination_name : 'this destination';
  let aborted = 0;
  const done = await confirmAction({
    title: `Discard the interrupted delivery to “${name}”?`,
    body: 'Files already delivered stay in the bucket. The rest are not sent, and their unfinished uploads are aborted so they stop using storage.',
    details: b ? [`${formatCount(b.delivered + b.skipped)} of ${plural(b.files_total, 'file')} already delivered`] : [],
    confirmLabel: 'Discard',
    returnFocus: opener,
    action: async () => {
      aborted = await api.discardBatch(id);
    },
  });
  if (!done) return;
  toast(`Discarded the delivery to “${name}”`, { kind: 'info', detail: aborted ? `${plural(aborted, 'unfinished upload')} aborted.` : '' });
  await refreshAll();
}

/* ---------- retry, re-deliver, export, delete ---------- */

async function sendAgain(which, opener) {
  const b = view.selected;
  const dest = b && hooks.find(b.destination_id);
  if (!b || !dest) return;
  if (which === 'rekey' || which === 'overwrite') await hooks.resolveExisting(dest, b.id, which, { returnFocus: opener });
  else await hooks.deliverFromHistory(dest, b.id, which, { returnFocus: opener });
}

/** "Resume and deliver": resume the paused destination, then retry (or re-deliver). */
async function resumeAndSend(opener) {
  const b = view.selected;
  const dest = b && hooks.find(b.destination_id);
  if (!b || !dest) return;
  let resumed;
  try {
    resumed = await hooks.resume(dest);
  } catch (err) {
    errorToast(err, `Could not resume “${dest.name}”`);
    return;
  }
  const again = notDelivered(b) - (b.existing || 0);
  if (again > 0) await hooks.deliverFromHistory(resumed, b.id, 'failed', { returnFocus: opener });
  else if (b.existing > 0) await hooks.resolveExisting(resumed, b.id, 'rekey', { returnFocus: opener });
  else await hooks.deliverFromHistory(resumed, b.id, 'all', { returnFocus: opener });
}

/** A destination was paused, resumed or renamed: redraw the shown delivery's actions. */
export function historyDestinationsChanged() {
  if (vlist && view.selected) renderDetails(false);
}

/** Called when a delivery ends anywhere: the history has a new batch. */
export function historyChanged() {
  if (view.active) reloadHistory();
}

async function exportCsv(rows, batchId, opener) {
  opener.disabled = true;
  try {
    const filter = batchId ? { offset: 0, limit: 1 } : { ...currentFilter(), offset: 0, limit: 1 };
    if (batchId) {
      const search = $('#history-search').value.trim();
      if (search) filter.search = search;
    }
    const r = await api.exportHistory(filter, rows, batchId);
    if (r) toast(`Exported ${plural(r.rows, rows === 'files' ? 'file' : 'delivery', rows === 'files' ? 'files' : 'deliveries')}`, { detail: `Saved to \`${r.path}\`.` });
  } catch (err) {
    errorToast(err, 'Could not export the history');
  } finally {
    opener.disabled = false;
  }
}

async function deleteBatch(opener) {
  const b = view.selected;
  if (!b) return;
  let result = null;
  const done = await confirmAction({
    title: `Delete this delivery to “${b.destination_name}” from the history?`,
    body: 'Its record and the list of its files go. The objects it delivered stay in the bucket.',
    details: [`${countsText(b)}`, `Started ${new Date(b.started_at).toLocaleString()}`],
    confirmLabel: 'Delete',
    returnFocus: opener,
    action: async () => {
      result = await api.deleteHistory([b.id]);
    },
  });
  if (!done || !result) return;
  if (result.deleted) {
    toast('Deleted from the history', { kind: 'info', detail: `The delivery to “${b.destination_name}” is no longer listed.` });
    clearSelection();
  } else {
    const k = result.kept[0];
    toast('Kept in the history', { kind: 'warning', detail: k && k.reason === 'interrupted' ? 'It was interrupted: resume or discard it first.' : 'It is running or no longer there.' });
  }
  reloadHistory();
  requestAnimationFrame(() => $('#history-list').focus({ preventScroll: true }));
}

/* ---------- retention ---------- */

let retentionDays = null;

function renderRetention() {
  const select = $('#history-retention');
  const values = [...RETENTION_CHOICES];
  if (retentionDays && !values.includes(retentionDays)) values.push(retentionDays);
  values.sort((a, b) => a - b);
  select.replaceChildren(
    h('option', { value: '', text: 'Keep everything' }),
    ...values.map((d) => h('option', { value: String(d), text: d === 365 ? 'Keep 1 year' : `Keep ${plural(d, 'day')}` })),
  );
  select.value = retentionDays ? String(retentionDays) : '';
}

async function loadRetention() {
  try {
    const r = await api.historyRetention();
    retentionDays = r.keep_days;
    renderRetention();
  } catch {
    // Shown as "Keep everything"; changing it reports any error.
  }
}

async function onRetentionChange(e) {
  const select = e.currentTarget;
  const days = select.value ? Number(select.value) : null;
  if (days === retentionDays) return;
  const shorter = days !== null && (retentionDays === null || days < retentionDays);
  let removed = 0;
  const apply = async () => {
    const r = await api.setHistoryRetention(days);
    retentionDays = r.keep_days;
    removed = r.removed;
  };
  if (shorter) {
    const ok = await confirmAction({
      title: `Keep only ${plural(days, 'day')} of history?`,
      body: `Deliveries that started more than ${plural(days, 'day')} ago are deleted from the history now, and older ones from then on. The objects in your buckets are not touched.`,
      details: ['Interrupted deliveries are kept until you resume or discard them.'],
      confirmLabel: 'Delete older history',
      returnFocus: select,
      action: apply,
    });
    if (!ok) {
      renderRetention();
      return;
    }
  } else {
    try {
      await apply();
    } catch (err) {
      errorToast(err, 'Could not change the retention');
      renderRetention();
      return;
    }
  }
  renderRetention();
  toast(days ? `History is kept for ${plural(days, 'day')}` : 'All history is kept', { kind: 'info', detail: removed ? `${plural(removed, 'older delivery', 'older deliveries')} deleted.` : '' });
  if (removed) reloadHistory();
}

/* ---------- wiring ---------- */

export function initHistory(opts) {
  hooks = { ...hooks, ...opts };
  vlist = new VirtualList($('#history-list'), {
    rowHeight: ROW_HEIGHT,
    render: batchRow,
    signature: rowSignature,
    onRange: (first, last) => {
      if (last >= view.rows.length - 10) loadMore();
    },
  });
  $('#nav-history').addEventListener('click', () => showView('history'));
  $('#nav-destinations').addEventListener('click', () => showView('destinations'));
  $('#history-refresh').addEventListener('click', () => refreshAll());
  $('#history-export').addEventListener('click', (e) => exportCsv('batches', null, e.currentTarget));
  $('#history-retention').addEventListener('change', onRetentionChange);

  // The details follow: a selection the search hides is cleared, a shown one lists the matching files.
  const search = debounce(reloadHistory, 300);
  $('#history-search').addEventListener('input', search);
  $('#history-search').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      search.cancel();
      reloadHistory();
    }
  });
  for (const id of ['#history-destination', '#history-status', '#history-from', '#history-to']) {
    const onChange = () => {
      if ($(id).value === lastValues[id]) return; // 'input' and 'change' both fire
      lastValues[id] = $(id).value;
      reloadHistory();
    };
    $(id).addEventListener('change', onChange);
    $(id).addEventListener('input', onChange);
  }
  $('#history-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#history-clear').addEventListener('click', () => {
    for (const id of ['#history-search', '#history-destination', '#history-status', '#history-from', '#history-to']) {
      $(id).value = '';
      lastValues[id] = '';
    }
    reloadHistory();
    $('#history-search').focus();
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

  $('#hd-head').addEventListener('click', (e) => {
    const act = e.target.closest('#history-retry, #history-redeliver, #history-rekey, #history-overwrite, #history-resume-deliver, #history-export-batch, #history-delete');
    if (!act) return;
    if (act.id === 'history-retry') sendAgain('failed', act);
    else if (act.id === 'history-redeliver') sendAgain('all', act);
    else if (act.id === 'history-rekey') sendAgain('rekey', act);
    else if (act.id === 'history-overwrite') sendAgain('overwrite', act);
    else if (act.id === 'history-resume-deliver') resumeAndSend(act);
    else if (act.id === 'history-export-batch') exportCsv('files', view.selectedId, act);
    else deleteBatch(act);
  });
  initBatchFiles({ find: (id) => hooks.find(id) });
  // The History view's times and the banner's stay true as long as they are shown.
  new RelativeTimes($('#main')).start();

  // Resume / discard, from the banner or the details pane.
  document.addEventListener('click', (e) => {
    const r = e.target.closest('[data-resume]');
    if (r && !r.disabled) return void resume(r.dataset.resume, r);
    const d = e.target.closest('[data-discard]');
    if (d && !d.disabled) discard(d.dataset.discard, d);
  });
}
