// "Presigned link…" (#presign-dialog): a time-limited download link for
// one delivered object, signed locally with the destination's credentials
// (presign_link sends nothing). Choosing another expiry signs a new link.

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { openModal } from './dialogs.js';
import { copyText, flashCopied } from '../lib/clipboard.js';
import { showErrorBanner } from './error-banner.js';

let dialog;
let current = null; // {dest, key, seq}
let seq = 0;

function expiry() {
  const checked = dialog.querySelector('input[name="presign_expiry"]:checked');
  return checked ? Number(checked.value) : 86400;
}

async function sign() {
  if (!current) return;
  const mine = ++seq;
  const url = $('#presign-url');
  const copy = $('#presign-copy');
  const err = $('#presign-error');
  url.value = '';
  url.placeholder = 'Signing…';
  copy.disabled = true;
  err.hidden = true;
  const secs = expiry();
  try {
    const link = await api.presignLink(current.dest.id, current.key, secs);
    if (mine !== seq || !current) return;
    url.value = link;
    copy.disabled = false;
    const until = new Date(Date.now() + secs * 1000);
    $('#presign-expires').textContent = `Works until ${until.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}, for anyone who has it. Signed on this computer: nothing was sent.`;
  } catch (e) {
    if (mine !== seq) return;
    url.placeholder = 'No link';
    $('#presign-expires').textContent = '';
    showErrorBanner(err, e);
  }
}

export function openPresign({ dest, key, returnFocus }) {
  current = { dest, key };
  $('#presign-key').replaceChildren(h('code', { text: key }));
  $('#presign-expires').textContent = '';
  const copy = $('#presign-copy');
  copy.querySelector('.button-label').textContent = 'Copy link';
  openModal(dialog, { focus: dialog.querySelector('input[name="presign_expiry"]:checked'), returnFocus, onClose: () => (current = null) });
  sign();
}

export function initPresign() {
  dialog = $('#presign-dialog');
  dialog.addEventListener('change', (e) => {
    if (e.target.name === 'presign_expiry') sign();
  });
  $('#presign-url').addEventListener('focus', (e) => e.target.select());
  $('#presign-copy').addEventListener('click', async (e) => {
    const btn = e.currentTarget;
    flashCopied(btn, await copyText($('#presign-url').value), { failed: 'Copy failed: select and copy by hand', ms: 1800 });
  });
}
