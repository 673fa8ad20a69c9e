// The destination detail sheet (#details-dialog), opened from a row's name:
// where the destination points, its recent deliveries (#recent-deliveries,
// one .recent-delivery[data-batch-id][data-outcome] each, with its newest
// delivered object to open in the browser or copy), and its recent
// connection tests (#probe-history, one .probe-history-item[data-probe-id]
// [data-outcome] per test, newest first), each openable in the probe panel;
// its footer edits it, tests it, or watches a folder for it (#details-watch).
// What its server does (details-server.js) and the uploads left open under
// its prefix (open-uploads.js) have sections of their own.

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { openModal, closeModal } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { formatCount, plural, formatTestTime } from '../lib/format.js';
import { destPath, credentialSummary, credentialIcon } from '../lib/destination-text.js';
import { clockText, shortRelativeTime } from '../lib/reltime.js';
import { copyText, flashCopied } from '../lib/clipboard.js';
import { showErrorBanner } from '../components/error-banner.js';
import { batchIcon, destinationStateLabel, statusLabel, testOutcomeIcon } from '../lib/status.js';
import { initServer, renderServer } from './details-server.js';
import { initUploads, showUploads } from './open-uploads.js';

let dialog;
let hooks = { onTest: () => {}, onEdit: () => {}, onShowProbe: () => {}, onShowHistory: () => {}, onWatch: () => {}, onMeasured: () => {}, find: () => null };
const state = { dest: null, probes: [], seq: 0 };

const RECENT = 5;
/** How a recent delivery went, in a sentence: its state while running or interrupted, else its outcome. */
const DELIVERY_TEXT = {
  running: (b) => `Delivering ${plural(b.files_total, 'file')}`,
  interrupted: (b) => `${statusLabel('interrupted')}: ${formatCount(b.delivered)} of ${plural(b.files_total, 'file')} delivered`,
  delivered: (b) => `${formatCount(b.delivered)} of ${plural(b.files_total, 'file')} delivered`,
  partial: (b) => `${formatCount(b.delivered)} of ${plural(b.files_total, 'file')} delivered, ${formatCount(b.failed)} failed`,
  failed: (b) => `Nothing delivered of ${plural(b.files_total, 'file')}`,
  cancelled: (b) => `${statusLabel('cancelled')} after ${plural(b.delivered, 'file')}`,
};

/* ---------- recent deliveries ---------- */

function deliveryItem(b, newest) {
  const how = b.state === 'running' || b.state === 'interrupted' ? b.state : b.outcome in DELIVERY_TEXT ? b.outcome : 'failed';
  const actions = [];
  if (newest) {
    actions.push(
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'open-object' }, 'aria-label': `Open ${newest.key} in the browser`, on: { click: (e) => openObject(newest, e.currentTarget) } }, icon('link'), h('span', { text: 'Open' })),
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'copy-object' }, 'aria-label': `Copy the link to ${newest.key}`, on: { click: (e) => copyObjectLink(newest, e.currentTarget) } }, icon('copy'), h('span', { text: 'Copy link' })),
    );
  }
  actions.push(h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'show-in-history' }, on: { click: () => { closeModal(dialog); hooks.onShowHistory(b); } } }, icon('history'), h('span', { text: 'In History' })));
  return h(
    'li',
    { class: 'recent-delivery', dataset: { batchId: b.id, outcome: b.state === 'finished' ? b.outcome || 'failed' : b.state } },
    icon(batchIcon(how), 'recent-delivery-icon'),
    h(
      'span',
      { class: 'recent-delivery-text' },
      h(
        'span',
        { class: 'recent-delivery-line' },
        h('span', { text: DELIVERY_TEXT[how](b) }),
        h('time', { class: 'recent-delivery-meta', datetime: new Date(b.started_at).toISOString(), title: new Date(b.started_at).toLocaleString(), text: shortRelativeTime(b.started_at) }),
      ),
      newest ? h('code', { class: 'recent-delivery-key', title: newest.url || newest.key, text: newest.key }) : null,
    ),
    h('span', { class: 'recent-delivery-actions' }, actions),
  );
}

