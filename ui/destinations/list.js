// The destinations list (#destination-list) and the empty state
// (#empty-state), with the row actions: details (the name), test, edit,
// duplicate, pause/resume and delete (after an in-app confirmation).

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { plural } from '../lib/format.js';
import { destPath, credentialSummary, credentialIcon } from '../lib/destination-text.js';
import { shortRelativeTime } from '../lib/reltime.js';
import { destinationStateLabel } from '../lib/status.js';
import { findProvider } from '../lib/catalog.js';

let listEl;
let hooks = { onEdit: () => {}, onTest: () => {}, onDetails: () => {}, onDeliver: () => {}, onLastTest: () => {}, onChanged: () => {}, reload: async () => {}, keychain: 'the system keychain' };
let current = [];
const rowStates = new Map(); // id -> {planning, delivering, percent}, kept across re-renders

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** What tells two destinations of a provider apart: their endpoint's host, or the region their endpoint is built from. */
function whereText(d) {
  if (d.endpoint) return hostOf(d.endpoint);
  const p = findProvider(d.provider);
  if (p && (p.endpoint.kind === 'aws_regional' || p.endpoint.kind === 'from_region')) return d.effective_region || d.region;
  return '';
}

function actionButton(action, label, iconName, destName, extra = {}) {
  return h(
    'button',
    {
      type: 'button',
      class: `icon-button row-action row-action--${action}`,
      dataset: { action },
      title: label,
      'aria-label': `${label} ${destName}`,
      ...extra,
    },
    icon(iconName),
  );
}

function rowEl(d) {
  const warnings = Array.isArray(d.warnings) ? d.warnings : [];
  const where = whereText(d);
  const updated = shortRelativeTime(d.updated_at);
  const st = rowStates.get(d.id) || {};
  const li = h(
    'li',
    {
      class: `destination-row${st.planning ? ' is-planning' : ''}${st.delivering ? ' is-delivering' : ''}`,
      dataset: { id: d.id, active: String(Boolean(d.active)), provider: d.provider },
    },
    providerMark(d.provider),
    h(
      'div',
      { class: 'dest-main' },
      h(
        'div',
        { class: 'dest-title' },
        h('button', { type: 'button', class: 'dest-name', dataset: { action: 'details' }, title: 'Details and recent tests', text: d.name }),
        h('span', { class: `badge ${d.active ? 'badge--active' : 'badge--paused'} dest-state`, text: destinationStateLabel(d.active) }),
        warnings.length
          ? h(
              'button',
              {
                type: 'button',
                class: 'badge badge--warning dest-warnings',
                dataset: { action: 'edit', count: String(warnings.length) },
                title: warnings.map((w) => w.message).join('\n'),
                'aria-label': `${plural(warnings.length, 'warning')} for ${d.name}: review in the editor`,
              },
              icon('warning'),
              h('span', { text: plural(warnings.length, 'warning') }),
            )
          : null,
      ),
      lastTestAlert(d),
      h(
        'div',
        { class: 'dest-meta' },
        h('span', { class: 'dest-path', title: d.effective_endpoint ? `${d.effective_endpoint}/${destPath(d)}` : destPath(d) }, icon('folder'), h('span', { class: 'dest-path-text', text: destPath(d) })),
        h('span', { class: 'dest-provider' }, h('span', { class: 'dest-provider-label', text: d.provider_label }), where ? h('span', { class: 'dest-where', text: where }) : null),
        h('span', { class: 'dest-creds', dataset: { kind: (d.credentials && d.credentials.kind) || 'none' } }, icon(credentialIcon(d.credentials)), h('span', { text: credentialSummary(d.credentials) })),
      ),
    ),
    h(
      'div',
      { class: 'dest-actions' },
      updated ? h('span', { class: 'dest-updated muted', title: new Date(d.updated_at).toLocaleString(), text: `Edited ${updated}` }) : null,
      h(
        'button',
        {
          type: 'button',
          class: 'button button--secondary button--small row-action row-action--deliver',
          'aria-haspopup': 'menu',
          'aria-expanded': 'false',
          'aria-label': d.active ? `Deliver files or a folder to ${d.name}` : `Deliver to ${d.name}: paused, resume it first`,
          title: d.active ? 'Deliver files or a folder (or drop them on this row)' : 'Paused: resume it to deliver',
          dataset: { action: 'deliver', paused: String(!d.active) },
        },
        icon('upload'),
        h('span', { text: 'Deliver' }),
      ),
      h('button', { type: 'button', class: 'button button--secondary button--small row-action row-action--test', dataset: { action: 'test' }, 'aria-label': `Test the connection to ${d.name}`, title: 'Test the connection' }, icon('pulse'), h('span', { text: 'Test' })),
      h('button', { type: 'button', class: 'button button--secondary button--small row-action row-action--edit', dataset: { action: 'edit' }, 'aria-label': `Edit ${d.name}` }, icon('edit'), h('span', { text: 'Edit' })),
      actionButton('duplicate', 'Duplicate', 'copy', d.name),
      actionButton('toggle', d.active ? 'Pause' : 'Resume', d.active ? 'pause' : 'play', d.name, { 'aria-pressed': null }),
      actionButton('delete', 'Delete', 'trash', d.name),
    ),
  );
  // CSSOM, not a style attribute: the CSP forbids inline styles.
  if (st.delivering && st.percent !== undefined) li.style.setProperty('--row-percent', `${st.percent}%`);
  return li;
}

