// The parts of the destination form that depend on the catalog: provider
// picker and its defaults, region list, endpoint hint, storage classes,
// ACLs, key template presets and preview, and the key/value editors.

import { $, $all, h, richText } from './dom.js';
import { icon, providerMark } from './icons.js';

const DEFAULT_ACLS = [
  'private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read',
  'bucket-owner-read', 'bucket-owner-full-control',
];

const SAMPLE_RELPATH = 'q3/report.csv';
const MAX_KEY_BYTES = 1024;

/** Names never delivered unless the destination's list says otherwise (as in the core). */
export const DEFAULT_IGNORES = ['.DS_Store', 'Thumbs.db', 'desktop.ini', '.git/', '._*', '~$*'];

const OVERWRITE_HINTS = {
  never: 'Chute asks the server to refuse the upload when the key is taken, so nothing is ever replaced; the file is reported as not delivered.',
  skip: 'The file is left out and reported as skipped; the object already there stays as it is.',
  overwrite: 'The new file replaces the object. With bucket versioning on, the old version is kept.',
};

let catalog = { providers: [], key_presets: [], tokens: [], acls: [] };

export function providerById(id) {
  return catalog.providers.find((p) => p.id === id) || catalog.providers[0];
}

export function providers() {
  return catalog.providers;
}

/** Fill the selects, chips and token list from the catalog (once). */
export function setupCatalog(form, cat) {
  catalog = cat;
  const select = form.elements.provider;
  select.replaceChildren(...cat.providers.map((p) => h('option', { value: p.id, text: p.label })));

  const acl = form.elements.acl;
  const acls = cat.acls && cat.acls.length ? cat.acls : DEFAULT_ACLS;
  acl.replaceChildren(h('option', { value: '', text: 'Default (bucket setting)' }), ...acls.map((a) => h('option', { value: a, text: a })));

  const chips = $('#key-presets', form);
  chips.replaceChildren(
    ...cat.key_presets.map((p) =>
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
    ...cat.tokens.flatMap((t) => {
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

/** Highlight the preset chip that matches, and show an example key. */
export function updateKeyPreview(form) {
  const template = form.elements.key_template.value;
  for (const chip of $all('.chip', $('#key-presets', form))) {
    chip.setAttribute('aria-pressed', String(chip.dataset.template === template));
  }
  const out = $('#key-preview', form);
  const res = renderKey(template.trim() || '{prefix}{relpath}', form.elements.prefix.value, SAMPLE_RELPATH);
  if (res === null) {
    out.replaceChildren();
    return;
  }
  out.dataset.state = res.error ? 'error' : 'ok';
  out.replaceChildren(
    h('span', { class: 'key-preview-label', text: 'Example' }),
    h('code', { text: SAMPLE_RELPATH }),
    h('span', { class: 'key-preview-arrow', 'aria-label': 'becomes', text: '→' }),
    res.error
      ? h('span', { class: 'key-preview-error' }, icon('warning'), h('span', {}, richText(res.error)))
      : h('code', { class: 'key-preview-key', text: res.key }),
  );
}

function splitName(name) {
  const i = name.lastIndexOf('.');
  return i <= 0 ? [name, ''] : [name.slice(0, i), name.slice(i + 1)];
}

/**
 * A key as delivery renders it (src-tauri/core/src/keys.rs): tokens from
 * the file and the batch time in UTC, `{stem}.{ext}` without a trailing dot
 * for a file without extension, then Unicode NFC, `/` runs collapsed, no
 * leading `/`, no `.`/`..` segment, not empty, not a folder, at most 1,024
 * bytes. Returns {key} or {error}, or null when the template does not parse
 * (validation explains that).
 */
export function renderKey(template, prefix, relpath, now = new Date()) {
  const name = relpath.split('/').pop();
  const [stem, ext] = splitName(name);
  const slash = relpath.lastIndexOf('/');
  const p2 = (n) => String(n).padStart(2, '0');
  const values = {
    prefix, relpath, name, stem, ext,
    dir: slash >= 0 ? relpath.slice(0, slash + 1) : '',
    yyyy: String(now.getUTCFullYear()), MM: p2(now.getUTCMonth() + 1), dd: p2(now.getUTCDate()),
    HH: p2(now.getUTCHours()), mm: p2(now.getUTCMinutes()), ss: p2(now.getUTCSeconds()),
    date: `${now.getUTCFullYear()}-${p2(now.getUTCMonth() + 1)}-${p2(now.getUTCDate())}`,
    uuid: '3f2c9a4e-8b1d-4c6e-9f0a-5d7b2e1c8a90', id: '8f25b54462bf',
  };
  let out = '';
  const re = /\{([^{}]*)\}|[{}]|[^{}]+/g;
  let m;
  while ((m = re.exec(template))) {
    if (m[0] === '{' || m[0] === '}') return null;
    if (m[1] === undefined) {
      out += m[0];
      continue;
    }
    if (!Object.hasOwn(values, m[1])) return null;
    if (m[1] === 'ext' && !ext && out.endsWith('.')) out = out.slice(0, -1);
    out += values[m[1]];
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(out)) return { error: 'The key would contain a control character.' };
  const nfc = out.normalize('NFC');
  const segs = [];
  for (const seg of nfc.split('/')) {
    if (seg === '') continue;
    if (seg === '.' || seg === '..') return { error: `The key would contain a \`${seg}\` folder, which S3 keeps literally and many tools resolve differently.` };
    segs.push(seg);
  }
  let key = segs.join('/');
  if (nfc.endsWith('/') && key) key += '/';
  if (!key || key.endsWith('/')) return { error: 'The key would be empty or a folder (end with `/`): include `{name}` or `{relpath}`.' };
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return { error: `The key would be longer than S3’s ${MAX_KEY_BYTES} bytes.` };
  return { key };
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