async function openObject(file, button) {
  button.disabled = true;
  try {
    const url = await api.openObjectUrl(state.dest.id, file.key);
    toast('Opened in your browser', { kind: 'info', detail: `\`${url}\``, timeout: 3000 });
  } catch (err) {
    errorToast(err);
  } finally {
    button.disabled = false;
  }
}

async function copyObjectLink(file, button) {
  flashCopied(button, await copyText(file.url || file.key));
}

async function loadDeliveries() {
  if (!state.dest) return;
  const seq = state.seq;
  const list = $('#recent-deliveries');
  list.setAttribute('aria-busy', 'true');
  try {
    const filter = { destination_id: state.dest.id, status: null, from: null, to: null, search: null, offset: 0, limit: RECENT };
    const batches = await api.historyBatches(filter);
    const newest = await Promise.all(
      batches.map((b) => (b.delivered > 0 ? api.historyFiles(b.id, { ...filter, destination_id: null, status: 'delivered', limit: 1 }).then((f) => f[0] || null, () => null) : null)),
    );
    if (seq !== state.seq) return;
    list.replaceChildren(...batches.map((b, i) => deliveryItem(b, newest[i])));
    $('#recent-deliveries-empty').hidden = batches.length > 0;
    $('#recent-deliveries-count').textContent = batches.length ? `last ${formatCount(batches.length)}` : '';
  } catch (err) {
    if (seq !== state.seq) return;
    list.replaceChildren(h('li', { class: 'recent-delivery recent-delivery--error' }, icon('error', 'recent-delivery-icon'), h('span', {}, richText(err.message))));
  } finally {
    if (seq === state.seq) list.removeAttribute('aria-busy');
  }
}

function fact(label, value, opts = {}) {
  if (!value) return null;
  return h('div', { class: 'details-fact' }, h('dt', { text: label }), h('dd', { class: opts.mono ? 'mono' : '' }, opts.icon ? icon(opts.icon) : null, h('span', {}, value)));
}

function renderFacts(d) {
  const endpoint = d.endpoint || d.effective_endpoint || 'Provider default';
  $('#details-facts').replaceChildren(...[
    fact('Bucket and prefix', destPath(d), { mono: true, icon: 'folder' }),
    fact('Provider', d.provider_label),
    fact('Region', d.effective_region || d.region, { mono: true }),
    fact('Endpoint', endpoint, { mono: true }),
    fact('Addressing', d.path_style ? 'Path-style' : 'Virtual-hosted'),
    fact('Proxy', proxyText(d.proxy)),
    fact('Encryption', d.encryption_words),
    fact('Credentials', credentialSummary(d.credentials), { icon: credentialIcon(d.credentials) }),
    fact('Key template', d.key_template, { mono: true }),
    fact('Existing objects', { never: 'Kept: the file is reported', skip: 'Kept: the file is skipped', overwrite: 'Replaced' }[d.overwrite || 'never']),
    fact('Preview', d.confirm_delivery === false ? 'Off: dropped files are sent at once' : 'Before every delivery'),
    fact('Compression', { off: 'Off', gzip: 'gzip, as .gz objects', gzip_encoding: 'gzip, same names (Content-Encoding: gzip)' }[d.compression || 'off']),
    d.manifest && fact('Manifest', 'After each delivery, then _SUCCESS when every file landed'),
    fact('Checked after delivery', d.check_after_delivery === false ? "No: the server's answer to each upload only" : 'Each object, once it lands (its receipt)'),
    fact('Never delivered', Array.isArray(d.ignore) ? (d.ignore.length ? d.ignore.join('  ') : 'Nothing left out') : '', { mono: true }),
  ].filter(Boolean));
}

function renderHeader(d) {
  $('#details-mark').replaceChildren(providerMark(d.provider));
  $('#details-title').textContent = d.name;
  $('#details-subtitle').replaceChildren(
    h('span', { class: `badge ${d.active ? 'badge--active' : 'badge--paused'}`, text: destinationStateLabel(d.active) }),
    d.updated_at ? h('span', { class: 'muted', text: `Edited ${shortRelativeTime(d.updated_at)}` }) : '',
  );
}

