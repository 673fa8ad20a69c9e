// The destination form's credentials section: an access key (kept in the
// keychain), an AWS profile, or none; when editing, the stored key kept
// or replaced. The secret is read from its field only to be sent, on
// saving or on a test the user asked for; validation only learns whether
// one was typed.

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';

let form;
let keychain = 'the system keychain';
let onModeChange = () => {};
const creds = {
  stored: null, // the credentials of the destination being edited, or null
  destinationId: null, // the destination being edited
  keyMode: 'new', // 'keep' the stored keychain key, or enter 'new' keys
  storedKeyId: null, // the stored key's full id, once "Replace key" asked for it
};

function credKind() {
  return form.elements.cred_kind.value || 'keys';
}

/** The masked id of the key stored in the keychain for the destination edited, or null. */
function storedKeyHint() {
  return creds.stored && creds.stored.kind === 'keychain' ? creds.stored.key_id_hint || '' : null;
}

/** What saving or a test sends, the typed secret included. */
export function collectCredentials() {
  const e = form.elements;
  switch (credKind()) {
    case 'profile':
      return { kind: 'profile', profile: e.profile.value };
    case 'none':
      return { kind: 'none' };
    default:
      if (creds.keyMode === 'keep') return { kind: 'keep' };
      return { kind: 'keys', access_key_id: e.access_key_id.value, secret_access_key: e.secret_access_key.value };
  }
}

/** What live validation sends: whether a secret was typed, never the secret. */
export function credentialsDraft() {
  const c = collectCredentials();
  if (c.kind !== 'keys') return c;
  return { kind: 'keys', access_key_id: c.access_key_id, secret_present: c.secret_access_key.trim() !== '' };
}

/**
 * The credentials as they would be saved, for telling what changed: no
 * secret, only whether one was typed. "Replace key" with nothing typed
 * yet still keeps the stored key.
 */
export function credentialsState() {
  const e = form.elements;
  const kind = credKind();
  if (kind === 'profile') return { kind, profile: e.profile.value };
  if (kind === 'none') return { kind };
  const typed = { access_key_id: e.access_key_id.value, secret_typed: e.secret_access_key.value !== '' };
  // The stored id put back by "Replace key", with no secret yet, changes nothing.
  const sameId = !typed.access_key_id || typed.access_key_id === creds.storedKeyId;
  const nothingTyped = sameId && !typed.secret_typed;
  if (creds.keyMode === 'keep' || (nothingTyped && storedKeyHint() !== null)) return { kind: 'keep' };
  return { kind, ...typed };
}

export function clearSecret() {
  form.elements.secret_access_key.value = '';
  setSecretVisible(false);
}

/** Show the panel of the chosen kind; when replacing a stored key, say which one it is. */
export function showCredPanels() {
  const kind = credKind();
  const hint = storedKeyHint();
  const replacing = hint !== null && creds.keyMode === 'new';
  $('#cred-keys', form).hidden = kind !== 'keys' || creds.keyMode === 'keep';
  $('#cred-stored', form).hidden = kind !== 'keys' || creds.keyMode !== 'keep';
  $('#cred-profile', form).hidden = kind !== 'profile';
  $('#keep-key', form).hidden = !replacing;
  // The stored id comes back from the keychain for editing; the secret never does.
  const note = $('#key-id-note', form);
  note.hidden = !replacing;
  const kept = replacing && creds.storedKeyId && form.elements.access_key_id.value === creds.storedKeyId;
  note.replaceChildren(
    !replacing
      ? ''
      : kept
        ? richText(`The stored key id, from ${keychain}: keep it to change only the secret, or paste a new one.`)
        : richText(`The stored key is \`${hint || 'key'}\`. Paste its full id to change only the secret, or a new one.`),
  );
  if (kind === 'profile') loadProfiles();
}

function setKeyMode(mode) {
  creds.keyMode = mode;
  if (mode === 'keep') {
    form.elements.access_key_id.value = '';
    clearSecret();
  }
  showCredPanels();
  onModeChange();
}

let profilesLoaded = false;
async function loadProfiles() {
  if (profilesLoaded) return;
  profilesLoaded = true;
  try {
    const list = await api.importCandidates('aws');
    $('#profile-list', form).replaceChildren(...list.map((c) => h('option', { value: c.source })));
  } catch {
    profilesLoaded = false; // No ~/.aws/config: the field still takes any name.
  }
}

function setSecretVisible(show) {
  const input = form.elements.secret_access_key;
  const btn = $('#toggle-secret', form);
  input.type = show ? 'text' : 'password';
  btn.setAttribute('aria-pressed', String(show));
  btn.setAttribute('aria-label', show ? 'Hide secret' : 'Show secret');
  btn.title = show ? 'Hide secret' : 'Show secret';
  btn.replaceChildren(icon(show ? 'eyeOff' : 'eye'));
}

/** Back to new keys, nothing stored (the form is reset or opened to add). */
export function resetCredentials() {
  clearSecret();
  creds.stored = null;
  creds.destinationId = null;
  creds.storedKeyId = null;
  creds.keyMode = 'new';
}

/** The credentials of the destination being edited: a stored key is kept unless replaced. */
export function editCredentials(c, destinationId) {
  creds.stored = c;
  creds.destinationId = destinationId;
  const kind = c.kind === 'keychain' ? 'keys' : c.kind;
  for (const r of form.elements.cred_kind) r.checked = r.value === kind;
  if (c.kind === 'keychain') {
    creds.keyMode = 'keep';
    $('#cred-stored-text', form).replaceChildren(
      'Secret stored in ', h('strong', { text: keychain }), ' · ', h('code', { text: c.key_id_hint || 'key' }),
    );
  }
  if (c.kind === 'profile') form.elements.profile.value = c.profile || '';
}

/**
 * "Replace key": the key id comes back from the keychain for editing (the
 * usual fix is the same id with a new secret), focus on the secret. If the
 * keychain cannot be read, the id is typed in full.
 */
export async function replaceKey() {
  setKeyMode('new');
  const id = creds.destinationId;
  if (id && creds.storedKeyId === null) {
    try {
      creds.storedKeyId = (await api.storedKeyId(id)) || '';
    } catch {
      creds.storedKeyId = '';
    }
  }
  if (creds.keyMode !== 'new') return; // kept again meanwhile
  if (creds.storedKeyId && !form.elements.access_key_id.value) form.elements.access_key_id.value = creds.storedKeyId;
  showCredPanels();
  (form.elements.access_key_id.value ? form.elements.secret_access_key : form.elements.access_key_id).focus();
}

/** opts.keychain: the keychain's name; opts.onModeChange: the key was kept or replaced. */
export function setupCredentials(f, opts) {
  form = f;
  keychain = opts.keychain || keychain;
  onModeChange = opts.onModeChange;
  $('#toggle-secret', form).addEventListener('click', () => setSecretVisible(form.elements.secret_access_key.type === 'password'));
  $('#replace-key', form).addEventListener('click', () => replaceKey());
  $('#keep-key', form).addEventListener('click', () => {
    setKeyMode('keep');
    $('#replace-key', form).focus();
  });
}
