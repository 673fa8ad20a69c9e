// How a delivery is summed up wherever the History shows it: its badge,
// its counts line, how it was started, and how many of its files were
// not delivered.

import { h } from '../lib/dom.js';
import { formatCount, plural } from '../lib/format.js';

const OUTCOME_TEXT = { delivered: 'Delivered', partial: 'Partly delivered', failed: 'Failed', cancelled: 'Cancelled' };
const STATE_TEXT = { running: 'Running', interrupted: 'Interrupted', discarded: 'Discarded', finished: 'Finished' };
const ORIGIN_TEXT = { drop: 'Dropped', dialog: 'Chosen', cli: 'Command line', retry: 'Retry', resume: 'Resumed', redeliver: 'Re-delivered' };

/** The badge of a batch: its outcome once finished, else its state. */
export function batchBadge(row) {
  const key = row.state === 'finished' ? row.outcome || 'finished' : row.state;
  const text = row.state === 'finished' ? OUTCOME_TEXT[row.outcome] || 'Finished' : STATE_TEXT[row.state] || row.state;
  return h('span', { class: `status-badge status-badge--${key}`, dataset: { badge: key } }, h('span', { class: 'status-badge-dot', 'aria-hidden': 'true' }), text);
}

/** "2 of 3 files delivered · 1 failed". */
export function batchCountsText(row) {
  const parts = [`${formatCount(row.delivered)} of ${plural(row.files_total, 'file')} delivered`];
  if (row.skipped) parts.push(`${formatCount(row.skipped)} skipped`);
  if (row.failed) parts.push(`${formatCount(row.failed)} failed`);
  if (row.refused) parts.push(`${formatCount(row.refused)} refused`);
  if (row.cancelled) parts.push(`${formatCount(row.cancelled)} ${row.state === 'interrupted' ? 'not sent' : 'cancelled'}`);
  return parts.join(' · ');
}

/** Files that were sent and did not land (refused ones never went: they cannot be sent again as they are). */
export function notDelivered(row) {
  return row.files_total - row.delivered - row.skipped - (row.refused || 0);
}

/** How a batch was started: "Dropped", "Retry"… */
export function originText(origin) {
  return ORIGIN_TEXT[origin] || origin;
}