function historyItem(p) {
  const r = p.report;
  const outcome = statusLabel(r.outcome);
  const first = r.findings.find((f) => f.level === 'error') || r.findings[0];
  const summary = first ? first.title : r.outcome === 'passed' ? 'Every step passed' : '';
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'probe-history-item',
        dataset: { probeId: String(p.id), outcome: r.outcome },
        'aria-label': `${outcome}, ${clockText(r.started_at)}${summary ? `: ${summary}` : ''}. Open this test.`,
        on: { click: (e) => hooks.onShowProbe(state.dest, p, e.currentTarget) },
      },
      icon(testOutcomeIcon(r.outcome), 'probe-history-icon'),
      h(
        'span',
        { class: 'probe-history-text' },
        h('span', { class: 'probe-history-line' }, h('span', { class: 'probe-history-outcome', text: outcome }), summary ? h('span', { class: 'probe-history-finding' }, richText(summary)) : null),
        h(
          'span',
          { class: 'probe-history-meta' },
          h('time', { datetime: new Date(r.started_at).toISOString(), title: new Date(r.started_at).toLocaleString(), text: clockText(r.started_at) }),
          h('span', { text: shortRelativeTime(r.started_at) }),
          h('span', { text: `took ${formatTestTime(r.duration_ms)}` }),
        ),
      ),
      icon('chevron', 'probe-history-chevron'),
    ),
  );
}

function renderHistory() {
  const list = $('#probe-history');
  const empty = $('#probe-history-empty');
  list.replaceChildren(...state.probes.map(historyItem));
  list.dataset.count = String(state.probes.length);
  empty.hidden = state.probes.length > 0;
  $('#probe-history-count').textContent = state.probes.length ? plural(state.probes.length, 'test') : '';
}

async function loadHistory() {
  if (!state.dest) return;
  const seq = ++state.seq;
  const list = $('#probe-history');
  list.setAttribute('aria-busy', 'true');
  $('#probe-history-error').hidden = true;
  try {
    const probes = await api.listProbes(state.dest.id, 20);
    if (seq !== state.seq) return;
    state.probes = Array.isArray(probes) ? probes : [];
    renderHistory();
  } catch (err) {
    if (seq !== state.seq) return;
    showErrorBanner($('#probe-history-error'), err);
  } finally {
    if (seq === state.seq) list.removeAttribute('aria-busy');
  }
}

export function openDetails(dest, opener) {
  if (dialog.open) return;
  state.dest = dest;
  state.probes = [];
  renderHeader(dest);
  renderFacts(dest);
  renderServer(dest);
  showUploads(dest);
  renderHistory();
  $('#probe-history-empty').hidden = true;
  $('#recent-deliveries').replaceChildren();
  $('#recent-deliveries-empty').hidden = true;
  $('#recent-deliveries-count').textContent = '';
  openModal(dialog, {
    focus: $('#details-title'),
    returnFocus: opener,
    onClose: () => {
      state.dest = null;
      state.seq++;
    },
  });
  loadHistory();
  loadDeliveries();
}

/** A test of `id` finished, or the destination changed: refresh if shown. */
export function refreshDetails(id) {
  if (!dialog || !dialog.open || !state.dest || state.dest.id !== id) return;
  const fresh = hooks.find(id);
  if (fresh) {
    state.dest = fresh;
    renderHeader(fresh);
    renderFacts(fresh);
    renderServer(fresh);
  }
  loadHistory();
  loadDeliveries();
}

export function initDetails(opts) {
  hooks = { ...hooks, ...opts };
  dialog = $('#details-dialog');
  initServer({ current: () => state.dest, onMeasured: (id) => hooks.onMeasured(id) });
  initUploads();
  $('#details-test').addEventListener('click', (e) => state.dest && hooks.onTest(state.dest, e.currentTarget));
  $('#details-edit').addEventListener('click', () => {
    const d = state.dest;
    if (!d) return;
    closeModal(dialog);
    hooks.onEdit(d);
  });
  // A folder whose files are delivered here: the watch form, this destination chosen.
  $('#details-watch').addEventListener('click', () => {
    const d = state.dest;
    if (!d) return;
    closeModal(dialog);
    hooks.onWatch(d);
  });
}

/** The proxy setting in words. */
function proxyText(proxy) {
  const p = (proxy || '').trim();
  if (!p) return 'From the system (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)';
  if (/^(direct|none)$/i.test(p)) return 'None: straight to the endpoint';
  return p;
}
