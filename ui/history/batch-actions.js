// What the History does with a delivery: send its files again (retry,
// re-deliver, new keys or an overwrite for those that met existing
// objects, after resuming a paused destination), check its objects again
// (verify), export CSV, delete it; show the whole drop it was part of, or
// one of its siblings.

import { api } from '../lib/api.js';
import { $ } from '../lib/dom.js';
import { plural } from '../lib/format.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { view, hooks } from './state.js';
import { currentFilter, currentGroup, currentSearch, showGroup } from './filters.js';
import { batchCountsText, notDelivered } from './batch-summary.js';
import { clearSelection, reloadHistory, selectBatch } from './batch-list.js';
import { renderDetails, showReceipt } from './batch-details.js';
import { verifyBatch } from './receipt.js';

async function sendAgain(which, opener) {
  const b = view.selected;
  const dest = b && hooks.find(b.destination_id);
  if (!b || !dest) return;
  if (which === 'rekey' || which === 'overwrite') await hooks.resolveExisting(dest, b.id, which, { returnFocus: opener });
  else await hooks.deliverFromHistory(dest, b.id, which, { returnFocus: opener });
}

/** "Resume and deliver": resume the paused destination, then retry (or re-deliver). */
async function resumeAndSend(opener) {
  const b = view.selected;
  const dest = b && hooks.find(b.destination_id);
  if (!b || !dest) return;
  let resumed;
  try {
    resumed = await hooks.resume(dest);
  } catch (err) {
    errorToast(err, `Could not resume “${dest.name}”`);
    return;
  }
  const again = notDelivered(b) - (b.existing || 0);
  if (again > 0) await hooks.deliverFromHistory(resumed, b.id, 'failed', { returnFocus: opener });
  else if (b.existing > 0) await hooks.resolveExisting(resumed, b.id, 'rekey', { returnFocus: opener });
  else await hooks.deliverFromHistory(resumed, b.id, 'all', { returnFocus: opener });
}

async function exportCsv(rows, batchId, opener) {
  opener.disabled = true;
  try {
    const filter = batchId ? { offset: 0, limit: 1 } : { ...currentFilter(), offset: 0, limit: 1 };
    if (batchId) {
      const search = currentSearch();
      if (search) filter.search = search;
    }
    const r = await api.exportHistory(filter, rows, batchId);
    if (r) toast(`Exported ${plural(r.rows, rows === 'files' ? 'file' : 'delivery', rows === 'files' ? 'files' : 'deliveries')}`, { detail: `Saved to \`${r.path}\`.` });
  } catch (err) {
    errorToast(err, 'Could not export the history');
  } finally {
    opener.disabled = false;
  }
}

async function deleteBatch(opener) {
  const b = view.selected;
  if (!b) return;
  let result = null;
  const done = await confirmAction({
    title: `Delete this delivery to “${b.destination_name}” from the history?`,
    body: 'Its record and the list of its files go. The objects it delivered stay in the bucket.',
    details: [`${batchCountsText(b)}`, `Started ${new Date(b.started_at).toLocaleString()}`],
    confirmLabel: 'Delete',
    returnFocus: opener,
    action: async () => {
      result = await api.deleteHistory([b.id]);
    },
  });
  if (!done || !result) return;
  if (result.deleted) {
    toast('Deleted from the history', { kind: 'info', detail: `The delivery to “${b.destination_name}” is no longer listed.` });
    clearSelection();
  } else {
    const k = result.kept[0];
    toast('Kept in the history', { kind: 'warning', detail: k && k.reason === 'interrupted' ? 'It was interrupted: resume or discard it first.' : 'It is running or no longer there.' });
  }
  reloadHistory();
  requestAnimationFrame(() => $('#history-list').focus({ preventScroll: true }));
}

/** A sibling of the selected delivery in its drop: shown at once when listed, else the whole drop is listed and it is shown then. */
function showSibling(id) {
  const b = view.selected;
  if (view.rows.some((r) => r.id === id)) {
    selectBatch(id, { focusDetails: true });
    return;
  }
  selectBatch(id);
  if (b && b.group_id && currentGroup() !== b.group_id) showGroup(b.group_id);
}

/** The details pane's actions, and the list's "Export CSV…". */
export function initBatchActions() {
  $('#history-export').addEventListener('click', (e) => exportCsv('batches', null, e.currentTarget));
  $('#hd-head').addEventListener('click', (e) => {
    const sibling = e.target.closest('[data-sibling]');
    if (sibling) {
      showSibling(sibling.dataset.sibling);
      return;
    }
    if (e.target.closest('#history-show-drop')) {
      if (view.selected && view.selected.group_id) showGroup(view.selected.group_id);
      $('#history-list').focus({ preventScroll: true });
      return;
    }
    const act = e.target.closest('#history-retry, #history-redeliver, #history-rekey, #history-overwrite, #history-resume-deliver, #history-verify, #history-export-batch, #history-delete');
    if (!act) return;
    if (act.id === 'history-verify') {
      if (view.selected) {
        verifyBatch(view.selected, () => {
          renderDetails(false);
          showReceipt();
        });
      }
    } else if (act.id === 'history-retry') sendAgain('failed', act);
    else if (act.id === 'history-redeliver') sendAgain('all', act);
    else if (act.id === 'history-rekey') sendAgain('rekey', act);
    else if (act.id === 'history-overwrite') sendAgain('overwrite', act);
    else if (act.id === 'history-resume-deliver') resumeAndSend(act);
    else if (act.id === 'history-export-batch') exportCsv('files', view.selectedId, act);
    else deleteBatch(act);
  });
}
