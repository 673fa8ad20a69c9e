// The destination form's key/value editors (metadata, tags: a row per
// entry, added and removed by button) and the "N set" counts on the
// collapsed Metadata, Tags and Headers sections.

import { $, $all, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';

const KV_LABEL = { metadata: ['Metadata', 'Add metadata', 'e.g. project'], tags: ['Tag', 'Add tag', 'e.g. team'] };

function kvRow(kind, key = '', value = '') {
  const [label, , keyPlaceholder] = KV_LABEL[kind];
  const remove = h('button', { type: 'button', class: 'icon-button kv-remove', 'aria-label': `Remove ${label.toLowerCase()} entry`, title: 'Remove' }, icon('close'));
  const row = h(
    'div',
    { class: 'kv-row' },
    h('input', { type: 'text', class: 'mono', 'aria-label': `${label} key`, placeholder: keyPlaceholder, value: key, dataset: { kvKey: '' } }),
    h('input', { type: 'text', 'aria-label': `${label} value`, placeholder: 'value', value, dataset: { kvValue: '' } }),
    remove,
  );
  remove.addEventListener('click', () => {
    const container = row.parentElement;
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    updateKvMeta(container);
    if (next) next.querySelector('input').focus();
    else container.parentElement.querySelector('.kv-add')?.focus();
    container.dispatchEvent(new Event('input', { bubbles: true }));
  });
  return row;
}

export function setupKv(form) {
  for (const container of $all('[data-kv]', form)) {
    const kind = container.dataset.kv;
    const add = h('button', { type: 'button', class: 'button button--ghost button--small kv-add' }, icon('plus'), h('span', { text: KV_LABEL[kind][1] }));
    add.addEventListener('click', () => {
      const row = kvRow(kind);
      container.append(row);
      updateKvMeta(container);
      row.querySelector('input').focus();
    });
    container.after(add);
    container.addEventListener('input', () => updateKvMeta(container));
  }
}

export function setKv(form, kind, obj) {
  const container = $(`[data-kv="${kind}"]`, form);
  container.replaceChildren(...Object.entries(obj || {}).map(([k, v]) => kvRow(kind, k, v)));
  updateKvMeta(container);
}

export function getKv(form, kind) {
  // fromEntries defines properties, so keys like "constructor" work even
  // with Tauri's frozen Object.prototype.
  const entries = [];
  for (const row of $all('.kv-row', $(`[data-kv="${kind}"]`, form))) {
    const k = row.querySelector('[data-kv-key]').value.trim();
    const v = row.querySelector('[data-kv-value]').value;
    if (k || v) entries.push([k, v]);
  }
  return Object.fromEntries(entries);
}

function updateKvMeta(container) {
  const details = container.closest('details');
  const meta = details && details.querySelector('[data-meta]');
  if (!meta) return;
  const n = $all('.kv-row', container).filter((r) => r.querySelector('[data-kv-key]').value.trim()).length;
  meta.textContent = n ? `${n} set` : '';
}

/** "2 set" on the Headers summary. */
export function updateHeadersMeta(form) {
  const meta = $('[data-meta="headers"]', form);
  const n = $all('input[name^="headers."]', form).filter((i) => i.value.trim()).length;
  meta.textContent = n ? `${n} set` : '';
}
