// How long the history is kept (#history-retention): everything, or a
// number of days; a shorter time deletes older deliveries, after a
// confirmation (interrupted ones are kept until resumed or discarded).

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { plural } from '../lib/format.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { reloadHistory } from './batch-list.js';

const RETENTION_CHOICES = [7, 30, 90, 365];

let retentionDays = null;

function renderRetention() {
  const select = $('#history-retention');
  const values = [...RETENTION_CHOICES];
  if (retentionDays && !values.includes(retentionDays)) values.push(retentionDays);
  values.sort((a, b) => a - b);
  select.replaceChildren(
    h('option', { value: '', text: 'Keep everything' }),
    ...values.map((d) => h('option', { value: String(d), text: d === 365 ? 'Keep 1 year' : `Keep ${plural(d, 'day')}` })),
  );
  select.value = retentionDays ? String(retentionDays) : '';
}

/** Show the retention the core keeps. */
export async function loadRetention() {
  try {
    const r = await api.historyRetention();
    retentionDays = r.keep_days;
    renderRetention();
  } catch {
    // Shown as "Keep everything"; changing it reports any error.
  }
}

async function onRetentionChange(e) {
  const select = e.currentTarget;
  const days = select.value ? Number(select.value) : null;
  if (days === retentionDays) return;
  const shorter = days !== null && (retentionDays === null || days < retentionDays);
  let removed = 0;
  const apply = async () => {
    const r = await api.setHistoryRetention(days);
    retentionDays = r.keep_days;
    removed = r.removed;
  };
  if (shorter) {
    const ok = await confirmAction({
      title: `Keep only ${plural(days, 'day')} of history?`,
      body: `Deliveries that started more than ${plural(days, 'day')} ago are deleted from the history now, and older ones from then on. The objects in your buckets are not touched.`,
      details: ['Interrupted deliveries are kept until you resume or discard them.'],
      confirmLabel: 'Delete older history',
      returnFocus: select,
      action: apply,
    });
    if (!ok) {
      renderRetention();
      return;
    }
  } else {
    try {
      await apply();
    } catch (err) {
      errorToast(err, 'Could not change the retention');
      renderRetention();
      return;
    }
  }
  renderRetention();
  toast(days ? `History is kept for ${plural(days, 'day')}` : 'All history is kept', { kind: 'info', detail: removed ? `${plural(removed, 'older delivery', 'older deliveries')} deleted.` : '' });
  if (removed) reloadHistory();
}

export function initRetention() {
  $('#history-retention').addEventListener('change', onRetentionChange);
}
