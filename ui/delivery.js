// Delivery: paths -> plan (planning never blocks the window) -> preview
// (unless the destination skips it) -> transfer with live progress in the
// docked panel #delivery-progress -> results with links, presigned links
// and "Retry failed".
//
// Progress arrives at most ten times a second; the DOM is updated at most
// once per animation frame, and the file list is virtualised, so a batch of
// 100,000 files costs the same to show as one of ten.
//
// Hooks: #delivery-bar[data-percent], #delivery-stats, #delivery-pause,
// #delivery-cancel-batch, #delivery-outcome[data-outcome], #delivery-retry,
// .delivery-file[data-status][data-index] with .delivery-url,
// [data-act="copy" | "presign" | "cancel-file"].

import { api } from './api.js';
import { $, h, plural, richText, destPath } from './dom.js';
import { icon, providerMark } from './icons.js';
import { whenNoModal } from './dialogs.js';
import { toast, errorToast } from './toast.js';
import { PlanRows, VirtualList } from './vlist.js';
import { showPreview, planNotices } from './preview.js';
import { openPresign } from './presign.js';
import { copyText } from './diagnosis.js';
import { formatBytes, formatRate, formatEta, formatDuration, formatCount, baseName } from './format.js';

const ROW_HEIGHT = 54;
/** Plans up to this many files are loaded whole before sending (so every result has its source). */
const PRELOAD_LIMIT = 20_000;
const STATUSES = ['delivered', 'failed', 'skipped', 'cancelled'];
const FILTER_LABEL = { all: 'All', delivered: 'Delivered', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled' };
const STATUS_ICON = { delivered: 'check', failed: 'error', skipped: 'skip', cancelled: 'dash', pending: null };
const STATUS_TEXT = { delivered: 'Delivered', failed: 'Failed', skipped: 'Skipped', cancelled: 'Cancelled', pending: 'Waiting', cancelling: 'Cancelling' };

let hooks = {
  find: () => null, // id -> destination
  onEditDestination: () => {},
  setRowState: () => {},
  onBatchEnded: () => {}, // a batch finished or could not run (the history changed)
};

const batches = []; // oldest first
let selected = null;
let seq = 0;
let vlist;
let frame = 0;
let panel;

/* ---------- planning ---------- */

const planning = new Map(); // destination id -> count of plans being made

function markPlanning(id, delta) {
  const n = (planning.get(id) || 0) + delta;
  if (n > 0) planning.set(id, n);
  else planning.delete(id);
  hooks.setRowState(id, { planning: n > 0 });
}

/** A paused destination refuses deliveries, with a way forward. */
export function refusePaused(dest) {
  toast(`“${dest.name}” is paused`, {
    kind: 'warning',
    detail: 'Paused destinations receive no deliveries.',
    fix: 'Resume it with the ▶ button on its row, then deliver the files again.',
    timeout: 8000,
  });
}

/**
 * Plan `paths` for `dest`, preview them (unless the destination skips the
 * preview) and deliver. opts.returnFocus: where focus goes after the preview.
 * opts.origin: drop | dialog | retry, recorded in the history.
 */
export async function deliverPaths(dest, paths, opts = {}) {
  if (!paths || !paths.length) return;
  const what = paths.length === 1 ? `“${baseName(paths[0])}”` : plural(paths.length, 'item');
  return deliverPlanned(dest, () => api.planDelivery(dest.id, paths), what, opts);
}

/**
 * Send a finished batch's files again, from the History: `which` is
 * 'failed' (those not delivered, as a retry) or 'all' (a re-delivery,
 * always previewed). Keys are the ones the files had.
 */
export async function deliverFromHistory(dest, batchId, which, opts = {}) {
  const all = which === 'all';
  const what = all ? 'the delivery' : 'the files not delivered';
  return deliverPlanned(dest, () => api.historyPlan(batchId, all ? 'all' : 'failed'), what, { ...opts, origin: all ? 'redeliver' : 'retry', forcePreview: all });
}

/** Plan with `makePlan` (paths, or a retry of an earlier plan), preview, deliver. */
async function deliverPlanned(dest, makePlan, what, opts = {}) {
  if (!dest.active) {
    refusePaused(dest);
    return;
  }
  markPlanning(dest.id, +1);
  let slow = null;
  const slowTimer = setTimeout(() => {
    slow = toast(`Reading ${what} for “${dest.name}”…`, { kind: 'info', busy: true, timeout: 0, detail: 'Large folders take a moment. You can keep working.' });
  }, 500);
  let plan;
  try {
    plan = await makePlan();
  } catch (err) {
    errorToast(err, `Could not prepare the delivery to “${dest.name}”`);
    return;
  } finally {
    clearTimeout(slowTimer);
    if (slow) slow.dismiss();
    markPlanning(dest.id, -1);
  }
  const rows = new PlanRows(plan.plan_id, plan.files, plan.files_total, api.planPage);
  const fresh = hooks.find(dest.id) || dest;

  // A retry whose files went missing says so before sending the rest.
  const retryProblems = opts.origin === 'retry' && plan.problems.length > 0;
  const mustPreview = opts.forcePreview || retryProblems || plan.confirm || plan.collisions.length > 0 || plan.files_total === 0;
  if (mustPreview) {
    const confirmed = await queuePreview({
      dest: fresh,
      plan,
      rows,
      returnFocus: opts.returnFocus,
      onConfirm: () => preload(rows),
      onEditDestination: () => hooks.onEditDestination(fresh),
    });
    if (!confirmed) {
      api.discardPlan(plan.plan_id).catch(() => {});
      return;
    }
  } else {
    await preload(rows);
  }
  // Paused or deleted while the preview was open.
  const now = hooks.find(dest.id);
  if (!now || !now.active) {
    api.discardPlan(plan.plan_id).catch(() => {});
    if (now) refusePaused(now);
    else toast(`“${dest.name}” no longer exists`, { kind: 'error', fix: 'Drop the files on another destination.' });
    return;
  }
  start(now, plan, rows, opts.origin || 'drop');
}

// Previews are shown one at a time, each once no other dialog is open.
let previewQueue = Promise.resolve();

function queuePreview(args) {
  const run = previewQueue.then(async () => {
    await whenNoModal();
    return showPreview(args);
  });
  previewQueue = run.catch(() => {});
  return run;
}

async function preload(rows) {
  if (rows.total <= PRELOAD_LIMIT) await rows.loadAll();
}

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

function start(dest, plan, rows, origin) {
  const batch = newBatch(dest, plan, rows);
  batches.push(batch);
  select(batch);
  showPanel();
  hooks.setRowState(dest.id, { delivering: true });
  batch.startToast = toast(`Delivering ${plural(batch.total, 'file')} to “${dest.name}”`, { kind: 'info', detail: `${formatBytes(plan.total_bytes)} to \`${destPath(dest)}\``, timeout: 4000 });
  if (!rows.complete) rows.loadAll(); // very large plans: load the rest while sending
  rows.onLoad(() => batch === selected && vlist.schedule());
  api
    .startDelivery(plan.plan_id, (u) => onUpdate(batch, u), origin)
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

/** Deliver the failed (and cancelled) files of a finished batch again, under the same keys. */
async function retry(b) {
  const indexes = [...b.lists.failed, ...b.lists.cancelled];
  if (!indexes.length) return;
  const dest = hooks.find(b.dest.id);
  if (!dest) {
    toast('That destination no longer exists', { kind: 'error', fix: 'Drop the files on another destination.' });
    return;
  }
  await deliverPlanned(dest, () => api.retryPlan(b.plan.plan_id, indexes), plural(indexes.length, 'file'), { returnFocus: $('#delivery-retry'), origin: 'retry' });
}

async function copyAllLinks(b) {
  const urls = b.lists.delivered.map((i) => b.results[i].url).filter(Boolean);
  const ok = await copyText(urls.join('\n'));
  toast(ok ? `Copied ${plural(urls.length, 'link')}` : 'Could not copy the links', { kind: ok ? 'success' : 'error', timeout: 2500 });
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
  lastErrorsKey = '';
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
let lastErrorsKey = '';
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

  renderOutcome(b);
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

function headline(b) {
  const s = b.summary;
  const name = b.dest.name;
  if (!s) return `Delivery to “${name}” could not run`;
  switch (b.outcome) {
    case 'delivered':
      return s.skipped && !s.delivered ? `Nothing new for “${name}”` : `Delivered to “${name}”`;
    case 'partial':
      return `Partly delivered to “${name}”`;
    case 'cancelled':
      return `Delivery to “${name}” cancelled`;
    default:
      return `Delivery to “${name}” failed`;
  }
}

function statsParts(b) {
  const p = b.progress;
  const sep = () => h('span', { class: 'stat-sep', 'aria-hidden': 'true', text: '·' });
  const parts = [];
  if (b.phase === 'running') {
    if (p.paused) parts.push(h('span', { class: 'stat stat--paused', text: 'Paused' }));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'bytes' } }, h('strong', { text: formatBytes(p.bytes_sent) }), ` of ${formatBytes(p.bytes_total)}`));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'files' } }, h('strong', { text: formatCount(p.files_done) }), ` of ${plural(p.files_total, 'file')}`));
    if (!p.paused && p.rate > 0) parts.push(h('span', { class: 'stat', dataset: { stat: 'rate' }, text: formatRate(p.rate) }));
    const eta = p.paused ? '' : formatEta(p.eta_secs);
    if (eta) parts.push(h('span', { class: 'stat', dataset: { stat: 'eta' }, text: eta }));
  } else if (b.summary) {
    const s = b.summary;
    parts.push(h('span', { class: 'stat', dataset: { stat: 'bytes' } }, h('strong', { text: formatBytes(s.bytes_sent) }), ` sent in ${formatDuration(s.duration_ms)}`));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'files' } }, h('strong', { text: formatCount(s.delivered) }), ` of ${plural(b.total, 'file')} delivered`));
    if (s.duration_ms > 0 && s.bytes_sent > 0) parts.push(h('span', { class: 'stat', dataset: { stat: 'rate' }, text: `${formatRate((s.bytes_sent * 1000) / s.duration_ms)} on average` }));
  } else if (b.error) {
    parts.push(h('span', { class: 'stat', text: `${plural(b.total, 'file')} not sent` }));
  }
  return parts.flatMap((x, i) => (i ? [sep(), x] : [x]));
}

