// Recent problems: every failure shown in a toast is also kept here, so it
// stays reachable after its toast is gone. The header's problems button
// (#problems-button) shows how many there are and opens the list
// (#problems-dialog): message, detail, fix and when, newest first, a
// repeat counted on its entry. Kept for this session until the user
// clears the list; never written to disk.

import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { openModal } from './dialogs.js';
import { plural } from '../lib/format.js';
import { shortRelativeTime } from '../lib/reltime.js';

const MAX_KEPT = 50;
const entries = []; // newest first: {message, detail, fix, at, count}
let button = null;
let dialog = null;

export function recordFailure({ message, detail = '', fix = '' }) {
  const i = entries.findIndex((e) => e.message === message);
  const entry = i >= 0 ? entries.splice(i, 1)[0] : { message, count: 0 };
  Object.assign(entry, { detail, fix, at: Date.now(), count: entry.count + 1 });
  entries.unshift(entry);
  entries.length = Math.min(entries.length, MAX_KEPT);
  render();
}

function entryEl(e) {
  const when = new Date(e.at);
  return h(
    'li',
    { class: 'failure' },
    icon('error', 'failure-icon'),
    h(
      'div',
      { class: 'failure-text' },
      h('p', { class: 'failure-message' }, richText(e.message), e.count > 1 ? h('span', { class: 'failure-count', text: `×${e.count}` }) : null),
      e.detail ? h('p', { class: 'failure-detail' }, richText(e.detail)) : null,
      e.fix ? h('p', { class: 'failure-fix' }, h('strong', { text: 'Fix: ' }), richText(e.fix)) : null,
    ),
    h('time', { class: 'failure-time', datetime: when.toISOString(), title: when.toLocaleString(), text: shortRelativeTime(e.at) }),
  );
}

function render() {
  if (!button) return;
  const n = entries.length;
  button.hidden = n === 0;
  $('#problems-count', button).textContent = n.toLocaleString();
  button.setAttribute('aria-label', `${plural(n, 'recent problem')}: show the list`);
  if (!dialog.open) return;
  $('#problems-list', dialog).replaceChildren(...entries.map(entryEl));
  $('#problems-empty', dialog).hidden = n > 0;
  $('#problems-clear', dialog).disabled = n === 0;
}

function openList() {
  openModal(dialog, { focus: $('#problems-close', dialog), returnFocus: button });
  render();
}

export function initFailures() {
  button = $('#problems-button');
  dialog = $('#problems-dialog');
  button.addEventListener('click', openList);
  $('#problems-clear', dialog).addEventListener('click', () => {
    entries.length = 0;
    render();
    $('#problems-close', dialog).focus();
  });
  render();
}
