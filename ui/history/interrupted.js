// Deliveries cut short (Chute quit or crashed): the banner above the views
// (#interrupted-banner) lists them, and from there or from the details
// pane ([data-resume], [data-discard]) each is resumed (in the delivery
// panel, like any delivery) or discarded.

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatCount, plural } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { confirmAction } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { view, hooks } from './state.js';
import { notDelivered } from './batch-summary.js';
import { reloadHistory } from './batch-list.js';

const BANNER_ROWS = 50;

let onShowAll = () => {};

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
  // A batch being resumed shows in the delivery panel, not here.
  const resuming = rows.some((r) => r.id === view.resuming);
  renderBanner(rows.filter((r) => r.id !== view.resuming), resuming ? total - 1 : total);
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
          h('button', { type: 'button', class: 'button button--primary button--small', dataset: { resume: r.id }, disabled: !!view.resuming, 'aria-label': `Resume the delivery to ${r.destination_name}` }, icon('play'), h('span', { text: 'Resume' })),
          h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { discard: r.id }, disabled: !!view.resuming, 'aria-label': `Discard the delivery to ${r.destination_name}` }, h('span', { text: 'Discard…' })),
        ),
      ),
    ),
  ];
  if (total > shown.length) {
    items.push(h('li', { class: 'interrupted-more' }, h('button', { type: 'button', class: 'link-button', text: `${formatCount(total - shown.length)} more in History`, on: { click: () => { $('#history-status').value = 'interrupted'; onShowAll(); } } })));
  }
  $('#interrupted-list').replaceChildren(...items);
  banner.hidden = false;
  banner._rows = rows;
  banner._total = total;
}

function batchById(id) {
  return (view.rows.find((r) => r.id === id)) || ($('#interrupted-banner')._rows || []).find((r) => r.id === id) || null;
}

/** The banner and, when shown, the History: after a resume, a discard, or Refresh. */
export async function refreshAll() {
  await checkInterrupted();
  if (view.active) reloadHistory();
}

/** Resume in the delivery panel (progress, pause, cancel); the banner and the History update when it ends. */
async function resume(id, opener) {
  if (view.resuming) return;
  const b = batchById(id);
  const dest = b && hooks.find(b.destination_id);
  if (!dest) {
    toast('That destination no longer exists', { kind: 'error', fix: 'Discard the interrupted delivery instead.' });
    return;
  }
  view.resuming = id;
  setActionsDisabled(true);
  hideResumed();
  try {
    await hooks.resumeInterrupted(dest, id, { returnFocus: opener });
  } finally {
    view.resuming = null;
    setActionsDisabled(false);
    await refreshAll();
    if (opener && !document.contains(opener)) $('#main').focus({ preventScroll: true });
  }
}

/** The batch being resumed leaves the banner at once (the panel shows it). */
function hideResumed() {
  const banner = $('#interrupted-banner');
  const rows = banner._rows || [];
  const kept = rows.filter((r) => r.id !== view.resuming);
  renderBanner(kept, (banner._total || rows.length) - (rows.length - kept.length));
}

function setActionsDisabled(disabled) {
  for (const b of document.querySelectorAll('[data-resume], [data-discard]')) b.disabled = disabled;
}

async function discard(id, opener) {
  if (view.resuming) return;
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

/** Resume and discard, wherever their buttons are; `showAll()` opens the History on the interrupted ones. */
export function initInterrupted({ showAll }) {
  onShowAll = showAll;
  document.addEventListener('click', (e) => {
    const r = e.target.closest('[data-resume]');
    if (r && !r.disabled) return void resume(r.dataset.resume, r);
    const d = e.target.closest('[data-discard]');
    if (d && !d.disabled) discard(d.dataset.discard, d);
  });
}
