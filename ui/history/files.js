// The files of the delivery selected in History: a virtualised list of
// exactly as many rows as files match (loaded a page at a time as rows
// come into view, each drawn by file-row.js), which can jump to any row
// ("Go to file", Home/End, Page Up/Down, the first failed file), and below
// it the selected file in full (file-detail.js) with what can be done
// with it.
//
// Hooks: #history-files, .history-file[data-status][data-index]
// [aria-current], .hf-error[data-code], .hf-error-fix, #history-failed-only,
// #hd-file-count, #history-file-jump, #history-file-jump-to,
// #history-file-jump-error, #history-first-failed, #history-files-foot,
// #history-file-detail[data-file-id], [data-act=copy-key|copy-url|presign|
// reveal], .hf-reveal-note[data-code], #hf-copy-path, #history-file-announce.

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { errorToast } from '../components/toast.js';
import { PagedRows, VirtualList } from '../lib/vlist.js';
import { openPresign } from '../components/presigned-link.js';
import { formatCount, plural } from '../lib/format.js';
import { fileName, fileRow } from './file-row.js';
import { renderFileDetail } from './file-detail.js';
import { copyText, flashCopied } from '../lib/clipboard.js';
import { statusLabel } from '../lib/status.js';

const ROW_HEIGHT = 56;

let hooks = { find: () => null };
let vlist;
const state = {
  batch: null,
  search: '',
  failedOnly: false,
  gen: 0, // bumps on every reload; stale replies are dropped
  counts: null, // {matching, total, first_failed}
  rows: null, // PagedRows of the filtered files
  error: null,
  selected: -1, // row (position in the filtered list)
  reveal: null, // {fileId, error?} the last "Show in folder" of the selected file
};

function fileFilter() {
  const f = {};
  if (state.search) f.search = state.search;
  if (state.failedOnly) f.status = 'failed';
  return f;
}

/** The destination of the batch shown, if it still exists. */
function shownDestination() {
  return state.batch && hooks.find(state.batch.destination_id);
}

/* ---------- showing a batch ---------- */

/** Show the files of `batch` matching `search` (from the first row). */
export function showBatchFiles(batch, search) {
  const same = state.batch && state.batch.id === batch.id;
  state.batch = batch;
  state.search = search || '';
  if (!same) state.failedOnly = false;
  reload();
}

/** Forget the batch (its details are no longer shown). */
export function clearBatchFiles() {
  state.gen++;
  state.batch = null;
  state.rows = null;
  state.counts = null;
  state.selected = -1;
  state.reveal = null;
  if (vlist) vlist.setCount(0, { reset: true });
  renderDetail();
}

async function reload() {
  const gen = ++state.gen;
  const b = state.batch;
  const filter = fileFilter();
  state.selected = -1;
  state.reveal = null;
  state.error = null;
  const list = $('#history-files');
  list.setAttribute('aria-busy', 'true');
  renderBar();
  renderFoot();
  let counts;
  try {
    counts = await api.historyFileCounts(b.id, filter);
  } catch (err) {
    if (gen !== state.gen) return;
    state.error = err;
    counts = null;
  }
  if (gen !== state.gen) return;
  state.counts = counts;
  state.rows = counts ? new PagedRows(b.id, [], counts.matching, (id, offset, limit) => api.historyFiles(id, { ...filter, offset, limit })) : null;
  if (state.rows) {
    state.rows.onLoad(() => {
      if (gen !== state.gen) return;
      state.error = state.rows.error;
      vlist.schedule();
      renderFoot();
      // The selected file's details, once its row is in (never redrawn under the user otherwise).
      const f = state.selected >= 0 ? state.rows.get(state.selected) : null;
      if (f && $('#history-file-detail').dataset.fileId !== String(f.id)) renderDetail();
    });
  }
  list.setAttribute('aria-busy', 'false');
  list.scrollTop = 0;
  list.style.setProperty('--rows', String(Math.max(1, counts ? counts.matching : 0)));
  vlist.setCount(counts ? counts.matching : 0, { reset: true });
  renderBar();
  renderFoot();
  renderDetail();
}

