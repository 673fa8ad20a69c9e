// The delivery panel (#delivery-progress) docked at the bottom: one tab per
// batch (#delivery-batches), live progress (#delivery-bar[data-percent],
// #delivery-stats), pause and cancel (#delivery-pause,
// #delivery-cancel-batch), the outcome (#delivery-outcome[data-outcome])
// with the actions the delivery flow offers, the errors grouped by kind
// (#delivery-notes), status filters and the file list.
//
// Progress arrives at most ten times a second; the DOM is updated at most
// once per animation frame, and the file list is virtualised, so a batch of
// 100,000 files costs the same to show as one of ten.

import { api } from '../lib/api.js';
import { announce } from '../lib/announce.js';
import { $, h } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { formatBytes, formatCount, plural } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { toast, errorToast } from '../components/toast.js';
import { STATUSES, completeBatch, newBatch, percentOf, record } from './batch.js';
import { createFileList, itemCount } from './files.js';
import { announceOutcome, headline, statsParts, renderOutcome, renderNotes, resetSummary } from './summary.js';
import { batchIcon, statusLabel } from '../lib/status.js';

let hooks = {
  setRowState: () => {},
  onBatchEnded: () => {}, // a batch finished or could not run (the history changed)
  outcomeActions: () => ({ lines: [], actions: [] }), // (batch) -> what the outcome offers
  outcomeKey: () => '', // (batch) -> changes when the offer changes (e.g. paused)
};

const batches = []; // oldest first
let selected = null;
let vlist;
let frame = 0;
let panel;

/* ---------- running a batch ---------- */

/**
 * Show a new batch in the panel and send it: files, or the rest of an
 * interrupted batch (origin 'resume'). drop: {index, names} when it is one
 * destination of a drop sent to several. Resolves once it has ended.
 */
/** Send a plan as a batch of the panel; resolves to the batch once it ended (null if it could not run). */
export function startBatch(dest, plan, rows, origin, overwrite = null, drop = null) {
  const batch = newBatch(dest, plan, rows, origin === 'resume');
  batch.drop = drop;
  batches.push(batch);
  select(batch);
  showPanel();
  hooks.setRowState(dest.id, { delivering: true });
  const what = batch.resumed ? `Resuming the delivery to “${dest.name}”` : `Delivering ${plural(batch.total, 'file')} to “${dest.name}”`;
  const detail = `${batch.resumed ? `${plural(batch.total, 'file')} not delivered yet, ` : ''}${formatBytes(plan.total_bytes)} to \`${destPath(dest)}\``;
  batch.startToast = toast(what, { kind: 'info', detail, timeout: 4000 });
  if (!rows.complete) rows.loadAll(); // very large plans: load the rest while sending
  rows.onLoad(() => batch === selected && vlist.schedule());
  return api
    .startDelivery(plan.plan_id, (u) => onUpdate(batch, u), origin, overwrite)
    .then((summary) => {
      finish(batch, summary);
      return batch;
    })
    .catch((err) => {
      fail(batch, err);
      return null;
    });
}

function onUpdate(batch, u) {
  if (batch.phase !== 'running') return;
  const { finished, ...numbers } = u;
  batch.progress = numbers;
  for (const f of finished || []) record(batch, f);
  if (batch === selected) scheduleRender();
  else renderBatchTabs();
  hooks.setRowState(batch.dest.id, { delivering: true, percent: percentOf(batch) });
}

/** A batch is over: its row says whether another still delivers there, its start toast goes. */
function ended(batch) {
  hooks.setRowState(batch.dest.id, { delivering: batches.some((b) => b.phase === 'running' && b.dest.id === batch.dest.id) });
  if (batch.startToast) batch.startToast.dismiss();
}

function finish(batch, summary) {
  completeBatch(batch, summary);
  ended(batch);
  announceOutcome(batch);
  if (batch === selected) scheduleRender();
  else renderBatchTabs();
  hooks.onBatchEnded();
}

function fail(batch, err) {
  batch.phase = 'error';
  batch.error = err;
  batch.outcome = 'failed';
  ended(batch);
  errorToast(err, `Delivery to “${batch.dest.name}” could not run`);
  hooks.onBatchEnded();
  if (batch === selected) scheduleRender();
  else renderBatchTabs();
}

/* ---------- controls ---------- */

async function control(batch, action, index) {
  try {
    await api.controlDelivery(batch.plan.plan_id, action, index);
    return true;
  } catch (err) {
    // The batch finished meanwhile: nothing left to control.
    if (err.code !== 'plan_not_found') errorToast(err, 'Could not change the delivery');
    return false;
  }
}

async function togglePause() {
  const b = selected;
  if (!b || b.phase !== 'running') return;
  const pause = !b.progress.paused;
  b.progress = { ...b.progress, paused: pause };
  render();
  if (await control(b, pause ? 'pause' : 'resume')) announce(`Delivery to “${b.dest.name}” ${pause ? 'paused' : 'resumed'}`);
  else b.progress = { ...b.progress, paused: !pause };
  scheduleRender();
}

