// Reading and writing the destination form: the settings as the core
// takes them, a destination's settings put into the fields, the "On
// delivery" section (existing objects, never deliver, compression, the
// manifest, the check after delivery, the bandwidth limit, preview) and the
// names of the fields as the person sees them.

import { $, h } from '../lib/dom.js';
import { defaultIgnores } from '../lib/catalog.js';
import { applyProvider, providerById } from './form-provider.js';
import { getKv, setKv } from './form-key-values.js';
import { collectEncryption } from './form-encryption.js';

const HEADER_FIELDS = ['cache_control', 'content_disposition', 'content_encoding', 'content_language', 'expires', 'content_type'];
const LABELS = {
  name: 'Name', provider: 'Provider', bucket: 'Bucket', endpoint: 'Endpoint', account_id: 'Account id', region: 'Region',
  access_key_id: 'Access key id', secret_access_key: 'Secret access key', profile: 'Profile', prefix: 'Path prefix',
  path_style: 'Path-style addressing', key_template: 'Key template', storage_class: 'Storage class', acl: 'Object ACL',
  headers: 'Headers', metadata: 'Metadata', tags: 'Tags', active: 'Active', overwrite: 'When an object exists',
  ignore: 'Never deliver', confirm_delivery: 'Preview before delivering', compression: 'Compress on the way', manifest: 'Manifest',
  check_after_delivery: 'Check each object once it lands', credentials: 'Credentials',
  proxy: 'Proxy', proxy_password: 'Proxy password',
  encryption: 'Encryption', kms_key_id: 'KMS key', sse_c_key: 'SSE-C key',
  bandwidth_limit: 'Bandwidth limit',
};

const OVERWRITE_HINTS = {
  never: 'Chute asks the server to refuse the upload when the key is taken, so nothing is ever replaced; the file is reported as not delivered.',
  skip: 'The file is left out and reported as skipped; the object already there stays as it is.',
  overwrite: 'The new file replaces the object. With bucket versioning on, the old version is kept.',
};

/** What a field is called ("Path prefix"), for messages that name fields. */
export function fieldLabel(field) {
  return LABELS[field] || field;
}

/** The settings as typed, as validate_destination and save_destination take them. */
export function collectSettings(form) {
  const e = form.elements;
  const provider = providerById(e.provider.value);
  const headers = {};
  for (const f of HEADER_FIELDS) headers[f] = e[`headers.${f}`].value;
  return {
    name: e.name.value,
    provider: e.provider.value,
    bucket: e.bucket.value,
    region: e.region.value,
    endpoint: e.endpoint.value,
    account_id: provider && provider.endpoint.kind === 'from_account' ? e.account_id.value : '',
    path_style: e.path_style.checked,
    prefix: e.prefix.value,
    key_template: e.key_template.value,
    storage_class: e.storage_class.value,
    acl: e.acl.value,
    headers,
    metadata: getKv(form, 'metadata'),
    tags: getKv(form, 'tags'),
    active: e.active.checked,
    overwrite: e.overwrite.value || 'never',
    ignore: ignoreList(e.ignore.value),
    confirm_delivery: e.confirm_delivery.checked,
    compression: e.compression.value || 'off',
    manifest: e.manifest.checked,
    check_after_delivery: e.check_after_delivery.checked,
    proxy: e.proxy.value,
    bandwidth_limit: e.bandwidth_limit.value,
    ...collectEncryption(form),
  };
}

/** The proxy password as typed (it goes to the keychain), or null to keep the stored one. */
export function collectProxyPassword(form) {
  const e = form.elements;
  return proxyNamesUser(e.proxy.value) && e.proxy_password.value ? e.proxy_password.value : null;
}

/** Whether a proxy address names a user (`http://user@host:port`), so it has a password. */
function proxyNamesUser(address) {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(address.trim()) || /^[^:/@\s]+@/.test(address.trim());
}

/** Show the proxy password only for an address with a user; editing, an empty one keeps the stored password. */
export function updateProxyPassword(form, editing) {
  const e = form.elements;
  const show = proxyNamesUser(e.proxy.value);
  $('#proxy-password-field', form).hidden = !show;
  e.proxy_password.placeholder = editing ? 'Unchanged unless you type one' : '';
  if (!show) e.proxy_password.value = '';
}

/** The "Never deliver" textarea: one pattern per line, blank lines dropped. */
function ignoreList(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** The "On delivery" section: what happens to existing objects, what is never delivered, whether to preview. */
export function setDeliveryFields(form, d) {
  const e = form.elements;
  const overwrite = ['never', 'skip', 'overwrite'].includes(d.overwrite) ? d.overwrite : 'never';
  for (const r of e.overwrite) r.checked = r.value === overwrite;
  e.ignore.value = (Array.isArray(d.ignore) ? d.ignore : defaultIgnores()).join('\n');
  e.confirm_delivery.checked = d.confirm_delivery !== false;
  const compression = Object.hasOwn(COMPRESSION_HINTS, d.compression) ? d.compression : 'off';
  for (const r of e.compression) r.checked = r.value === compression;
  e.manifest.checked = d.manifest === true;
  e.check_after_delivery.checked = d.check_after_delivery !== false;
  e.bandwidth_limit.value = d.bandwidth_limit || '';
  updateOverwriteHint(form);
  updateCompressionHint(form);
}

/** What each compression choice does, under the choices. */
const COMPRESSION_HINTS = {
  off: 'Files are sent as they are.',
  gzip: 'Each file is gzipped and stored as a .gz object (application/gzip); the preview shows the .gz keys.',
  gzip_encoding: 'Each file is gzipped and stored under its own name with Content-Encoding: gzip, so browsers and HTTP clients decompress it as they download.',
};

/** The hint under the compression choice. */
export function updateCompressionHint(form) {
  const v = form.elements.compression.value || 'off';
  $('#compression-hint', form).textContent = COMPRESSION_HINTS[v] || '';
}

/** Put a destination's settings into the fields (the provider first: it decides what the rest offer). */
export function fill(form, d) {
  const e = form.elements;
  e.name.value = d.name || '';
  e.provider.value = d.provider;
  applyProvider(form, e.provider.value);
  e.bucket.value = d.bucket || '';
  e.region.value = d.region || '';
  e.endpoint.value = d.endpoint || '';
  e.account_id.value = d.account_id || '';
  e.path_style.checked = Boolean(d.path_style);
  e.proxy.value = d.proxy || '';
  e.prefix.value = d.prefix || '';
  e.key_template.value = d.key_template || '';
  ensureOption(e.storage_class, d.storage_class);
  ensureOption(e.acl, d.acl);
  for (const f of HEADER_FIELDS) e[`headers.${f}`].value = (d.headers && d.headers[f]) || '';
  setKv(form, 'metadata', d.metadata);
  setKv(form, 'tags', d.tags);
  e.active.checked = d.active !== false;
  setDeliveryFields(form, d);
}

/** Select `value`, adding it as an option if the list lacks it (a value saved by hand or by an older Chute). */
export function ensureOption(select, value) {
  value = value || '';
  if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value, text: value }));
  select.value = value;
}

/** The hint under the overwrite policy. */
export function updateOverwriteHint(form) {
  const v = form.elements.overwrite.value || 'never';
  $('#overwrite-hint', form).textContent = OVERWRITE_HINTS[v] || '';
}
