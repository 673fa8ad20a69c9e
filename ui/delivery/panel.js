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
import { $, h } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { toast, errorToast } from '../components/toast.js';
import { formatBytes, formatDuration, formatCount, plural } from '../lib/format.js';
import { createFileList, itemCount } from './files.js';
import { headline, statsParts, renderOutcome, renderNotes, resetSummary } from './summary.js';
import { destPath } from '../lib/destination-text.js';

const STATUSES = ['delivered', 'failed', 'skipped', 'cancelled'];
const FILTER_LABEL = { all: 'All', delivered: 'Delivered', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled' };

let hooks = {
  setRowState: () => {},
  onBatchEnded: () => {}, // a batch finished or could not run (the history changed)
  outcomeActions: () => ({ lines: [], actions: [] }), // (batch) -> what the outcome offers
  outcomeKey: () => '', // (batch) -> changes when the offer changes (e.g. paused)
};

const batches = []; // oldest first
let selected = null;
let seq = 0;
let vlist;
let frame = 0;
let panel;

/* ---------- running a batch ---------- */

function newBatch(dest, plan, rows) {
  return {
    id: ++seq,
    dest,
    plan,
    rows,
    total: plan.files_total,
    results: new Array(plan.files_total),
    lists: { delivered: [], failed: [], skipped: [], cancelled: [] },
    progress: { bytes_sent: 0, bytes_total: plan.total_bytes, files_done: 0, files_total: plan.files_total, rate: 0, eta_secs: null, paused: false },
    errors: new Map(), // code -> {message, fix, count, s3_code, request_id}
    errorsVersion: 0,
    phase: 'running', // running | done | error
    outcome: null,
    startedAt: Date.now(),
    cancelRequested: false,
    cancelling: new Set(),
    filter: 'all',
    summary: null,
    error: null,
  };
}

/** Show a new batch in the panel and send it. */
export function startBatch(dest, plan, rows, origin, overwrite = null) {
  const batch = newBatch(dest, plan, rows);
  batches.push(batch);
  select(batch);
  showPanel();
  hooks.setRowState(dest.id, { delivering: true });
  batch.startToast = toast(`Delivering ${plural(batch.total, 'file')} to “${dest.name}”`, { kind: 'info', detail: `${formatBytes(plan.total_bytes)} to \`${destPath(dest)}\``, timeout: 4000 });
  if (!rows.complete) rows.loadAll(); // very large plans: load the rest while sending
  rows.onLoad(() => batch === selected && vlist.schedule());
  api
    .startDelivery(plan.plan_id, (u) => onUpdate(batch, u), origin, overwrite)
    .then((res) => finish(batch, res))
    .catch((err) => fail(batch, err));
}

function record(batch, f) {
  const prev = batch.results[f.index];
  if (prev) {
    if (!prev.url && f.url) prev.url = f.url;
    return;
  }
  batch.results[f.index] = f;
  batch.cancelling.delete(f.index);
  const list = batch.lists[f.status];
  if (list) list.push(f.index);
  if (f.status === 'failed' && f.error) {
    const g = batch.errors.get(f.error.code) || { ...f.error, count: 0, first: f.index };
    g.count++;
    batch.errors.set(f.error.code, g);
    batch.errorsVersion++;
  }
  // Keep the source of every failed file, to retry it.
  if (f.status !== 'delivered' && !batch.rows.get(f.index)) batch.rows.ensure(f.index, f.index);
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

function outcomeOf(batch) {
  const s = batch.summary;
  if (!s) return 'failed';
  if (batch.cancelRequested) return 'cancelled';
  if (s.failed === 0 && s.cancelled === 0) return 'delivered';
  if (s.delivered + s.skipped > 0) return 'partial';
  return s.failed > 0 ? 'failed' : 'cancelled';
}

function finish(batch, res) {
  const s = res.summary;
  s.files.forEach((f, i) => record(batch, { ...f, url: res.urls ? res.urls[i] : '' }));
  batch.summary = s;
  batch.phase = 'done';
  batch.progress = { ...batch.progress, files_done: s.files.length, bytes_sent: s.bytes_sent, rate: s.duration_ms ? Math.round((s.bytes_sent * 1000) / s.duration_ms) : 0, eta_secs: null, paused: false };
  batch.outcome = outcomeOf(batch);
  if (batch.lists.failed.length && batch.filter === 'all') batch.filter = 'failed';
  hooks.setRowState(batch.dest.id, { delivering: batches.some((b) => b.phase === 'running' && b.dest.id === batch.dest.id) });
  if (batch.startToast) batch.startToast.dismiss();
  const name = batch.dest.name;
  const skipped = s.skipped ? ` ${plural(s.skipped, 'file')} already there ${s.skipped === 1 ? 'was' : 'were'} skipped.` : '';
  if (batch.outcome === 'delivered') {
    toast(`Delivered ${plural(s.delivered, 'file')} to “${name}”`, { detail: `${formatBytes(s.bytes_sent)} in ${formatDuration(s.duration_ms)}.${skipped}` });
  } else if (batch.outcome === 'partial') {
    toast(`${formatCount(s.delivered)} of ${plural(batch.total, 'file')} delivered to “${name}”`, { kind: 'warning', detail: `${s.failed ? `${formatCount(s.failed)} failed. ` : ''}${s.cancelled ? `${formatCount(s.cancelled)} cancelled. ` : ''}${skipped}`.trim(), timeout: 10000 });
  } else if (batch.outcome === 'cancelled') {
    toast(`Delivery to “${name}” cancelled`, { kind: 'info', detail: `${plural(s.delivered, 'file')} had already been delivered.` });
  } else {
    const first = batch.errors.values().next().value;
    toast(`Nothing was delivered to “${name}”`, { kind: 'error', detail: first ? first.message : '', fix: first ? first.fix : '' });
  }
  if (batch === selected) scheduleRender();
  else renderBatchTabs();
  hooks.onBatchEnded();
}

function fail(batch, err) {
  batch.phase = 'error';
  batch.error = err;
  batch.outcome = 'failed';
  hooks.setRowState(batch.dest.id, { delivering: batches.some((b) => b.phase === 'running' && b.dest.id === batch.dest.id) });
  if (batch.startToast) batch.startToast.dismiss();
  errorToast(err, `Delivery to “${batch.dest.name}” could not run`);
  hooks.onBatchEnded();
  if (batch === selected) scheduleRender();
  else renderBatchTabs();
}

function percentOf(batch) {
  if (batch.phase === 'done' && batch.outcome !== 'cancelled') return 100;
  const p = batch.progress;
  const frac = p.bytes_total > 0 ? p.bytes_sent / p.bytes_total : p.files_total > 0 ? p.files_done / p.files_total : 0;
  return Math.max(0, Math.min(100, Math.floor(frac * 100)));
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
  if (!(await control(b, pause ? 'pause' : 'resume'))) b.progress = { ...b.progress, paused: !pause };
  scheduleRender();
}

async function cancelBatch() {
  const b = selected;
  if (!b || b.phase !== 'running' || b.cancelRequested) return;
  b.cancelRequested = true;
  render();
  if (!(await control(b, 'cancel'))) b.cancelRequested = false;
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
        : `Delivering to “${b.dest.name}”`
    : headline(b);
  const titleEl = $('#delivery-title');
  if (titleEl.textContent !== title) titleEl.textContent = title;
  const where = $('#delivery-where');
  if (where.dataset.batch !== String(b.id)) {
    where.dataset.batch = String(b.id);
    where.replaceChildren(providerMark(b.dest.provider, 'sm'), h('code', { text: destPath(b.dest) }));
  }
  const stateIcon = $('#delivery-state-icon');
  const wantIcon = running ? (b.progress.paused ? 'pause' : 'spinner') : { delivered: 'check', partial: 'warning', failed: 'error', cancelled: 'dash' }[b.outcome];
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
        h('span', { text: FILTER_LABEL[f] }),
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
          title: `${b.dest.name}, ${plural(b.total, 'file')}, started ${new Date(b.startedAt).toLocaleTimeString()}: ${b.phase === 'running' ? `${percentOf(b)}%` : b.outcome}`,
        },
        h('span', { class: 'batch-tab-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'batch-tab-name', text: `${b.dest.name} · ${plural(b.total, 'file')}` }),
        b.phase === 'running' ? h('span', { class: 'batch-tab-pct', text: `${percentOf(b)}%` }) : null,
      ),
    ),
  );
  if (focused) box.querySelector(`[data-batch="${focused}"]`)?.focus();
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