async function cancelBatch() {
  const b = selected;
  if (!b || b.phase !== 'running' || b.cancelRequested) return;
  b.cancelRequested = true;
  render();
  if (await control(b, 'cancel')) announce(`Cancelling the delivery to “${b.dest.name}”`);
  else b.cancelRequested = false;
  scheduleRender();
}

async function cancelFile(b, index) {
  if (b.phase !== 'running' || b.results[index] || b.cancelling.has(index)) return;
  b.cancelling.add(index);
  vlist.schedule();
  if (!(await control(b, 'cancel_file', index))) b.cancelling.delete(index);
  vlist.schedule();
}

/* ---------- panel ---------- */

function showPanel() {
  panel.hidden = false;
  document.body.dataset.deliveryPanel = 'open';
  scheduleRender();
}

function hidePanel() {
  panel.hidden = true;
  delete document.body.dataset.deliveryPanel;
}

function select(batch) {
  selected = batch;
  const vp = $('#delivery-files');
  vp.scrollTop = 0;
  lastCount = -1;
  resetSummary();
  lastFilterKey = '';
  vlist.setCount(0, { reset: true });
  scheduleRender();
}

function closeSelected() {
  const b = selected;
  if (!b || b.phase === 'running') return;
  batches.splice(batches.indexOf(b), 1);
  const next = batches[batches.length - 1];
  if (next) {
    select(next);
    $('#delivery-title').focus();
  } else {
    selected = null;
    hidePanel();
    const row = document.querySelector(`.destination-row[data-id="${CSS.escape(b.dest.id)}"] .row-action--deliver`);
    (row || $('#add-destination')).focus();
  }
}

function scheduleRender() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

let lastCount = -1;
let lastFilterKey = '';

function render() {
  const b = selected;
  if (!b || panel.hidden) return;
  const running = b.phase === 'running';
  panel.dataset.phase = b.phase;
  panel.dataset.outcome = b.outcome || 'running';

  // Heading.
  const title = running
    ? b.cancelRequested
      ? 'Cancelling…'
      : b.progress.paused
        ? `Paused: delivery to “${b.dest.name}”`
        : b.resumed
          ? `Resuming the delivery to “${b.dest.name}”`
          : `Delivering to “${b.dest.name}”`
    : headline(b);
  const titleEl = $('#delivery-title');
  if (titleEl.textContent !== title) titleEl.textContent = title;
  const where = $('#delivery-where');
  if (where.dataset.batch !== String(b.id)) {
    where.dataset.batch = String(b.id);
    where.replaceChildren(providerMark(b.dest.provider, 'sm'), h('code', { text: destPath(b.dest) }), ...(b.drop ? [h('span', { class: 'delivery-drop', text: dropText(b.drop) })] : []));
  }
  const stateIcon = $('#delivery-state-icon');
  const wantIcon = running ? (b.progress.paused ? 'pause' : 'spinner') : batchIcon(b.outcome);
  if (stateIcon.dataset.shows !== wantIcon) {
    stateIcon.dataset.shows = wantIcon;
    stateIcon.replaceChildren(wantIcon === 'spinner' ? h('span', { class: 'spinner' }) : icon(wantIcon));
  }

  // Bar and numbers.
  const pct = percentOf(b);
  const bar = $('#delivery-bar');
  if (bar.dataset.percent !== String(pct)) {
    bar.dataset.percent = String(pct);
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-valuetext', `${pct}%`);
    bar.style.setProperty('--percent', `${pct}%`);
  }
  $('#delivery-stats').replaceChildren(...statsParts(b));

  // Controls.
  const pause = $('#delivery-pause');
  pause.hidden = !running;
  pause.disabled = b.cancelRequested;
  pause.setAttribute('aria-pressed', String(b.progress.paused));
  const pauseLabel = b.progress.paused ? 'Resume' : 'Pause';
  if ($('.button-label', pause).textContent !== pauseLabel) {
    $('.button-label', pause).textContent = pauseLabel;
    $('.delivery-pause-icon', pause).replaceChildren(icon(b.progress.paused ? 'play' : 'pause'));
  }
  const cancel = $('#delivery-cancel-batch');
  cancel.hidden = !running;
  cancel.disabled = b.cancelRequested;
  $('.button-label', cancel).textContent = b.cancelRequested ? 'Cancelling…' : 'Cancel';
  $('#delivery-close').hidden = running;

  renderOutcome(b, hooks.outcomeActions, hooks.outcomeKey(b));
  renderNotes(b);
  renderFilters(b);
  renderBatchTabs();

  const count = itemCount(b);
  if (count !== lastCount) {
    lastCount = count;
    vlist.setCount(count);
  }
  $('#delivery-list-count').textContent = b.filter === 'all' ? `${formatCount(b.progress.files_done)} of ${formatCount(b.total)} done` : plural(count, 'file');
  vlist.schedule();
}