/* ---------- the bar above the list ---------- */

function renderBar() {
  const b = state.batch;
  if (!b) return;
  const chip = $('#history-failed-only');
  chip.setAttribute('aria-pressed', String(state.failedOnly));
  chip.disabled = !b.failed && !state.failedOnly;
  $('#hd-failed-count').textContent = formatCount(b.failed);
  $('#hd-search-note').hidden = !state.search;
  $('#hd-search-term').textContent = state.search;
  const c = state.counts;
  const filtered = Boolean(state.search || state.failedOnly);
  $('#hd-file-count').textContent = !c ? '' : filtered ? `${formatCount(c.matching)} of ${plural(c.total, 'file')} shown` : plural(c.total, 'file');
  const jump = $('#history-file-jump-to');
  jump.max = String(c ? Math.max(1, c.matching) : 1);
  jump.disabled = !c || c.matching === 0;
  $('#history-file-jump button').disabled = jump.disabled;
  const first = $('#history-first-failed');
  first.disabled = !c || c.first_failed === null || c.first_failed === undefined;
  first.title = first.disabled ? 'No file failed' : `File ${formatCount(c.first_failed + 1)} of ${formatCount(c.matching)}`;
  showJumpError('');
}

function renderFoot() {
  const foot = $('#history-files-foot');
  const c = state.counts;
  if (state.error) {
    foot.replaceChildren(h('span', { class: 'history-foot-error' }, richText(`The files could not be read: ${state.error.message}`)), ' ', h('button', { type: 'button', class: 'link-button', text: 'Try again', on: { click: reload } }));
  } else if (!c) foot.replaceChildren(h('span', { class: 'spinner spinner--small', 'aria-hidden': 'true' }), h('span', { text: 'Loading files…' }));
  else if (c.matching === 0) foot.textContent = state.failedOnly ? 'No file failed.' : 'No file matches.';
  else foot.textContent = '';
}

/* ---------- rows ---------- */

function renderRow(i) {
  return fileRow(state.rows && state.rows.get(i), i, { setSize: state.counts ? state.counts.matching : 0, selected: i === state.selected, dest: shownDestination() });
}

function rowSignature(i) {
  const f = state.rows && state.rows.get(i);
  return `${state.gen}|${f ? f.id : 'loading'}|${i === state.selected}`;
}

/* ---------- selecting and jumping ---------- */

/**
 * Select row i and bring it into view (`center` for a jump from afar);
 * with `reveal`, scroll the pane too so the list and the selected file
 * below it are both on screen.
 */
function select(i, { align = 'nearest', reveal = false } = {}) {
  const c = state.counts;
  if (!c || i < 0 || i >= c.matching) return;
  state.selected = i;
  state.reveal = null;
  vlist.scrollToIndex(i, { align });
  vlist.update();
  state.rows.ensure(i, i).then(() => {
    if (state.selected !== i) return;
    announce();
    if (reveal) $('#history-file-detail').scrollIntoView({ block: 'nearest' });
  });
  renderDetail();
  if (reveal) $('#history-files').scrollIntoView({ block: 'nearest' });
}

function showJumpError(text) {
  const input = $('#history-file-jump-to');
  const error = $('#history-file-jump-error');
  input.setAttribute('aria-invalid', String(Boolean(text)));
  error.textContent = text;
  error.hidden = !text;
}

function onJump(e) {
  e.preventDefault();
  const c = state.counts;
  if (!c || !c.matching) return;
  const raw = $('#history-file-jump-to').value.trim();
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > c.matching) {
    showJumpError(`“${raw || 'nothing'}” is not a file number here: enter one from 1 to ${formatCount(c.matching)}.`);
    return;
  }
  showJumpError('');
  select(n - 1, { align: 'center', reveal: true });
}