function renderOutcome(b) {
  const box = $('#delivery-outcome');
  const key = `${b.id}|${b.phase}|${b.outcome}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (b.phase === 'running') {
    box.hidden = true;
    box.removeAttribute('data-outcome');
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.dataset.outcome = b.outcome;
  const s = b.summary;
  const lines = [];
  let title;
  if (!s) {
    title = b.error ? b.error.message : 'The delivery could not run.';
    if (b.error && b.error.fix) lines.push(h('p', { class: 'outcome-fix' }, richText(b.error.fix)));
  } else {
    const parts = [];
    if (s.delivered) parts.push(`${plural(s.delivered, 'file')} delivered`);
    if (s.skipped) parts.push(`${formatCount(s.skipped)} skipped (already there)`);
    if (s.failed) parts.push(`${formatCount(s.failed)} failed`);
    if (s.cancelled) parts.push(`${formatCount(s.cancelled)} cancelled`);
    title = parts.join(', ') || 'No file was delivered';
    if (b.outcome === 'delivered' && s.delivered) lines.push(h('p', { class: 'outcome-detail', text: 'Each file’s link is below. Links work for anyone only if the bucket allows public reads; “Presigned link…” makes one that works for a limited time.' }));
    else if (b.outcome === 'failed') lines.push(h('p', { class: 'outcome-detail', text: 'Nothing was delivered. What went wrong, and what to do, is below.' }));
  }
  const actions = [];
  if (s && s.failed + s.cancelled > 0) {
    const label = s.cancelled === 0 ? 'Retry failed' : s.failed === 0 ? 'Retry cancelled' : 'Retry the rest';
    actions.push(h('button', { type: 'button', id: 'delivery-retry', class: 'button button--primary button--small', on: { click: () => retry(b) } }, icon('refresh'), h('span', { text: `${label} (${formatCount(s.failed + s.cancelled)})` })));
  }
  if (s && s.delivered > 0) {
    actions.push(h('button', { type: 'button', id: 'delivery-copy-all', class: 'button button--secondary button--small', on: { click: () => copyAllLinks(b) } }, icon('copy'), h('span', { text: s.delivered === 1 ? 'Copy link' : `Copy all ${formatCount(s.delivered)} links` })));
  }
  box.replaceChildren(
    ...[h('div', { class: 'outcome-text' }, h('p', { class: 'outcome-title' }, richText(title)), ...lines), actions.length ? h('div', { class: 'outcome-actions' }, actions) : null].filter(Boolean),
  );
}

function renderNotes(b) {
  const key = `${b.id}|${b.errorsVersion}`;
  if (key === lastErrorsKey) return;
  lastErrorsKey = key;
  const box = $('#delivery-notes');
  const cards = [];
  for (const [code, g] of b.errors) {
    cards.push(
      h(
        'section',
        { class: 'delivery-error', dataset: { code } },
        icon('error', 'delivery-error-icon'),
        h(
          'div',
          { class: 'delivery-error-text' },
          h('p', { class: 'delivery-error-message' }, richText(g.message), g.count > 1 ? h('span', { class: 'delivery-error-count', text: ` (${formatCount(g.count)} files)` }) : null),
          g.fix ? h('p', { class: 'delivery-error-fix' }, richText(g.fix)) : null,
          g.s3_code || g.request_id
            ? h('p', { class: 'delivery-error-meta' }, g.s3_code ? h('span', {}, 'S3 code ', h('code', { text: g.s3_code })) : null, g.request_id ? h('span', {}, 'request id ', h('code', { text: g.request_id })) : null)
            : null,
        ),
      ),
    );
  }
  // When the preview was skipped, what the plan left behind is shown here.
  if (!b.plan.confirm) cards.push(...planNotices(b.plan, { includeCollisions: false }));
  box.replaceChildren(...cards);
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

/* ---------- the file list ---------- */

function itemCount(b) {
  return b.filter === 'all' ? b.total : b.lists[b.filter].length;
}

function itemIndex(b, i) {
  return b.filter === 'all' ? i : b.lists[b.filter][i];
}

function fileStatus(b, index) {
  const r = b.results[index];
  if (r) return r.status;
  if (b.cancelling.has(index)) return 'cancelling';
  return 'pending';
}

function fileRow(i) {
  const b = selected;
  const index = itemIndex(b, i);
  const r = b.results[index];
  const row = b.rows.get(index);
  const status = fileStatus(b, index);
  const name = row ? row.relpath : r ? r.key : `File ${formatCount(index + 1)}`;
  const key = r ? r.key : row ? row.key : '';
  const running = b.phase === 'running';

  let detail;
  if (status === 'delivered') {
    detail = h('span', { class: 'delivery-url mono', title: r.url, text: r.url || r.key });
  } else if (status === 'failed') {
    // The fix is on the error's card above the list (one per kind of error).
    const e = r.error || { message: 'Failed.', fix: '' };
    const plain = (t) => String(t || '').replace(/`/g, '');
    detail = h('span', { class: 'delivery-file-error', title: e.fix ? `${plain(e.message)}\n${plain(e.fix)}` : plain(e.message) }, richText(e.message));
  } else if (status === 'skipped') {
    detail = h('span', { class: 'delivery-file-note' }, 'Already in the bucket, left as it is: ', h('code', { text: key }));
  } else if (status === 'cancelled') {
    detail = h('span', { class: 'delivery-file-note', text: 'Cancelled: not delivered' });
  } else {
    detail = h('span', { class: 'delivery-file-key mono', title: key }, h('span', { class: 'plan-arrow', 'aria-hidden': 'true' }, '→ '), key);
  }

  const actions = [];
  if (status === 'delivered') {
    actions.push(
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'copy', focusKey: 'copy' }, 'aria-label': `Copy the link to ${key}` }, icon('copy'), h('span', { text: 'Copy link' })),
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'presign', focusKey: 'presign' }, 'aria-label': `Presigned link for ${key}…` }, icon('link'), h('span', { text: 'Presigned link…' })),
    );
  } else if (status === 'pending' && running && !b.cancelRequested) {
    actions.push(h('button', { type: 'button', class: 'icon-button', dataset: { act: 'cancel-file', focusKey: 'cancel' }, 'aria-label': `Cancel ${name}`, title: 'Cancel this file' }, icon('close')));
  }

  const iconName = STATUS_ICON[status];
  return h(
    'div',
    { class: 'delivery-file', role: 'listitem', dataset: { status, index: String(index) }, 'aria-posinset': String(i + 1), 'aria-setsize': String(itemCount(b)) },
    h('span', { class: 'delivery-file-icon', title: STATUS_TEXT[status] }, iconName ? icon(iconName) : h('span', { class: status === 'cancelling' ? 'spinner spinner--small' : 'pending-dot' }), h('span', { class: 'sr-only', text: `${STATUS_TEXT[status]}: ` })),
    h(
      'span',
      { class: 'delivery-file-main' },
      h('span', { class: 'delivery-file-line' }, h('span', { class: 'delivery-file-name', title: row ? row.source : name, text: name }), h('span', { class: 'delivery-file-size', text: row ? formatBytes(row.size) : r ? formatBytes(r.bytes) : '' })),
      detail,
    ),
    h('span', { class: 'delivery-file-actions' }, actions),
  );
}