function renderFilters(b) {
  const counts = { all: b.total };
  for (const s of STATUSES) counts[s] = b.lists[s].length;
  const shown = ['all', ...STATUSES.filter((s) => counts[s] > 0 || b.filter === s)];
  const key = `${b.id}|${b.filter}|${shown.map((f) => `${f}:${counts[f]}`).join(',')}`;
  if (key === lastFilterKey) return;
  lastFilterKey = key;
  const box = $('#delivery-filters');
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.filter : null;
  box.replaceChildren(
    ...shown.map((f) =>
      h(
        'button',
        { type: 'button', class: 'filter-chip', 'aria-pressed': String(b.filter === f), dataset: { filter: f, status: f } },
        h('span', { text: f === 'all' ? 'All' : statusLabel(f) }),
        h('span', { class: 'filter-count', text: formatCount(counts[f]) }),
      ),
    ),
  );
  if (focused) box.querySelector(`[data-filter="${focused}"]`)?.focus();
}

let lastTabsKey = '';

function renderBatchTabs() {
  const box = $('#delivery-batches');
  box.hidden = batches.length < 2;
  if (box.hidden) return;
  const key = batches.map((b) => `${b.id}:${b === selected}:${b.phase}:${b.outcome}:${b.phase === 'running' ? percentOf(b) : ''}`).join(',');
  if (key === lastTabsKey) return;
  lastTabsKey = key;
  const focused = box.contains(document.activeElement) ? document.activeElement.dataset.batch : null;
  box.replaceChildren(
    ...batches.map((b) =>
      h(
        'button',
        {
          type: 'button',
          class: 'batch-tab',
          'aria-pressed': String(b === selected),
          dataset: { batch: String(b.id), state: b.phase === 'running' ? 'running' : b.outcome },
          title: `${b.dest.name}, ${plural(b.total, 'file')}${b.drop ? ` (${dropText(b.drop)})` : ''}, started ${new Date(b.startedAt).toLocaleTimeString()}: ${b.phase === 'running' ? `${percentOf(b)}%` : statusLabel(b.outcome)}`,
        },
        h('span', { class: 'batch-tab-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'batch-tab-name', text: `${b.dest.name} · ${plural(b.total, 'file')}` }),
        b.phase === 'running' ? h('span', { class: 'batch-tab-pct', text: `${percentOf(b)}%` }) : null,
      ),
    ),
  );
  if (focused) box.querySelector(`[data-batch="${focused}"]`)?.focus();
}

/** "1 of 2 destinations of one drop, with “Archive”". */
function dropText(drop) {
  const others = drop.names.filter((_, i) => i !== drop.index).map((n) => `“${n}”`);
  return `${drop.index + 1} of ${drop.names.length} destinations of one drop, with ${others.join(', ')}`;
}

/* ---------- wiring ---------- */

export function hasRunningDelivery() {
  return batches.some((b) => b.phase === 'running');
}

/** Re-render the outcome (its offer may have changed, e.g. a destination resumed). */
export function refreshOutcome() {
  const box = $('#delivery-outcome');
  if (box) delete box.dataset.key;
  scheduleRender();
}

export function initPanel(opts) {
  hooks = { ...hooks, ...opts };
  panel = $('#delivery-progress');
  vlist = createFileList($('#delivery-files'), { selected: () => selected, onCancelFile: cancelFile });
  $('#delivery-pause').addEventListener('click', togglePause);
  $('#delivery-cancel-batch').addEventListener('click', cancelBatch);
  $('#delivery-close').addEventListener('click', closeSelected);
  $('#delivery-collapse').addEventListener('click', (e) => {
    const collapsed = panel.dataset.collapsed !== 'true';
    panel.dataset.collapsed = String(collapsed);
    e.currentTarget.setAttribute('aria-expanded', String(!collapsed));
    const label = collapsed ? 'Show the file list' : 'Hide the file list';
    e.currentTarget.setAttribute('aria-label', label);
    e.currentTarget.title = label;
    $('#delivery-body').hidden = collapsed;
    if (!collapsed) vlist.schedule(true);
  });
  $('#delivery-filters').addEventListener('click', (e) => {
    const btn = e.target.closest('[data-filter]');
    const b = selected;
    if (!btn || !b || b.filter === btn.dataset.filter) return;
    b.filter = btn.dataset.filter;
    $('#delivery-files').scrollTop = 0;
    lastCount = -1;
    vlist.setCount(0, { reset: true });
    render();
  });
  $('#delivery-batches').addEventListener('click', (e) => {
    const btn = e.target.closest('[data-batch]');
    const b = btn && batches.find((x) => String(x.id) === btn.dataset.batch);
    if (b && b !== selected) select(b);
  });
  // Leaving while files are being sent loses them: ask first.
  window.addEventListener('beforeunload', (e) => {
    if (hasRunningDelivery()) e.preventDefault();
  });
}