function onListKey(e) {
  if (e.target !== e.currentTarget || !state.counts) return;
  const next = vlist.rowForKey(e.key, state.selected);
  if (next === null) return;
  e.preventDefault();
  select(next);
}

/* ---------- the selected file ---------- */

/** Tell screen readers which file is selected (the list's selection is only visual). */
function announce() {
  const f = state.rows && state.rows.get(state.selected);
  if (!f) return;
  $('#history-file-announce').textContent = `File ${formatCount(state.selected + 1)} of ${formatCount(state.counts.matching)}: ${fileName(f)}, ${statusLabel(f.status)}`;
}

function renderDetail() {
  const f = state.selected >= 0 && state.rows ? state.rows.get(state.selected) : null;
  const r = state.reveal;
  renderFileDetail($('#history-file-detail'), f, {
    position: state.selected,
    matching: state.counts ? state.counts.matching : 0,
    dest: shownDestination(),
    revealError: f && r && r.fileId === f.id ? r.error || null : null,
  });
}

/* ---------- actions ---------- */

async function reveal(f) {
  state.reveal = { fileId: f.id };
  try {
    await api.revealSource(f.batch_id, f.id);
  } catch (err) {
    if (state.reveal && state.reveal.fileId === f.id) state.reveal = { fileId: f.id, error: err };
  }
  renderDetail();
  // Said where it is seen: the note in view, its "Copy path" focused.
  const note = state.reveal && state.reveal.error ? $('#history-file-detail .hf-reveal-note') : null;
  if (note) {
    note.scrollIntoView({ block: 'nearest' });
    $('#hf-copy-path').focus({ preventScroll: true });
  }
}

async function act(name, f, btn) {
  if (name === 'copy-key' || name === 'copy-url' || name === 'copy-path') {
    const text = name === 'copy-key' ? f.key : name === 'copy-url' ? f.url : f.source;
    flashCopied(btn, await copyText(text));
  } else if (name === 'reveal') {
    await reveal(f);
  } else if (name === 'presign') {
    const dest = shownDestination();
    if (dest) openPresign({ dest, key: f.key, returnFocus: btn });
  }
}

function onListClick(e) {
  const row = e.target.closest('.history-file[data-file-id]');
  if (!row) return;
  const i = Number(row.dataset.index);
  if (i !== state.selected) select(i, { reveal: true });
  const btn = e.target.closest('button[data-act]');
  const f = state.rows.get(i);
  if (btn && f) act(btn.dataset.act, f, btn).catch((err) => errorToast(err, 'That did not work'));
}

function onDetailClick(e) {
  const btn = e.target.closest('button[data-act]');
  const f = state.selected >= 0 && state.rows ? state.rows.get(state.selected) : null;
  if (btn && f) act(btn.dataset.act, f, btn).catch((err) => errorToast(err, 'That did not work'));
}

/* ---------- wiring ---------- */

export function initBatchFiles(opts) {
  hooks = { ...hooks, ...opts };
  const list = $('#history-files');
  vlist = new VirtualList(list, {
    rowHeight: ROW_HEIGHT,
    render: renderRow,
    signature: rowSignature,
    onRange: (first, last) => state.rows && state.rows.ensure(first, last),
  });
  list.addEventListener('click', onListClick);
  list.addEventListener('keydown', onListKey);
  $('#history-file-detail').addEventListener('click', onDetailClick);
  $('#history-file-jump').addEventListener('submit', onJump);
  $('#history-file-jump-to').addEventListener('input', () => showJumpError(''));
  $('#history-first-failed').addEventListener('click', () => {
    const c = state.counts;
    if (c && c.first_failed !== null && c.first_failed !== undefined) select(c.first_failed, { align: 'center', reveal: true });
  });
  $('#history-failed-only').addEventListener('click', () => {
    if (!state.batch) return;
    state.failedOnly = !state.failedOnly;
    reload();
  });
}