/** "Last test failed: <finding> · 5 min ago", until a test passes; opens that test. */
function lastTestAlert(d) {
  const t = d.last_test;
  if (!t || t.outcome !== 'failed') return null;
  const edited = d.updated_at > t.at;
  return h(
    'button',
    {
      type: 'button',
      class: 'dest-alert',
      dataset: { action: 'last-test', probeId: String(t.probe_id) },
      'aria-label': `Last connection test failed ${shortRelativeTime(t.at)}${t.title ? `: ${t.title}` : ''}. Open it.`,
    },
    icon('error'),
    h('span', { class: 'dest-alert-text' }, richText(`Last test failed${t.title ? `: ${t.title}` : ''}`)),
    h('span', { class: 'dest-alert-when', text: `${shortRelativeTime(t.at)}${edited ? ' · edited since, test again' : ''}` }),
  );
}

function byName(a, b) {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });
}

/**
 * Render the list (or the empty state). opts.highlight: id to flash;
 * opts.focus: {id, action} of the row button to focus afterwards.
 */
export function renderList(destinations, opts = {}) {
  current = [...destinations].sort(byName);
  const active = document.activeElement;
  const focusRow = active && active.closest && active.closest('.destination-row');
  const focusKey = opts.focus || (focusRow ? { id: focusRow.dataset.id, action: active.dataset.action } : null);

  const empty = current.length === 0;
  $('#list-view').hidden = empty;
  $('#empty-state').hidden = !empty;
  listEl.replaceChildren(...current.map(rowEl));

  const paused = current.filter((d) => !d.active).length;
  const warned = current.filter((d) => d.warnings && d.warnings.length).length;
  $('#list-count').textContent = String(current.length);
  $('#list-summary').textContent = [paused ? `${paused} paused` : '', warned ? `${warned} with warnings` : ''].filter(Boolean).join(' · ');

  if (focusKey) {
    const row = listEl.querySelector(`.destination-row[data-id="${CSS.escape(focusKey.id)}"]`);
    const target = row && (row.querySelector(`.row-action[data-action="${focusKey.action}"]`) || row.querySelector('.row-action'));
    if (target) target.focus();
  }
  if (opts.highlight) {
    const row = listEl.querySelector(`.destination-row[data-id="${CSS.escape(opts.highlight)}"]`);
    if (row) {
      row.classList.add('is-new');
      row.scrollIntoView({ block: 'nearest' });
      setTimeout(() => row.classList.remove('is-new'), 1600);
    }
  }
}

export function findDestination(id) {
  return current.find((d) => d.id === id) || null;
}

function find(id) {
  return current.find((d) => d.id === id);
}

async function withBusy(row, fn) {
  row.classList.add('is-busy');
  row.setAttribute('aria-busy', 'true');
  for (const b of row.querySelectorAll('button')) b.disabled = true;
  try {
    await fn();
  } finally {
    if (row.isConnected) {
      row.classList.remove('is-busy');
      row.removeAttribute('aria-busy');
      for (const b of row.querySelectorAll('button')) b.disabled = false;
    }
  }
}

/** The copy is saved at once, then opened in the editor to be pointed somewhere new. */
async function duplicate(d, row) {
  let copy = null;
  await withBusy(row, async () => {
    try {
      const res = await api.duplicateDestination(d.id);
      await hooks.reload({ highlight: res.destination.id });
      copy = find(res.destination.id) || null;
    } catch (err) {
      errorToast(err, `Could not duplicate “${d.name}”`);
    }
  });
  if (!copy) return;
  const edit = listEl.querySelector(`.destination-row[data-id="${CSS.escape(copy.id)}"] .row-action--edit`);
  hooks.onEdit(copy, edit);
  toast(`Duplicated as “${copy.name}”`, { detail: 'The copy is saved and open here: change what differs, then save.' });
}

async function toggle(d, row) {
  await withBusy(row, async () => {
    try {
      const updated = await api.setDestinationActive(d.id, !d.active);
      const next = current.map((x) => (x.id === d.id ? { ...x, ...updated } : x));
      renderList(next, { focus: { id: d.id, action: 'toggle' } });
      hooks.onChanged();
      toast(updated.active ? `Resumed “${d.name}”` : `Paused “${d.name}”`, {
        detail: updated.active ? 'New deliveries go to it again.' : 'It keeps its settings but receives no deliveries.',
      });
    } catch (err) {
      errorToast(err, `Could not ${d.active ? 'pause' : 'resume'} “${d.name}”`);
    }
  });
}

