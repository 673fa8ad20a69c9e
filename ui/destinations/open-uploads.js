// Multipart uploads left open under a destination's prefix, by Chute or
// anyone, in its detail sheet: "Look for unfinished uploads"
// (#open-uploads-look) lists them (#open-uploads, one
// .open-upload[data-upload-id] each with its key, age and size and an
// Abort button); "Abort older than N hours" (#open-uploads-abort-old,
// #open-uploads-hours) aborts several. Both ask first.

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { confirmAction } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { formatBytes, plural } from '../lib/format.js';
import { shortRelativeTime } from '../lib/reltime.js';

const state = { dest: null, uploads: [], seq: 0 };

function sizeText(u) {
  if (u.bytes == null) return 'size not reported by the server';
  return `${plural(u.parts ?? 0, 'part')}, ${formatBytes(u.bytes)}`;
}

function item(u) {
  const age = u.initiated_at ? `started ${shortRelativeTime(u.initiated_at)}` : 'start not reported';
  return h(
    'li',
    { class: 'open-upload', dataset: { uploadId: u.upload_id } },
    icon('upload', 'open-upload-icon'),
    h('span', { class: 'open-upload-text' }, h('code', { class: 'open-upload-key', title: u.key, text: u.key }), h('span', { class: 'open-upload-meta', text: `${age} · ${sizeText(u)}` })),
    h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'abort-upload' }, 'aria-label': `Abort the unfinished upload of ${u.key}`, on: { click: (e) => abortOne(u, e.currentTarget) } }, icon('close'), h('span', { text: 'Abort' })),
  );
}

function render(note) {
  const list = $('#open-uploads');
  list.replaceChildren(...state.uploads.map(item));
  $('#open-uploads-count').textContent = state.uploads.length ? plural(state.uploads.length, 'open upload') : '';
  $('#open-uploads-note').replaceChildren(richText(note));
  $('#open-uploads-old').hidden = state.uploads.length === 0;
}

async function look() {
  const d = state.dest;
  if (!d) return;
  const seq = ++state.seq;
  const button = $('#open-uploads-look');
  button.disabled = true;
  $('#open-uploads').setAttribute('aria-busy', 'true');
  try {
    const uploads = await api.openUploads(d.id);
    if (seq !== state.seq) return;
    state.uploads = uploads;
    render(uploads.length
      ? 'Parts of these uploads are stored (and billed) but no object was made of them. Abort the ones nothing is still sending.'
      : `No unfinished uploads under \`${d.prefix || '/'}\`.`);
  } catch (err) {
    if (seq !== state.seq) return;
    state.uploads = [];
    render(`${err.message} ${err.fix || ''}`);
  } finally {
    if (seq === state.seq) {
      button.disabled = false;
      $('#open-uploads').removeAttribute('aria-busy');
    }
  }
}

function said(report) {
  const failed = report.failed.length;
  toast(`Aborted ${plural(report.aborted.length, 'unfinished upload')}`, {
    kind: failed ? 'warning' : 'success',
    detail: failed ? `${plural(failed, 'upload')} could not be aborted: ${report.failed[0][1].message}` : undefined,
  });
}

async function abortOne(u, button) {
  const d = state.dest;
  const done = await confirmAction({
    title: 'Abort this unfinished upload?',
    body: `Its stored parts are deleted and \`${u.key}\` will not be made of them. If a program is still sending it, that program will fail.`,
    details: [sizeText(u)],
    confirmLabel: 'Abort upload',
    icon: 'trash',
    returnFocus: button,
    action: async () => said(await api.abortUpload(d.id, u.key, u.upload_id)),
  });
  if (done) look();
}

async function abortOld(button) {
  const d = state.dest;
  const hours = Math.max(0, Math.floor(Number($('#open-uploads-hours').value) || 0));
  const chosen = state.uploads.filter((u) => u.initiated_at && Date.now() - u.initiated_at >= hours * 3600_000);
  const done = await confirmAction({
    title: chosen.length ? `Abort ${plural(chosen.length, 'unfinished upload')}?` : 'Abort unfinished uploads?',
    body: `Every upload under \`${d.prefix || '/'}\` started more than ${plural(hours, 'hour')} ago is aborted: its stored parts are deleted.`,
    details: chosen.slice(0, 5).map((u) => `\`${u.key}\``),
    confirmLabel: 'Abort uploads',
    icon: 'trash',
    returnFocus: button,
    action: async () => said(await api.abortUploadsOlderThan(d.id, hours)),
  });
  if (done) look();
}

/** The sheet shows destination `d`: nothing listed until asked. */
export function showUploads(d) {
  state.dest = d;
  state.uploads = [];
  state.seq++;
  render('Uploads that were started but never finished keep their parts stored, and billed. Look for them under this prefix.');
}

export function initUploads() {
  $('#open-uploads-look').addEventListener('click', look);
  $('#open-uploads-abort-old').addEventListener('click', (e) => abortOld(e.currentTarget));
}
