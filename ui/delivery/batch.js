// One batch as the delivery panel keeps it: the plan and its rows, each
// file's result as it arrives (listed by status), the errors grouped by
// code, the progress, and once it ends its summary and outcome.

import { percentDone } from '../lib/progress.js';

/** The statuses a finished file can have, as the batch lists them. */
export const STATUSES = ['delivered', 'failed', 'skipped', 'cancelled'];

let seq = 0;

/** A batch about to be sent; `resumed`: the rest of an interrupted one. */
export function newBatch(dest, plan, rows, resumed = false) {
  return {
    id: ++seq,
    dest,
    plan,
    rows,
    resumed,
    total: plan.files_total,
    results: new Array(plan.files_total),
    lists: { delivered: [], failed: [], skipped: [], cancelled: [] },
    progress: { bytes_sent: 0, bytes_total: plan.total_bytes, files_done: 0, files_total: plan.files_total, rate: 0, eta_secs: null, paused: false, rate_limit: null, slowed_to: null },
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

/** A file's result (once: a repeat only adds a late URL). */
export function record(batch, f) {
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

/**
 * The batch has ended: its summary from the core (its counts, and the files
 * that did not land; each file's result came as it ended) and the outcome by
 * the core's one rule (as the History shows it).
 */
export function completeBatch(batch, s) {
  s.not_landed.forEach((f) => record(batch, f));
  batch.summary = s;
  batch.phase = 'done';
  const done = s.delivered + s.skipped + s.failed + s.cancelled;
  batch.progress = { ...batch.progress, files_done: done, bytes_sent: s.bytes_sent, rate: s.duration_ms ? Math.round((s.bytes_sent * 1000) / s.duration_ms) : 0, eta_secs: null, paused: false };
  batch.outcome = s.outcome;
  if (batch.lists.failed.length && batch.filter === 'all') batch.filter = 'failed';
}

/** How far the batch has got, 0 to 100. */
export function percentOf(batch) {
  if (batch.phase === 'done' && batch.outcome !== 'cancelled') return 100;
  return percentDone(batch.progress);
}

/** The failed files that met existing objects, and the rest that a retry may deliver. */
export function failedKinds(b) {
  const existing = b.lists.failed.filter((i) => b.results[i] && b.results[i].error && b.results[i].error.code === 'already_exists');
  const taken = new Set(existing);
  return { existing, retryable: [...b.lists.failed.filter((i) => !taken.has(i)), ...b.lists.cancelled] };
}
