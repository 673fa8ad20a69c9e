// The file selected in a delivery's list, in full (#history-file-detail
// [data-file-id]): its error and fix, where it came from, its size, attempts
// and timing, the server's codes, what can be done with it
// ([data-act=copy-key|copy-url|presign|reveal]) and, when "Show in folder"
// found no file manager, a note with its path to copy (.hf-reveal-note,
// #hf-copy-path).

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatBytes, formatCount, formatDuration, plural, visibleName } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { errorLine, fileName, hasError } from './file-row.js';
import { statusLabel } from '../lib/status.js';

function fact(label, value) {
  return value === null || value === undefined || value === '' ? null : h('div', { class: 'hf-fact' }, h('dt', { text: label }), h('dd', {}, value));
}

function revealNote(error) {
  return h(
    'div',
    { class: 'hf-reveal-note', role: 'status', dataset: { code: error.code } },
    icon('info', 'hf-reveal-icon'),
    h('div', { class: 'hf-reveal-text' }, h('p', {}, richText(error.message)), error.fix ? h('p', { class: 'muted' }, richText(error.fix)) : null),
    h('button', { type: 'button', id: 'hf-copy-path', class: 'button button--secondary button--small', dataset: { act: 'copy-path' } }, icon('copy'), h('span', { text: 'Copy path' })),
  );
}

function detailActions(f, dest) {
  const button = (act, iconName, text, primary = false) =>
    h('button', { type: 'button', class: `button button--${primary ? 'secondary' : 'ghost'} button--small`, dataset: { act } }, icon(iconName), h('span', { text }));
  return [
    f.key ? button('copy-key', 'copy', 'Copy key') : null,
    f.status === 'delivered' && f.url ? button('copy-url', 'globe', 'Copy URL') : null,
    f.status === 'delivered' && dest ? button('presign', 'link', 'Presigned link…') : null,
    button('reveal', 'folder', 'Show in folder', true),
  ];
}

/**
 * Show file `f` (or nothing, when null) in `box`: file `position` (from 0)
 * of `matching`; `dest` the destination if it still exists; `revealError`
 * what "Show in folder" answered for this file, if it failed.
 */
export function renderFileDetail(box, f, { position, matching, dest, revealError = null }) {
  if (!f) {
    box.hidden = true;
    box.removeAttribute('data-file-id');
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.dataset.fileId = String(f.id);
  box.dataset.status = f.status;
  const parts = [
    h(
      'div',
      { class: 'hf-detail-head' },
      h('h4', { id: 'hf-detail-title', class: 'hf-detail-title mono', text: fileName(f) }),
      h('span', { class: 'hf-detail-status', text: `${statusLabel(f.status)} · file ${formatCount(position + 1)} of ${formatCount(matching)}` }),
    ),
    hasError(f) ? errorLine(f, 'p') : null,
    h(
      'dl',
      { class: 'hf-facts' },
      fact('From', h('span', { class: 'mono', text: visibleName(f.source) })),
      f.status === 'refused' ? null : fact('Size', formatBytes(f.size)),
      f.attempts ? fact('Attempts', `${formatCount(f.attempts)} (${plural(f.requests, 'request')})`) : null,
      f.duration_ms ? fact('Took', formatDuration(f.duration_ms)) : null,
      f.finished_at ? fact('Finished', timeElement(f.finished_at)) : null,
      fact('S3 code', f.s3_code ? h('code', { text: f.s3_code }) : null),
      fact('Request id', f.request_id ? h('code', { text: f.request_id }) : null),
      fact('Version', f.version_id ? h('code', { text: f.version_id }) : null),
    ),
    h('div', { class: 'hf-detail-actions' }, detailActions(f, dest)),
    revealError ? revealNote(revealError) : null,
  ];
  box.replaceChildren(...parts.filter(Boolean));
}