/** Interrupted deliveries to `d`: after the delete they can be neither resumed nor discarded. */
async function interruptedTo(d) {
  try {
    const rows = await api.historyBatches({ destination_id: d.id, status: 'interrupted', offset: 0, limit: 50 });
    return Array.isArray(rows) ? rows.length : 0;
  } catch {
    return 0; // the History reports its own errors
  }
}

/** Exactly what deleting `d` removes and what it leaves, as the core does it. */
function deleteDetails(d, interrupted) {
  const c = d.credentials || { kind: 'none' };
  const secret = {
    keychain: `Its keychain item in ${hooks.keychain}: the access key \`${c.key_id_hint}\` and its secret.`,
    profile: `Nothing else: it signs in with the AWS profile \`${c.profile}\`, which stays in ~/.aws as it is.`,
    none: `Nothing else: it has no keychain item.`,
  }[c.kind] || '';
  return [
    `Removed: its settings (bucket, prefix, key template, upload options). ${secret}`,
    `Untouched: the objects already in \`${destPath(d)}\` on ${d.provider_label}; nothing in the bucket is deleted.`,
    `Kept: its deliveries in the History.`,
    interrupted
      ? `${plural(interrupted, 'interrupted delivery', 'interrupted deliveries')} to it can then be neither resumed nor discarded, and their unfinished uploads stay in the bucket: resume or discard ${interrupted === 1 ? 'it' : 'them'} in the History first.`
      : '',
  ].filter(Boolean);
}

async function remove(d, button) {
  const stored = d.credentials && d.credentials.kind === 'keychain';
  const index = current.findIndex((x) => x.id === d.id);
  const deleted = await confirmAction({
    title: `Delete “${d.name}”?`,
    body: 'Chute forgets this destination. This cannot be undone.',
    details: deleteDetails(d, await interruptedTo(d)),
    confirmLabel: 'Delete destination',
    returnFocus: button,
    action: () => api.deleteDestination(d.id),
  });
  if (!deleted) return;
  await hooks.reload();
  toast(`Deleted “${d.name}”`, { detail: stored ? `Its key was removed from ${hooks.keychain}.` : '' });
  const rows = listEl.querySelectorAll('.destination-row');
  const next = rows[Math.min(index, rows.length - 1)];
  const target = next ? next.querySelector('.row-action--edit') : $('#add-first');
  if (target) requestAnimationFrame(() => target.focus());
}

export function initList(opts) {
  hooks = { ...hooks, ...opts };
  listEl = $('#destination-list');
  listEl.addEventListener('click', (e) => {
    const row = e.target.closest('.destination-row');
    if (!row) return;
    const d = find(row.dataset.id);
    if (!d) return;
    const button = e.target.closest('button[data-action]');
    const action = button ? button.dataset.action : null;
    if (action === 'edit') hooks.onEdit(d, button);
    else if (action === 'test') hooks.onTest(d, button);
    else if (action === 'deliver') hooks.onDeliver(d, button);
    else if (action === 'details') hooks.onDetails(d, button);
    else if (action === 'last-test') hooks.onLastTest(d, button);
    else if (action === 'duplicate') duplicate(d, row);
    else if (action === 'toggle') toggle(d, row);
    else if (action === 'delete') remove(d, button);
  });
  // Double-clicking a row opens it, like in a file manager.
  listEl.addEventListener('dblclick', (e) => {
    const row = e.target.closest('.destination-row');
    if (!row || e.target.closest('button')) return;
    const d = find(row.dataset.id);
    if (d) hooks.onEdit(d, row.querySelector('.row-action--edit'));
  });
}

export function setKeychainName(name) {
  hooks.keychain = name;
}

/** The destinations as listed (sorted by name). */
export function listedDestinations() {
  return current;
}

/** Show that a destination is being planned for or delivered to. */
export function setRowState(id, patch) {
  const st = { ...(rowStates.get(id) || {}), ...patch };
  if (!st.delivering) delete st.percent;
  rowStates.set(id, st);
  const row = listEl && listEl.querySelector(`.destination-row[data-id="${CSS.escape(id)}"]`);
  if (!row) return;
  row.classList.toggle('is-planning', Boolean(st.planning));
  row.classList.toggle('is-delivering', Boolean(st.delivering));
  if (st.percent !== undefined) row.style.setProperty('--row-percent', `${st.percent}%`);
  else row.style.removeProperty('--row-percent');
  const btn = row.querySelector('.row-action--deliver');
  if (btn) btn.setAttribute('aria-busy', String(Boolean(st.planning)));
}
