// The drop a delivery was one destination of: a drop sent to several
// destinations is one group of batches (BatchRow.group_id). A group's
// batches are asked for once (history_batches with its group_id) and kept
// until the list reloads; the list's rows say "One of 2 destinations of
// one drop, with …", the details name each sibling (a button that shows
// it) and offer "Show the whole drop" (#history-show-drop).
//
// Hooks: .hb-group, #hd-group[data-group], [data-sibling], #history-show-drop.

import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { batchBadge, batchCountsText } from './batch-summary.js';
import { currentGroup } from './filters.js';

const groups = new Map(); // group id -> {rows: BatchRow[] oldest first, or null while asked for}
let onLoaded = () => {};

/** fn(groupId) runs when a group's batches arrive (the rows and details that name it redraw). */
export function initGroups(fn) {
  onLoaded = fn;
}

/** Ask again next time (the history changed, or the list reloads). */
export function forgetGroups() {
  groups.clear();
}

/** The batches of a group, oldest first, or null while they are being asked for. */
export function groupRows(groupId) {
  let g = groups.get(groupId);
  if (!g) {
    g = { rows: null };
    groups.set(groupId, g);
    api.historyBatches({ group_id: groupId, offset: 0, limit: 100 }).then(
      (rows) => {
        if (groups.get(groupId) !== g) return;
        g.rows = rows.slice().reverse();
        onLoaded(groupId);
      },
      () => {
        if (groups.get(groupId) === g) groups.delete(groupId);
      },
    );
  }
  return g.rows;
}

/** "One of 2 destinations of one drop, with “Archive”". */
export function groupText(row) {
  const rows = groupRows(row.group_id);
  if (!rows) return 'One of several destinations of one drop';
  const others = rows.filter((r) => r.id !== row.id).map((r) => `“${r.destination_name}”`);
  if (!others.length) return 'One destination of a drop; the others are no longer in the history';
  return `One of ${rows.length} destinations of one drop, with ${others.join(', ')}`;
}

/** The list row's line about its drop, or null for a delivery to one destination. */
export function groupTag(row) {
  if (!row.group_id) return null;
  return h('span', { class: 'hb-group', dataset: { group: row.group_id } }, icon('copy'), h('span', { text: groupText(row) }));
}

/** A key that changes when what the row says about its drop changes. */
export function groupSignature(row) {
  return row.group_id ? groupText(row) : '';
}

/** The details' section about the drop: its siblings (each a button that shows it) and "Show the whole drop". */
export function groupSection(b) {
  if (!b.group_id) return null;
  const rows = groupRows(b.group_id);
  const siblings = rows ? rows.filter((r) => r.id !== b.id) : [];
  const filtered = currentGroup() === b.group_id;
  return h(
    'section',
    { id: 'hd-group', class: 'hd-group', dataset: { group: b.group_id }, 'aria-label': 'The drop this delivery was part of' },
    h('p', { class: 'hd-group-text' }, icon('copy'), h('span', { text: `${groupText(b)}.` })),
    siblings.length
      ? h(
          'ul',
          { class: 'hd-siblings' },
          siblings.map((r) =>
            h(
              'li',
              { class: 'hd-sibling' },
              h('button', { type: 'button', class: 'link-button', dataset: { sibling: r.id }, title: `Show the delivery to “${r.destination_name}”`, text: r.destination_name }),
              batchBadge(r),
              h('span', { class: 'hd-sibling-counts', text: batchCountsText(r) }),
            ),
          ),
        )
      : null,
    filtered
      ? null
      : h('button', { type: 'button', id: 'history-show-drop', class: 'button button--secondary button--small', title: 'List only the deliveries of this drop' }, icon('copy'), h('span', { text: 'Show the whole drop' })),
  );
}
