// A "Copy …" button that copies what `getText()` returns and says, in its
// place and for a moment, whether that worked.

import { h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { copyText } from '../lib/clipboard.js';

/** A "Copy …" button that confirms in place for a moment. */
export function copyButton(label, getText, extra = {}) {
  const text = h('span', { text: label });
  const btn = h('button', { type: 'button', class: 'button button--ghost button--small copy-button', ...extra }, icon('copy'), text);
  let timer = null;
  btn.addEventListener('click', async () => {
    const ok = await copyText(getText());
    clearTimeout(timer);
    btn.dataset.copied = ok ? 'true' : 'false';
    btn.replaceChildren(icon(ok ? 'check' : 'warning'), h('span', { text: ok ? 'Copied' : 'Copy failed: select and copy by hand' }));
    timer = setTimeout(() => {
      delete btn.dataset.copied;
      btn.replaceChildren(icon('copy'), text);
    }, 1800);
  });
  return btn;
}
