// Deliveries cut short (Chute quit or crashed): the banner above the views
// (#interrupted-banner) lists them, and from there or from the details
// pane ([data-resume], [data-discard]) each is resumed, with its progress
// (#resume-progress, #resume-bar[data-percent]), or discarded.

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatBytes, formatCount, plural } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { percentDone } from '../lib/progress.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { view } from './state.js';
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
  renderBanner(rows, total);
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
}

function batchById(id) {
  return (view.rows.find((r) => r.id === id)) || ($('#interrupted-banner')._rows || []).find((r) => r.id === id) || null;
}

/** The banner and, when shown, the History: after a resume, a discard, or Refresh. */
export async function refreshAll() {
  await checkInterrupted();
  if (view.active) reloadHistory();
}

async function resume(id, opener) {
  if (view.resuming) return;
  const b = batchById(id);
  const name = b ? b.destination_name : 'the destination';
  view.resuming = id;
  setActionsDisabled(true);
  const box = $('#resume-progress');
  const bar = $('#resume-bar');
  $('#resume-title').textContent = `Resuming the delivery to “${name}”`;
  $('#resume-stats').textContent = '';
  setBar(0);
  box.hidden = false;
  try {
    const s = await api.resumeBatch(id, (u) => {
      setBar(percentDone(u));
      $('#resume-stats').textContent = `${formatBytes(u.bytes_sent)} of ${formatBytes(u.bytes_total)} · ${formatCount(u.files_done)} of ${plural(u.files_total, 'file')}`;
    });
    setBar(100);
    const failed = s && s.failed ? ` ${formatCount(s.failed)} failed: see History for why.` : '';
    toast(`Resumed the delivery to “${name}”`, { kind: s && s.failed ? 'warning' : 'success', detail: `${plural((s && s.delivered) || 0, 'file')} delivered.${failed}` });
  } catch (err) {
    errorToast(err, `Could not resume the delivery to “${name}”`);
  } finally {
    view.resuming = null;
    box.hidden = true;
    bar.dataset.percent = '0';
    setActionsDisabled(false);
    await refreshAll();
    if (opener && !document.contains(opener)) $('#main').focus({ preventScroll: true });
  }
}

function setBar(pct) {
  const bar = $('#resume-bar');
  bar.dataset.percent = String(pct);
  bar.setAttribute('aria-valuenow', String(pct));
  bar.style.setProperty('--percent', `${pct}%`);
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
