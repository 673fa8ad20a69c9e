// The destination form's "Encryption" fields, built here to keep the page
// small: the choice (the bucket's default, SSE-S3, SSE-KMS, SSE-C), the KMS
// key for SSE-KMS, and for SSE-C the customer key: typed (password-style)
// or generated here (the key goes to the core, never comes back), shown
// and copied only when asked, with the warning that losing it loses the
// objects. Whether a provider supports a mode is the core's answer.

import { $, h } from '../lib/dom.js';

const MODES = [
  ['none', "The bucket's default"],
  ['sse_s3', 'SSE-S3 (keys managed by the server)'],
  ['sse_kms', 'SSE-KMS (a KMS key)'],
  ['sse_c', 'SSE-C (your own key)'],
];

/** Put the fields into `#encryption-fields` once. */
export function mountEncryption(form) {
  const host = $('#encryption-fields', form);
  if (!host || host.childElementCount) return;
  const problems = (field) => h('div', { class: 'field-problems', id: `p-${field}`, dataset: { problems: field } });
  const keyInput = h('input', { id: 'f-sse_c_key', name: 'sse_c_key', type: 'password', class: 'mono', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'sse-c-key-hint' });
  const showButton = h('button', { type: 'button', class: 'button button--small', id: 'sse-c-show', text: 'Show', on: { click: () => reveal(form) } });
  host.append(
    h('div', { class: 'field-row' },
      h('div', { class: 'field', dataset: { field: 'encryption' } },
        h('label', { for: 'f-encryption', text: 'Encryption' }),
        h('select', { id: 'f-encryption', name: 'encryption', 'aria-describedby': 'encryption-hint' }, MODES.map(([value, text]) => h('option', { value, text }))),
        h('p', { id: 'encryption-hint', class: 'hint', text: 'Server-side encryption asked for on every object; the connection test shows whether the server confirms it.' }),
        problems('encryption')),
      h('div', { class: 'field', dataset: { field: 'kms_key_id' }, id: 'kms-key-field', hidden: true },
        h('label', { for: 'f-kms_key_id' }, 'KMS key ', h('span', { class: 'optional', text: 'optional' })),
        h('input', { id: 'f-kms_key_id', name: 'kms_key_id', type: 'text', class: 'mono', spellcheck: 'false', placeholder: 'The AWS-managed key (aws/s3)', 'aria-describedby': 'kms-key-hint' }),
        h('p', { id: 'kms-key-hint', class: 'hint', text: 'An ARN, a key id or alias/NAME, in the bucket\u2019s region.' }),
        problems('kms_key_id'))),
    h('div', { class: 'field', dataset: { field: 'sse_c_key' }, id: 'sse-c-key-field', hidden: true },
      h('label', { for: 'f-sse_c_key', text: 'SSE-C key' }),
      h('div', { class: 'input-row' }, keyInput, showButton,
        h('button', { type: 'button', class: 'button button--small', id: 'sse-c-generate', text: 'Generate', on: { click: () => generate(form) } }),
        h('button', { type: 'button', class: 'button button--small', id: 'sse-c-copy', text: 'Copy', on: { click: () => copy(form) } })),
      h('p', { id: 'sse-c-key-hint', class: 'hint', text: '32 bytes as base64 or 64 hex digits; kept in the system keychain, never shown again by Chute.' }),
      h('p', { class: 'hint warning-text', id: 'sse-c-warning', role: 'note', text: 'Losing this key loses the objects: nobody, not even the provider, can read them without it. Copy it somewhere safe (a password manager) before saving. Presigned links cannot open SSE-C objects.' }),
      problems('sse_c_key')),
  );
}

/** The encryption settings as the core takes them. */
export function collectEncryption(form) {
  const e = form.elements;
  const encryption = e.encryption ? e.encryption.value : 'none';
  return { encryption, kms_key_id: encryption === 'sse_kms' ? e.kms_key_id.value : '' };
}

/** The SSE-C key as typed (it goes to the keychain), or null to keep the stored one. */
export function collectSseCKey(form) {
  const e = form.elements;
  return e.encryption && e.encryption.value === 'sse_c' && e.sse_c_key.value.trim() ? e.sse_c_key.value.trim() : null;
}

/** Put a destination's encryption into the fields (an edit keeps the stored key unless one is typed). */
export function setEncryptionFields(form, d, editing) {
  mountEncryption(form);
  const e = form.elements;
  e.encryption.value = MODES.some(([m]) => m === d.encryption) ? d.encryption : 'none';
  e.kms_key_id.value = d.kms_key_id || '';
  e.sse_c_key.value = '';
  e.sse_c_key.type = 'password';
  e.sse_c_key.placeholder = editing && d.encryption === 'sse_c' ? 'Unchanged unless you type one' : '';
  updateEncryption(form);
}

/** Show the KMS key for SSE-KMS and the customer key for SSE-C. */
export function updateEncryption(form) {
  const mode = form.elements.encryption ? form.elements.encryption.value : 'none';
  $('#kms-key-field', form).hidden = mode !== 'sse_kms';
  $('#sse-c-key-field', form).hidden = mode !== 'sse_c';
}

function generate(form) {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  const input = form.elements.sse_c_key;
  input.value = btoa(String.fromCharCode(...bytes));
  input.type = 'text'; // shown once, to be copied; saving keeps it in the keychain only
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function reveal(form) {
  const input = form.elements.sse_c_key;
  input.type = input.type === 'password' ? 'text' : 'password';
  $('#sse-c-show', form).textContent = input.type === 'password' ? 'Show' : 'Hide';
}

function copy(form) {
  const value = form.elements.sse_c_key.value;
  if (value && navigator.clipboard) navigator.clipboard.writeText(value);
}
