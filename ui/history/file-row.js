// One file of the delivery selected in History, as its row in the list
// (.history-file[data-status][data-index]): its status, its key (or, for a
// file refused before sending, its path), its error and fix or its size
// and timing, and pointer shortcuts to what can be done with it.

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatBytes, formatCount, formatDuration, visibleName } from '../lib/format.js';
import { fileStatusIcon, statusLabel } from '../lib/status.js';

const WITH_ERROR = new Set(['failed', 'refused']);

/** Whether the file carries an error to show (failed, or refused before sending). */
export function hasError(f) {
  return WITH_ERROR.has(f.status);
}

/** A file as its row names it: its key, or (refused before sending: no key) its path in what was given. */
export function fileName(f) {
  return f.status === 'refused' ? visibleName(f.relpath) : f.key;
}

function rowAction(name, iconName, label) {
  // Pointer shortcuts; the keyboard reaches the same actions below the list.
  return h('button', { type: 'button', class: 'icon-button', tabindex: '-1', dataset: { act: name }, 'aria-label': label, title: label }, icon(iconName));
}

function rowActions(f, dest) {
  const actions = [];
  if (f.key) actions.push(rowAction('copy-key', 'copy', `Copy the key ${f.key}`));
  if (f.status === 'delivered' && f.url) actions.push(rowAction('copy-url', 'globe', `Copy the URL of ${f.key}`));
  if (f.status === 'delivered' && dest) actions.push(rowAction('presign', 'link', `Presigned link for ${f.key}…`));
  actions.push(rowAction('reveal', 'folder', `Show ${f.source} in its folder`));
  return actions;
}

/** The file's error and its fix, as a line of its row or (tag 'p') in its details. */
export function errorLine(f, tag = 'span') {
  return h(
    tag === 'span' ? 'span' : 'div',
    { class: 'hf-error', dataset: { code: f.error_code || 'error' } },
    h(tag, { class: 'hf-error-message' }, richText(visibleName(f.error_message || (f.status === 'refused' ? 'Refused before sending.' : 'Failed.')))),
    f.error_fix ? h(tag, { class: 'hf-error-fix' }, richText(f.error_fix)) : null,
  );
}

function fileMeta(f) {
  const meta = [h('span', { class: 'hf-size', text: formatBytes(f.size) })];
  if (f.attempts > 1) meta.push(h('span', { text: `${formatCount(f.attempts)} attempts` }));
  if (f.duration_ms) meta.push(h('span', { text: formatDuration(f.duration_ms) }));
  return h('span', { class: 'hf-meta' }, meta);
}

/**
 * Row `i` of `setSize`: file `f` (null while its page loads); `selected`
 * marks it current; `dest` (the destination, if it still exists) offers a
 * presigned link for a delivered file.
 */
export function fileRow(f, i, { setSize, selected, dest }) {
  const common = { role: 'listitem', id: `hf-row-${i}`, 'aria-posinset': String(i + 1), 'aria-setsize': String(setSize) };
  if (!f) return h('div', { class: 'history-file history-file--loading', ...common, dataset: { index: String(i) } }, h('span', { class: 'hf-loading muted', text: `File ${formatCount(i + 1)}…` }));
  return h(
    'div',
    { class: 'history-file', ...common, 'aria-current': selected ? 'true' : null, dataset: { status: f.status, key: f.key, fileId: String(f.id), index: String(i) } },
    h('span', { class: 'hf-icon', title: statusLabel(f.status) }, icon(fileStatusIcon(f.status))),
    h(
      'span',
      { class: 'hf-main' },
      h('span', { class: 'hf-line' }, h('span', { class: `hf-key mono${f.key ? '' : ' hf-key--none'}`, title: f.source, text: fileName(f) }), h('span', { class: 'hf-status', text: statusLabel(f.status) })),
      hasError(f) ? errorLine(f) : fileMeta(f),
    ),
    h('span', { class: 'hf-actions' }, rowActions(f, dest)),
  );
}