function rowSignature(i) {
  const b = selected;
  if (!b) return '';
  const index = itemIndex(b, i);
  return `${b.id}|${index}|${fileStatus(b, index)}|${b.rows.get(index) ? 1 : 0}|${b.phase}|${b.cancelRequested ? 1 : 0}|${b.results[index] && b.results[index].url ? 1 : 0}`;
}

async function onListClick(e) {
  const btn = e.target.closest('button[data-act]');
  const b = selected;
  if (!btn || !b) return;
  const index = Number(btn.closest('.delivery-file').dataset.index);
  const r = b.results[index];
  if (btn.dataset.act === 'cancel-file') cancelFile(b, index);
  else if (btn.dataset.act === 'copy' && r) {
    const ok = await copyText(r.url);
    const label = btn.querySelector('span:not(.icon-wrap)');
    btn.dataset.copied = String(ok);
    if (label) label.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => {
      delete btn.dataset.copied;
      if (label) label.textContent = 'Copy link';
    }, 1600);
  } else if (btn.dataset.act === 'presign' && r) {
    openPresign({ dest: b.dest, key: r.key, returnFocus: btn });
  }
}

/* ---------- wiring ---------- */

export function hasRunningDelivery() {
  return batches.some((b) => b.phase === 'running');
}

export function initDelivery(opts) {
  hooks = { ...hooks, ...opts };
  panel = $('#delivery-progress');
  vlist = new VirtualList($('#delivery-files'), {
    rowHeight: ROW_HEIGHT,
    render: fileRow,
    signature: rowSignature,
    onRange: (first, last) => {
      const b = selected;
      if (!b) return;
      if (b.filter === 'all') b.rows.ensure(first, last);
    },
  });
  $('#delivery-files').addEventListener('click', onListClick);
  $('#delivery-files').addEventListener('keydown', (e) => {
    if (e.target !== e.currentTarget) return;
    const vp = e.currentTarget;
    const page = vp.clientHeight - ROW_HEIGHT;
    const moves = { ArrowDown: ROW_HEIGHT, ArrowUp: -ROW_HEIGHT, PageDown: page, PageUp: -page };
    if (e.key in moves) vp.scrollTop += moves[e.key];
    else if (e.key === 'Home') vp.scrollTop = 0;
    else if (e.key === 'End') vp.scrollTop = vp.scrollHeight;
    else return;
    e.preventDefault();
  });
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
