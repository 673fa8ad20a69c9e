// Delivery: paths (or the rest of an interrupted batch) -> plan (planning
// never blocks the window) -> preview (unless the destination skips it) ->
// transfer, shown in the docked panel (panel.js); a drop may also go to
// other destinations chosen in its preview (also.js), each its own batch
// of one group -> what the outcome
// offers: retry what may succeed, new keys or overwriting for files that
// met existing objects, and a resume for a paused destination.

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { whenNoModal, confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { PlanRows } from '../lib/vlist.js';
import { showPreview } from './preview.js';
import { chooseNewKeys, confirmOverwrite } from './existing-objects.js';
import { formatCount, baseName, plural } from '../lib/format.js';
import { initPanel, startBatch, refreshOutcome } from './panel.js';
import { failedKinds } from './batch.js';
import { AlsoTargets } from './also.js';

export { hasRunningDelivery } from './panel.js';

/** Plans up to this many files are loaded whole before sending (so every result has its source). */
const PRELOAD_LIMIT = 20_000;

let hooks = {
  find: () => null, // id -> destination
  destinations: () => [], // the saved destinations, as listed
  onEditDestination: () => {},
  setRowState: () => {},
  onBatchEnded: () => {}, // a batch finished or could not run (the history changed)
  resume: async (d) => d, // resume a paused destination -> the fresh destination
};

/* ---------- planning ---------- */

const planning = new Map(); // destination id -> count of plans being made

function markPlanning(id, delta) {
  const n = (planning.get(id) || 0) + delta;
  if (n > 0) planning.set(id, n);
  else planning.delete(id);
  hooks.setRowState(id, { planning: n > 0 });
}

/**
 * A paused destination takes no deliveries: say so and offer to resume it.
 * Resolves the resumed destination, or null when the person keeps it paused.
 */
export async function offerResume(dest) {
  let resumed = null;
  const ok = await confirmAction({
    title: `“${dest.name}” is paused`,
    body: 'A paused destination receives no deliveries. Resume it to deliver these files; it stays active afterwards (pause it again from its row).',
    confirmLabel: 'Resume and deliver',
    cancelLabel: 'Keep it paused',
    icon: 'play',
    tone: 'primary',
    action: async () => {
      resumed = await hooks.resume(dest);
    },
  });
  return ok ? resumed : null;
}

/**
 * Plan `paths` for `dest`, preview them (unless the destination skips the
 * preview) and deliver. opts.returnFocus: where focus goes after the preview.
 * opts.origin: drop | dialog | retry, recorded in the history.
 * The preview offers the other active destinations too ("Also deliver
 * to…"). Resolves once every batch has ended (or none was sent).
 */
export async function deliverPaths(dest, paths, opts = {}) {
  if (!paths || !paths.length) return;
  const what = paths.length === 1 ? `“${baseName(paths[0])}”` : plural(paths.length, 'item');
  return deliverPlanned(dest, () => api.planDelivery(dest.id, paths), what, { ...opts, fanout: paths });
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

/**
 * A finished batch's files that met existing objects, from the History:
 * `rekey` asks for another prefix or template and previews the new keys;
 * `overwrite` names the objects, asks, and replaces them.
 */
export async function resolveExistingFromHistory(dest, batchId, mode, opts = {}) {
  let planned;
  try {
    planned = await api.historyPlan(batchId, 'existing');
  } catch (err) {
    errorToast(err, 'Could not prepare those files');
    return;
  }
  const what = plural(planned.files_total, 'file');
  if (mode === 'rekey') {
    const all = [...Array(planned.files_total).keys()];
    const preview = await chooseNewKeys({ dest, count: planned.files_total, returnFocus: opts.returnFocus, apply: (prefix, template) => api.rekeyPlan(planned.plan_id, all, false, prefix, template) });
    api.discardPlan(planned.plan_id).catch(() => {});
    if (preview) await deliverPlanned(dest, async () => preview, what, { ...opts, origin: 'retry', forcePreview: true });
    return;
  }
  const keys = planned.files.map((f) => f.key);
  if (!(await confirmOverwrite({ dest, keys, total: planned.files_total, returnFocus: opts.returnFocus }))) {
    api.discardPlan(planned.plan_id).catch(() => {});
    return;
  }
  await deliverPlanned(dest, async () => planned, what, { ...opts, origin: 'retry', overwrite: 'overwrite', confirmed: true });
}

/**
 * Resume a batch cut short (Chute quit or crashed), from the History: its
 * files not delivered yet are sent in the delivery panel like any batch,
 * with pause and cancel, and the batch goes on under its own id.
 * Resolves once it has ended (or could not start).
 */
export async function resumeInterrupted(dest, batchId, opts = {}) {
  return deliverPlanned(dest, () => api.resumePlan(batchId), 'the interrupted delivery', { ...opts, origin: 'resume', confirmed: true });
}

/** Plan with `makePlan` (paths, a retry of an earlier plan, or the rest of an interrupted batch), preview, deliver. */
async function deliverPlanned(dest, makePlan, what, opts = {}) {
  if (!dest.active) {
    dest = await offerResume(dest);
    if (!dest) return;
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
  let rows = new PlanRows(plan.plan_id, plan.files, plan.files_total, api.planPage);
  const fresh = hooks.find(dest.id) || dest;
  // A policy for this batch only: chosen in the preview, or confirmed already.
  let overwrite = opts.overwrite || null;

  // A retry whose files went missing says so before sending the rest.
  const retryProblems = opts.origin === 'retry' && plan.problems.length > 0;
  const asked = opts.confirmed && !retryProblems && plan.collisions.length === 0 && plan.files_total > 0;
  const mustPreview = !asked && (opts.forcePreview || retryProblems || plan.confirm || plan.collisions.length > 0 || plan.files_total === 0);
  // A drop may also go to the other active destinations, chosen in the preview.
  const others = opts.fanout && mustPreview ? hooks.destinations().filter((d) => d.id !== dest.id && d.active) : [];
  const also = others.length ? new AlsoTargets(opts.fanout, others) : null;
  if (mustPreview) {
    for (;;) {
      const answer = await queuePreview({
        dest: fresh,
        plan,
        rows,
        also,
        returnFocus: opts.returnFocus,
        onConfirm: () => Promise.all([preload(rows), ...(also ? also.sendable().map((e) => preload(e.rows)) : [])]),
        onEditDestination: () => hooks.onEditDestination(fresh),
      });
      if (answer && answer.replan) {
        // New keys chosen for some files: preview the new plan instead.
        api.discardPlan(plan.plan_id).catch(() => {});
        plan = answer.replan;
        rows = new PlanRows(plan.plan_id, plan.files, plan.files_total, api.planPage);
        continue;
      }
      if (!answer) {
        api.discardPlan(plan.plan_id).catch(() => {});
        if (also) also.discard();
        return;
      }
      overwrite = answer.overwrite || overwrite;
      break;
    }
  } else {
    await preload(rows);
  }
  // Paused or deleted while the preview was open.
  let now = hooks.find(dest.id);
  if (now && !now.active) now = await offerResume(now);
  if (!now) {
    api.discardPlan(plan.plan_id).catch(() => {});
    if (also) also.discard();
    if (!hooks.find(dest.id)) toast(`“${dest.name}” no longer exists`, { kind: 'error', fix: 'Drop the files on another destination.' });
    return;
  }
  const extra = also ? stillActive(also.sendable()) : [];
  if (also) also.discard(extra.map((e) => e.plan.plan_id));
  if (!extra.length) return startBatch(now, plan, rows, opts.origin || 'drop', overwrite);
  return startDrop(now, plan, rows, opts.origin || 'drop', overwrite, extra);
}

/** The other destinations chosen for a drop that are still there and active (one paused meanwhile is left out, and said so). */
function stillActive(chosen) {
  return chosen
    .map((e) => ({ ...e, dest: hooks.find(e.dest.id) }))
    .filter((e, i) => {
      if (e.dest && e.dest.active) return true;
      toast(`Nothing was delivered to “${chosen[i].dest.name}”`, { kind: 'error', fix: e.dest ? 'It was paused meanwhile: resume it, then deliver again.' : 'It was deleted meanwhile.' });
      api.discardPlan(e.plan.plan_id).catch(() => {});
      return false;
    });
}

/**
 * One drop to several destinations: its plans made one group (the history
 * keeps them together), then each sent as its own batch, side by side;
 * one failing never stops the others. Resolves once all have ended.
 */
async function startDrop(dest, plan, rows, origin, overwrite, extra) {
  try {
    await api.groupPlans([plan.plan_id, ...extra.map((e) => e.plan.plan_id)]);
  } catch (err) {
    errorToast(err, 'Could not deliver to several destinations');
    for (const p of [plan, ...extra.map((e) => e.plan)]) api.discardPlan(p.plan_id).catch(() => {});
    return;
  }
  const names = [dest, ...extra.map((e) => e.dest)].map((d) => d.name);
  const drop = (i) => ({ index: i, names });
  await Promise.all([
    startBatch(dest, plan, rows, origin, overwrite, drop(0)),
    ...extra.map((e, i) => startBatch(e.dest, e.plan, e.rows, origin, null, drop(i + 1))),
  ]);
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

/* ---------- what a finished batch offers ---------- */

function isPaused(b) {
  const d = hooks.find(b.dest.id);
  return Boolean(d && !d.active);
}

function existingActions(b, existing, unavailable) {
  const n = formatCount(existing.length);
  return [
    h('button', { type: 'button', id: 'delivery-rekey', class: 'button button--secondary button--small', ...unavailable, on: { click: (e) => rekeyExisting(b, existing, e.currentTarget) } }, icon('edit'), h('span', { text: `New keys for ${n}…` })),
    h('button', { type: 'button', id: 'delivery-overwrite', class: 'button button--secondary button--small', ...unavailable, on: { click: (e) => overwriteExisting(b, existing, e.currentTarget) } }, icon('upload'), h('span', { text: `Overwrite ${n}…` })),
  ];
}

/** Files refused as existing, under another prefix or key template (previewed). */
async function rekeyExisting(b, indexes, button) {
  const dest = hooks.find(b.dest.id);
  if (!dest) return;
  const preview = await chooseNewKeys({ dest, count: indexes.length, returnFocus: button, apply: (prefix, template) => api.rekeyPlan(b.plan.plan_id, indexes, false, prefix, template) });
  if (preview) await deliverPlanned(dest, async () => preview, plural(indexes.length, 'file'), { returnFocus: button, origin: 'retry', forcePreview: true });
}

/** Files refused as existing, sent again replacing the objects, after a confirmation naming them. */
async function overwriteExisting(b, indexes, button) {
  const dest = hooks.find(b.dest.id);
  if (!dest) return;
  const keys = indexes.map((i) => b.results[i].key);
  if (!(await confirmOverwrite({ dest, keys, total: keys.length, returnFocus: button }))) return;
  await deliverPlanned(dest, () => api.retryPlan(b.plan.plan_id, indexes), plural(indexes.length, 'file'), { returnFocus: button, origin: 'retry', overwrite: 'overwrite', confirmed: true });
}

async function resumeAndRetry(b) {
  const dest = hooks.find(b.dest.id);
  if (!dest) return;
  try {
    await hooks.resume(dest);
  } catch (err) {
    errorToast(err, `Could not resume “${dest.name}”`);
    return;
  }
  const { retryable, existing } = failedKinds(b);
  if (retryable.length) retry(b);
  else if (existing.length) rekeyExisting(b, existing, $('#delivery-rekey'));
}

/** Deliver the failed (and cancelled) files of a finished batch again, under the same keys; files refused as existing are left to their own actions. */
async function retry(b) {
  const indexes = failedKinds(b).retryable;
  if (!indexes.length) return;
  const dest = hooks.find(b.dest.id);
  if (!dest) {
    toast('That destination no longer exists', { kind: 'error', fix: 'Drop the files on another destination.' });
    return;
  }
  await deliverPlanned(dest, () => api.retryPlan(b.plan.plan_id, indexes), plural(indexes.length, 'file'), { returnFocus: $('#delivery-retry'), origin: 'retry' });
}

/** The outcome's offer for a finished batch: extra lines and action buttons. */
function outcomeActions(b) {
  const s = b.summary;
  const lines = [];
  const actions = [];
  const paused = isPaused(b);
  const unavailable = paused ? { 'aria-disabled': 'true', title: `“${b.dest.name}” is paused: resume it to deliver` } : {};
  const { existing, retryable } = failedKinds(b);
  if (s && retryable.length > 0) {
    const label = s.cancelled === 0 ? 'Retry failed' : retryable.length === s.cancelled ? 'Retry cancelled' : 'Retry the rest';
    actions.push(h('button', { type: 'button', id: 'delivery-retry', class: `button button--small ${paused ? 'button--secondary is-unavailable' : 'button--primary'}`, ...unavailable, on: { click: () => retry(b) } }, icon('refresh'), h('span', { text: `${label} (${formatCount(retryable.length)})` })));
  }
  if (s && existing.length > 0) {
    // A retry cannot succeed for these: offer what can.
    actions.push(...existingActions(b, existing, unavailable));
    lines.push(h('p', { class: 'outcome-detail', dataset: { detail: 'existing' }, text: `${plural(existing.length, 'file')} met ${existing.length === 1 ? 'an object' : 'objects'} already in the bucket and ${existing.length === 1 ? 'was' : 'were'} not sent. Give ${existing.length === 1 ? 'it a new key' : 'them new keys'}, overwrite ${existing.length === 1 ? 'it' : 'them'}, or leave ${existing.length === 1 ? 'it' : 'them'}: the objects stay as they are.` }));
  }
  if (paused && actions.length) {
    actions.unshift(h('button', { type: 'button', id: 'delivery-resume-deliver', class: 'button button--primary button--small', on: { click: () => resumeAndRetry(b) } }, icon('play'), h('span', { text: 'Resume and deliver' })));
  }
  return { lines, actions };
}

export function initDelivery(opts) {
  hooks = { ...hooks, ...opts };
  initPanel({
    setRowState: (...a) => hooks.setRowState(...a),
    onBatchEnded: () => hooks.onBatchEnded(),
    outcomeActions,
    outcomeKey: (b) => String(isPaused(b)),
  });
}

/** A destination was paused or resumed: the panel's offer may change. */
export function destinationsChanged() {
  refreshOutcome();
}
