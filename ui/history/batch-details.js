// The selected delivery in the History's details pane (#history-details):
// its heading, counts and facts, what can be done with it (resume or
// discard, retry, new keys, overwrite, re-deliver, verify, export,
// delete), the drop it was one destination of (group.js), what it was
// given and left out (inputs.js), its objects at the destination
// (receipt.js) and its files (files.js).

import { $, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatBytes, formatCount, formatDuration, plural } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { view, hooks } from './state.js';
import { currentSearch } from './filters.js';
import { batchBadge, batchCountsText, notDelivered } from './batch-summary.js';
import { renderInputs } from './inputs.js';
import { renderReceipt } from './receipt.js';
import { clearBatchFiles, showBatchFiles } from './files.js';
import { groupSection } from './group.js';
import { originLabel } from '../lib/status.js';

/** Show the selected delivery (or the placeholder); `reloadFiles` lists its files afresh. */
export function renderDetails(reloadFiles) {
  const pane = $('#history-details');
  const b = view.selected;
  $('#hd-placeholder').hidden = Boolean(b);
  $('#hd-body').hidden = !b;
  if (!b) {
    pane.removeAttribute('data-id');
    view.detailsId = null;
    view.detailsSearch = null;
    $('#hd-head').replaceChildren();
    $('#hd-inputs').replaceChildren();
    $('#hd-receipt').replaceChildren();
    clearBatchFiles();
    return;
  }
  pane.dataset.id = b.id;
  pane.dataset.state = b.state;
  pane.dataset.outcome = b.outcome || b.state;
  const dest = hooks.find(b.destination_id);
  const parent = b.parent_id ? view.rows.find((r) => r.id === b.parent_id) : null;

  const facts = [
    ['Started', [timeElement(b.started_at), ` · ${new Date(b.started_at).toLocaleString()}`]],
    b.finished_at ? ['Took', formatDuration(b.finished_at - b.started_at)] : null,
    ['Sent', `${formatBytes(b.bytes_sent)} of ${formatBytes(b.bytes_total)}`],
    ['How', originLabel(b.origin)],
    b.parent_id ? ['Repeats', parent ? `the delivery of ${new Date(parent.started_at).toLocaleString()}` : 'an earlier delivery'] : null,
  ].filter(Boolean);

  const actions = [];
  if (b.state === 'interrupted') {
    actions.push(
      h('button', { type: 'button', class: 'button button--primary button--small', dataset: { resume: b.id }, disabled: !!view.resuming }, icon('play'), h('span', { text: 'Resume' })),
      h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { discard: b.id }, disabled: !!view.resuming }, icon('trash'), h('span', { text: 'Discard…' })),
    );
  }
  const ended = b.state === 'finished' || b.state === 'discarded';
  // Files that met existing objects are not offered a retry that cannot succeed.
  const existing = b.existing || 0;
  const again = notDelivered(b) - existing;
  // A paused destination's actions are visibly unavailable; "Resume and deliver" is offered.
  const paused = Boolean(dest && !dest.active);
  const unavailable = paused ? { 'aria-disabled': 'true', title: `“${dest.name}” is paused: resume it to deliver` } : {};
  if (ended && dest && paused) {
    actions.push(h('button', { type: 'button', id: 'history-resume-deliver', class: 'button button--primary button--small' }, icon('play'), h('span', { text: 'Resume and deliver' })));
  }
  if (ended && dest && again > 0) {
    actions.push(
      h('button', { type: 'button', id: 'history-retry', class: `button button--small ${paused ? 'button--secondary is-unavailable' : 'button--primary'}`, 'aria-label': `Retry the ${plural(again, 'file')} not delivered`, ...unavailable }, icon('refresh'), h('span', { text: `Retry ${plural(again, 'file')}` })),
    );
  }
  if (ended && dest && existing > 0) {
    actions.push(
      h('button', { type: 'button', id: 'history-rekey', class: `button button--small ${paused ? 'button--secondary is-unavailable' : again > 0 ? 'button--secondary' : 'button--primary'}`, title: 'Deliver the files that met existing objects under another prefix or key template', ...unavailable }, icon('edit'), h('span', { text: `New keys for ${formatCount(existing)}…` })),
      h('button', { type: 'button', id: 'history-overwrite', class: `button button--secondary button--small${paused ? ' is-unavailable' : ''}`, title: 'Replace the objects those files met, after a confirmation naming them', ...unavailable }, icon('upload'), h('span', { text: `Overwrite ${formatCount(existing)}…` })),
    );
  }
  if (ended && dest) {
    actions.push(h('button', { type: 'button', id: 'history-redeliver', class: `button button--secondary button--small${paused ? ' is-unavailable' : ''}`, title: paused ? unavailable.title : 'Preview sending every file of this delivery again, under the same keys', 'aria-disabled': paused ? 'true' : null }, icon('upload'), h('span', { text: 'Re-deliver…' })));
  }
  if (ended && dest && b.delivered > 0) {
    const checking = Boolean(view.verifying);
    actions.push(h('button', { type: 'button', id: 'history-verify', class: 'button button--secondary button--small', title: 'Check every object it delivered again: changed since, or missing', disabled: checking }, icon('check'), h('span', { text: checking && view.verifying.id === b.id ? 'Verifying…' : 'Verify' })));
  }
  actions.push(h('button', { type: 'button', id: 'history-export-batch', class: 'button button--ghost button--small', title: 'Save this delivery’s files as a CSV file' }, icon('file'), h('span', { text: 'Export CSV…' })));
  if (ended) {
    actions.push(h('button', { type: 'button', id: 'history-delete', class: 'button button--ghost button--small button--danger-text', title: 'Remove this delivery from the history (the objects stay in the bucket)' }, icon('trash'), h('span', { text: 'Delete…' })));
  }

  $('#hd-head').replaceChildren(
    h(
      'header',
      { class: 'hd-head' },
      h('div', { class: 'hd-heading' }, h('h3', { id: 'hd-title', class: 'hd-title', text: b.destination_name }), batchBadge(b)),
      h('p', { class: 'hd-counts', text: batchCountsText(b) }),
      h('dl', { class: 'hd-facts' }, facts.map(([k, v]) => h('div', { class: 'hd-fact' }, h('dt', { text: k }), h('dd', {}, v)))),
      b.state === 'interrupted' ? h('p', { class: 'hd-note' }, 'This delivery was cut short when Chute stopped. Resume sends the files not yet delivered; discard aborts its unfinished uploads.') : null,
      b.refused && ended && again === 0 ? h('p', { class: 'hd-note' }, 'The files not delivered were refused before sending: fix what each one’s reason says, then deliver them again.') : null,
      !dest ? h('p', { class: 'hd-note muted', text: 'This destination has since been deleted.' }) : null,
      groupSection(b),
      actions.length ? h('div', { class: 'hd-actions' }, actions) : null,
    ),
  );
  if (view.detailsId !== b.id) {
    view.detailsId = b.id;
    renderInputs($('#hd-inputs'), b, () => view.selectedId === b.id);
    showReceipt();
  }
  if (reloadFiles) {
    view.detailsSearch = currentSearch();
    showBatchFiles(b, view.detailsSearch);
  }
}

/** Show the selected delivery's receipt afresh (after History → Verify, or while it runs). */
export function showReceipt() {
  const b = view.selected;
  if (b) renderReceipt($('#hd-receipt'), b, () => view.selectedId === b.id);
}
