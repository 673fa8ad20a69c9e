// The file list of the delivery panel (#delivery-files): one virtualised
// row per file (.delivery-file[data-status][data-index]) with its key or
// link, its error, and per-file actions: copy the link, a presigned link,
// cancel a file still waiting ([data-act="copy" | "presign" | "cancel-file"]).

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { VirtualList, scrollWithKeys } from '../lib/vlist.js';
import { openPresign } from '../components/presigned-link.js';
import { formatBytes, formatCount } from '../lib/format.js';
import { fileStatusIcon, statusLabel } from '../lib/status.js';
import { copyText, flashCopied } from '../lib/clipboard.js';

export const ROW_HEIGHT = 54;

let ctx = {
  selected: () => null, // the batch shown
  onCancelFile: () => {}, // (batch, index)
};

export function itemCount(b) {
  return b.filter === 'all' ? b.total : b.lists[b.filter].length;
}

function itemIndex(b, i) {
  return b.filter === 'all' ? i : b.lists[b.filter][i];
}

function fileStatus(b, index) {
  const r = b.results[index];
  if (r) return r.status;
  if (b.cancelling.has(index)) return 'cancelling';
  return 'pending';
}

/** A live row's mark: its status icon once the file is done; a dot while it waits, a spinner while it is being cancelled. */
function statusMark(status) {
  if (status === 'pending') return h('span', { class: 'pending-dot' });
  if (status === 'cancelling') return h('span', { class: 'spinner spinner--small' });
  return icon(fileStatusIcon(status));
}

function fileRow(i) {
  const b = ctx.selected();
  const index = itemIndex(b, i);
  const r = b.results[index];
  const row = b.rows.get(index);
  const status = fileStatus(b, index);
  const name = row ? row.relpath : r ? r.key : `File ${formatCount(index + 1)}`;
  const key = r ? r.key : row ? row.key : '';
  const running = b.phase === 'running';

  let detail;
  if (status === 'delivered') {
    detail = h('span', { class: 'delivery-url mono', title: r.url, text: r.url || r.key });
  } else if (status === 'failed') {
    // The fix is on the error's card above the list (one per kind of error).
    const e = r.error || { message: 'Failed.', fix: '' };
    const plain = (t) => String(t || '').replaceAll('\u0060', ''); // no backticks in a tooltip
    detail = h('span', { class: 'delivery-file-error', title: e.fix ? `${plain(e.message)}\n${plain(e.fix)}` : plain(e.message) }, richText(e.message));
  } else if (status === 'skipped') {
    detail = h('span', { class: 'delivery-file-note' }, 'Already in the bucket, left as it is: ', h('code', { text: key }));
  } else if (status === 'cancelled') {
    detail = h('span', { class: 'delivery-file-note', text: 'Cancelled: not delivered' });
  } else {
    detail = h('span', { class: 'delivery-file-key mono', title: key }, h('span', { class: 'plan-arrow', 'aria-hidden': 'true' }, '→ '), key);
  }

  const actions = [];
  if (status === 'delivered') {
    actions.push(
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'copy', focusKey: 'copy' }, 'aria-label': `Copy the link to ${key}` }, icon('copy'), h('span', { text: 'Copy link' })),
      h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'presign', focusKey: 'presign' }, 'aria-label': `Presigned link for ${key}…` }, icon('link'), h('span', { text: 'Presigned link…' })),
    );
  } else if (status === 'pending' && running && !b.cancelRequested) {
    actions.push(h('button', { type: 'button', class: 'icon-button', dataset: { act: 'cancel-file', focusKey: 'cancel' }, 'aria-label': `Cancel ${name}`, title: 'Cancel this file' }, icon('close')));
  }

  return h(
    'div',
    { class: 'delivery-file', role: 'listitem', dataset: { status, index: String(index) }, 'aria-posinset': String(i + 1), 'aria-setsize': String(itemCount(b)) },
    h('span', { class: 'delivery-file-icon', title: statusLabel(status) }, statusMark(status), h('span', { class: 'sr-only', text: `${statusLabel(status)}: ` })),
    h(
      'span',
      { class: 'delivery-file-main' },
      h('span', { class: 'delivery-file-line' }, h('span', { class: 'delivery-file-name', title: row ? row.source : name, text: name }), h('span', { class: 'delivery-file-size', text: row ? formatBytes(row.size) : r ? formatBytes(r.bytes) : '' })),
      detail,
    ),
    h('span', { class: 'delivery-file-actions' }, actions),
  );
}

function rowSignature(i) {
  const b = ctx.selected();
  if (!b) return '';
  const index = itemIndex(b, i);
  return `${b.id}|${index}|${fileStatus(b, index)}|${b.rows.get(index) ? 1 : 0}|${b.phase}|${b.cancelRequested ? 1 : 0}|${b.results[index] && b.results[index].url ? 1 : 0}`;
}

async function onListClick(e) {
  const btn = e.target.closest('button[data-act]');
  const b = ctx.selected();
  if (!btn || !b) return;
  const index = Number(btn.closest('.delivery-file').dataset.index);
  const r = b.results[index];
  if (btn.dataset.act === 'cancel-file') ctx.onCancelFile(b, index);
  else if (btn.dataset.act === 'copy' && r) {
    flashCopied(btn, await copyText(r.url));
  } else if (btn.dataset.act === 'presign' && r) {
    openPresign({ dest: b.dest, key: r.key, returnFocus: btn });
  }
}

/** The virtualised list over #delivery-files; opts: {viewport, selected(), onCancelFile(batch, index)}. */
export function createFileList(viewport, opts) {
  ctx = { ...ctx, ...opts };
  const list = new VirtualList(viewport, {
    rowHeight: ROW_HEIGHT,
    render: fileRow,
    signature: rowSignature,
    onRange: (first, last) => {
      const b = ctx.selected();
      if (b && b.filter === 'all') b.rows.ensure(first, last);
    },
  });
  viewport.addEventListener('click', onListClick);
  scrollWithKeys(viewport, ROW_HEIGHT);
  return list;
}
