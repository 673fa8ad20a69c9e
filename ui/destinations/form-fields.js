// The parts of the destination form that depend on the catalog: provider
// picker and its defaults, region list, endpoint hint, storage classes,
// ACLs, key template presets and preview, and the key/value editors.

import { api } from '../lib/api.js';
import { $, $all, h, richText } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { acls, findProvider, keyPresets, keyTokens, providers } from '../lib/catalog.js';


const OVERWRITE_HINTS = {
  never: 'Chute asks the server to refuse the upload when the key is taken, so nothing is ever replaced; the file is reported as not delivered.',
  skip: 'The file is left out and reported as skipped; the object already there stays as it is.',
  overwrite: 'The new file replaces the object. With bucket versioning on, the old version is kept.',
};

/** The provider with this id; an unknown one reads as the first provider. */
export function providerById(id) {
  return findProvider(id) || providers()[0];
}

/** Fill the selects, chips and token list from the catalog (once). */
export function setupCatalog(form) {
  const select = form.elements.provider;
  select.replaceChildren(...providers().map((p) => h('option', { value: p.id, text: p.label })));

  const acl = form.elements.acl;
  acl.replaceChildren(h('option', { value: '', text: 'Default (bucket setting)' }), ...acls().map((a) => h('option', { value: a, text: a })));

  const chips = $('#key-presets', form);
  chips.replaceChildren(
    ...keyPresets().map((p) =>
      h('button', { type: 'button', class: 'chip', title: p.template, 'aria-pressed': 'false', dataset: { template: p.template, preset: p.id } }, p.label),
    ),
  );
  chips.addEventListener('click', (e) => {
    const chip = e.target.closest('.chip');
    if (!chip) return;
    const input = form.elements.key_template;
    input.value = chip.dataset.template;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });

  $('#token-list', form).replaceChildren(
    ...keyTokens().flatMap((t) => {
      const name = String(t.token).replace(/^\{|\}$/g, '');
      return [h('dt', {}, h('code', { text: `{${name}}` })), h('dd', { text: t.help })];
    }),
  );
}

/**
 * Show what depends on the provider. With applyDefaults, also set the
 * provider's region and path-style defaults (a provider was just picked).
 */
export function applyProvider(form, id, { applyDefaults = false, previous = null } = {}) {
  const p = providerById(id);
  if (!p) return;
  const els = form.elements;
  $('#provider-mark', form).replaceChildren(providerMark(p.id, 'sm'));
  $('#provider-hint', form).replaceChildren(richText(p.hint || ''));

  $('#region-list', form).replaceChildren(...p.regions.map((r) => h('option', { value: r })));
  els.region.placeholder = p.default_region || '';

  if (applyDefaults) {
    const prev = previous ? providerById(previous) : null;
    const region = els.region.value.trim();
    // Keep a region the user chose on purpose if it fits the new provider.
    const deliberate = region && (!prev || region !== prev.default_region);
    const fits = p.region.kind === 'any' || (p.region.kind === 'aws_list' && p.regions.includes(region));
    if (!(deliberate && fits)) els.region.value = p.default_region || '';
    els.path_style.checked = Boolean(p.path_style);
  }

  $('#account-field', form).hidden = p.endpoint.kind !== 'from_account';

  const sc = els.storage_class;
  const current = sc.value;
  sc.replaceChildren(h('option', { value: '', text: 'Default' }), ...p.storage_classes.map((c) => h('option', { value: c, text: c })));
  if (current && !p.storage_classes.includes(current) && !applyDefaults) sc.append(h('option', { value: current, text: current }));
  sc.value = applyDefaults && !p.storage_classes.includes(current) ? '' : current;

  updateEndpointHint(form);
}

/** The endpoint placeholder and hint, from the provider and current region / account. */
export function updateEndpointHint(form) {
  const els = form.elements;
  const p = providerById(els.provider.value);
  if (!p) return;
  const region = els.region.value.trim() || p.default_region;
  const account = els.account_id.value.trim();
  const input = els.endpoint;
  const hint = $('#endpoint-hint', form);
  const optional = $('#endpoint-optional', form);
  let placeholder = '';
  let text = '';
  switch (p.endpoint.kind) {
    case 'aws_regional':
      placeholder = `https://s3.${region}.amazonaws.com`;
      text = 'Leave empty for the region’s standard endpoint; set it only for VPC or FIPS endpoints.';
      break;
    case 'from_account':
      placeholder = (p.endpoint.template || '').replace('{account}', account || '<account id>');
      text = 'Leave empty: Chute builds it from your account id.';
      break;
    case 'from_region':
      placeholder = (p.endpoint.template || '').replace('{region}', region);
      text = 'Leave empty: Chute builds it from the region.';
      break;
    case 'fixed':
      placeholder = p.endpoint.url || '';
      text = `Leave empty to use \`${p.endpoint.url}\`.`;
      break;
    default:
      placeholder = p.id === 'minio' ? 'http://127.0.0.1:9000' : 'https://s3.example.com';
      text = '';
  }
  const required = p.endpoint.kind === 'user_supplied';
  input.placeholder = placeholder;
  input.toggleAttribute('aria-required', required);
  if (required) input.setAttribute('aria-required', 'true');
  optional.hidden = required;
  hint.replaceChildren(richText(text));
  hint.hidden = !text;
}

/** The hint under the overwrite policy. */
export function updateOverwriteHint(form) {
  const v = form.elements.overwrite.value || 'never';
  $('#overwrite-hint', form).textContent = OVERWRITE_HINTS[v] || '';
}

let exampleSeq = 0;

/**
 * Highlight the preset chip that matches, and show an example key: the
 * core renders it exactly as a delivery would (the page never re-implements
 * key rendering). Answers that arrive late are dropped.
 */
export async function updateKeyPreview(form) {
  const template = form.elements.key_template.value;
  for (const chip of $all('.chip', $('#key-presets', form))) {
    chip.setAttribute('aria-pressed', String(chip.dataset.template === template));
  }
  const out = $('#key-preview', form);
  const seq = ++exampleSeq;
  let res;
  try {
    res = await api.keyExample(template, form.elements.prefix.value);
  } catch {
    res = null;
  }
  if (seq !== exampleSeq) return;
  if (!res || (!res.key && !res.error)) {
    out.replaceChildren();
    return;
  }
  out.dataset.state = res.error ? 'error' : 'ok';
  out.replaceChildren(
    h('span', { class: 'key-preview-label', text: 'Example' }),
    h('code', { text: res.file }),
    h('span', { class: 'key-preview-arrow', 'aria-label': 'becomes', text: '→' }),
    res.error
      ? h('span', { class: 'key-preview-error' }, icon('warning'), h('span', {}, richText(res.error)))
      : h('code', { class: 'key-preview-key', text: res.key }),
  );
}

/* ---- key/value editors (metadata, tags) ---- */

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
