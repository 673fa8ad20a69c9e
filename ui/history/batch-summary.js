// How a delivery is summed up wherever the History shows it: its badge,
// its counts line, and how many of its files were not delivered.

import { h } from '../lib/dom.js';
import { formatCount, plural } from '../lib/format.js';
import { batchLabel } from '../lib/status.js';


/** The badge of a batch: its outcome once finished, else its state. */
export function batchBadge(row) {
  const key = row.state === 'finished' ? row.outcome || 'finished' : row.state;
  return h('span', { class: `status-badge status-badge--${key}`, dataset: { badge: key } }, h('span', { class: 'status-badge-dot', 'aria-hidden': 'true' }), batchLabel(row));
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
