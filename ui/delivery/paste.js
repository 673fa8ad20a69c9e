// Ctrl+V in the window (outside a field, with no dialog open): what was
// copied is delivered like a drop. Copied files go as they are; an image
// or text is first kept as a file (named by the template set here), then
// the question "which destination?" and the preview follow. When it has
// landed, its link (or a presigned one) can be put on the clipboard.

import { api } from '../lib/api.js';
import { $, isEditable } from '../lib/dom.js';
import { copyText } from '../lib/clipboard.js';
import { anyModalOpen } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { askWhereAndDeliver } from './dropzone.js';

const isMac = /Mac/.test(navigator.platform);
const PRESIGNED_SECS = 7 * 24 * 3600;
const HOW = { files: 'pasted', image: 'pasted an image, kept as', text: 'pasted text, kept as' };

function onKeydown(e) {
  const mod = isMac ? e.metaKey : e.ctrlKey;
  if (!mod || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'v') return;
  if (e.defaultPrevented || anyModalOpen() || isEditable(e.target)) return;
  e.preventDefault();
  paste();
}

async function paste() {
  let pasted;
  try {
    pasted = await api.pasteClipboard();
  } catch (err) {
    errorToast(err, 'Nothing to deliver from the clipboard');
    return;
  }
  askWhereAndDeliver(pasted.paths, {
    how: HOW[pasted.kind] || 'pasted',
    onPickerOpen: showOptions,
    onDelivered: copyAfter,
  });
}

/** The paste options in the question: what to copy when it lands, how pasted items are named. */
async function showOptions() {
  const copy = $('#picker-copy');
  const name = $('#picker-paste-name');
  let settings;
  try {
    settings = await api.pasteSettings();
  } catch {
    return;
  }
  copy.value = settings.copy;
  name.value = settings.name_template;
  copy.onchange = () => api.setPasteSettings({ copy: copy.value }).catch((err) => errorToast(err, 'Could not keep the choice'));
  name.onchange = async () => {
    try {
      const saved = await api.setPasteSettings({ nameTemplate: name.value });
      name.value = saved.name_template;
      name.removeAttribute('aria-invalid');
    } catch (err) {
      name.setAttribute('aria-invalid', 'true');
      toast(err.message || 'That name cannot be used', { kind: 'error', fix: err.fix });
    }
  };
}

/** Once a pasted item landed: its link (or a presigned one) on the clipboard, as chosen. */
async function copyAfter(batch, dest) {
  if (!batch || !batch.lists || !batch.lists.delivered.length) return;
  let choice;
  try {
    choice = (await api.pasteSettings()).copy;
  } catch {
    return;
  }
  if (choice === 'nothing') return;
  const results = batch.lists.delivered.map((i) => batch.results[i]).filter(Boolean);
  let links;
  try {
    links =
      choice === 'presigned'
        ? await Promise.all(results.map((r) => api.presignLink(dest.id, r.key, PRESIGNED_SECS)))
        : results.map((r) => r.url).filter(Boolean);
  } catch (err) {
    errorToast(err, 'The link could not be made');
    return;
  }
  if (!links.length) return;
  const ok = await copyText(links.join('\n'));
  toast(ok ? `${links.length === 1 ? 'Its link is' : `${links.length} links are`} on the clipboard` : 'Could not copy the link', { kind: ok ? 'success' : 'error', timeout: 4000 });
}

export function initPaste() {
  document.addEventListener('keydown', onKeydown);
}
