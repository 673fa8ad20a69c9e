// When a watch delivers, beyond its settle time: its daily delivery hours
// (#w-hours-from, #w-hours-to; local time, optional) and combining the
// files that settle within a window into one .gz object (#w-batch, with
// #w-batch-window seconds and the optional caps #w-batch-files and
// #w-batch-mb). Read from the form as the core's settings, put back into
// it, and said in words on a watch's card. The core checks them and names
// the field it refuses (`hours`, `batch`).

import { formatSecs } from '../lib/format.js';

/** The core's defaults for a batching watch (src-tauri/core/src/watch/model.rs). */
const BATCH_DEFAULTS = { window_ms: 60_000, max_files: 1000, max_bytes: 64 * 1024 * 1024 };
const MB = 1024 * 1024;

/** A number as typed ("60", "0,5"); NaN when it is none. */
function number(text) {
  const t = String(text).trim().replace(',', '.');
  return t ? Number(t) : NaN;
}

/** A count or size as typed, `fallback` when left empty, 0 when it is no number (the core then says what fits). */
function optional(text, scale, fallback) {
  if (!String(text).trim()) return fallback;
  const n = number(text);
  return Number.isFinite(n) && n > 0 ? Math.round(n * scale) : 0;
}

/** {batch, hours} as the form says them; null where not chosen. */
export function readTiming(form) {
  const f = form.elements;
  const from = f.hours_from.value.trim();
  const to = f.hours_to.value.trim();
  const hours = from || to ? { from, to } : null;
  const batch = f.batch.checked
    ? {
        window_ms: optional(f.batch_window.value, 1000, 0),
        max_files: optional(f.batch_files.value, 1, BATCH_DEFAULTS.max_files),
        max_bytes: optional(f.batch_mb.value, MB, BATCH_DEFAULTS.max_bytes),
      }
    : null;
  return { batch, hours };
}

/** Show the window and caps only while combining is chosen. */
export function showBatchOptions(form) {
  form.querySelector('#w-batch-options').hidden = !form.elements.batch.checked;
}

/** Put watch `w`'s hours and batching into the form (after form.reset()); caps at their default stay empty. */
export function fillTiming(form, w) {
  const f = form.elements;
  f.hours_from.value = w.hours ? w.hours.from : '';
  f.hours_to.value = w.hours ? w.hours.to : '';
  const b = w.batch;
  f.batch.checked = Boolean(b);
  f.batch_window.value = b ? String(b.window_ms / 1000) : '60';
  f.batch_files.value = b && b.max_files !== BATCH_DEFAULTS.max_files ? String(b.max_files) : '';
  f.batch_mb.value = b && b.max_bytes !== BATCH_DEFAULTS.max_bytes ? String(Math.round((b.max_bytes / MB) * 1000) / 1000) : '';
  showBatchOptions(form);
}

/** "2 s", "0.5 s", "5 min". */
export function settleText(ms) {
  return ms < 60_000 ? `${ms / 1000} s` : formatSecs(ms / 1000);
}

/** "Delivers 22:00–06:00", or null. */
export function hoursText(w) {
  return w.hours ? `Delivers ${w.hours.from}–${w.hours.to}` : null;
}

/** "One .gz object a minute", "One .gz object every 30 s, or at 500 files", or null. */
export function batchText(w) {
  const b = w.batch;
  if (!b) return null;
  const every = b.window_ms === 60_000 ? 'a minute' : b.window_ms === 3_600_000 ? 'an hour' : `every ${settleText(b.window_ms)}`;
  const caps = [];
  if (b.max_files !== BATCH_DEFAULTS.max_files) caps.push(`${b.max_files} files`);
  if (b.max_bytes !== BATCH_DEFAULTS.max_bytes) caps.push(`${Math.round((b.max_bytes / MB) * 10) / 10} MB`);
  return `One .gz object ${every}${caps.length ? `, or sooner at ${caps.join(' or ')}` : ''}`;
}
