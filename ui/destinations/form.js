// The add / edit destination form (form#destination-form in #form-dialog):
// filling it, reading it, live validation through validate_destination,
// one-click fixes, credentials, testing the connection as typed, saving,
// and asking before closing throws typed changes away.

//
// Its parts: reading and writing the fields (form-values.js), the checks
// as you type and the footer (form-check.js), the provider
// (form-provider.js), the key template (form-key-template.js), metadata
// and tags (form-key-values.js) and the credentials (form-credentials.js).

import { api } from '../lib/api.js';
import { $, $all, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { defaultIgnores, defaultKeyTemplate, providers } from '../lib/catalog.js';
import { credentialSummary } from '../lib/destination-text.js';
import { openModal, guardClose, requestClose } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { testForm } from './probe.js';
import { state } from './form-state.js';
import {
  collectProxyPassword, collectSettings, ensureOption, fieldLabel, fill, setDeliveryFields, updateCompressionHint, updateOverwriteHint,
  updateProxyPassword,
} from './form-values.js';
import { errorsOf, focusField, focusProblem, render, renderFooter, scheduleValidate, setupFormCheck, validateNow, validateUpToDate } from './form-check.js';
import { applyProvider, providerById, setupProviders, updateEndpointHint } from './form-provider.js';
import { setupKeyTemplate, updateKeyPreview } from './form-key-template.js';
import { collectSseCKey, setEncryptionFields, updateEncryption } from './form-encryption.js';
import { setupKv, setKv, updateHeadersMeta } from './form-key-values.js';
import {
  setupCredentials, collectCredentials, credentialsState, clearSecret,
  showCredPanels, resetCredentials, editCredentials, replaceKey,
} from './form-credentials.js';
import { showErrorBanner } from '../components/error-banner.js';

let form;
let dialog;
let onSaved = () => {};

/** Everything the form would save, field by field. */
function formState() {
  // Typed secrets count as changes (whether one was typed, never its value).
  return { ...collectSettings(form), credentials: credentialsState(), proxy_password: collectProxyPassword(form) !== null, sse_c_key: collectSseCKey(form) !== null };
}

/** The labels of the fields changed since the form was opened. */
function changedFields() {
  if (!state.opened) return [];
  const now = formState();
  return Object.keys(now)
    .filter((k) => JSON.stringify(now[k]) !== JSON.stringify(state.opened[k]))
    .map(fieldLabel);
}

/** What closing now would throw away (for the "discard?" question), or null. */
function unsavedWork() {
  const changed = changedFields();
  if (!changed.length) return null;
  if (!state.editing) {
    return {
      title: 'Discard this new destination?',
      body: 'It has not been added: what you entered is lost.',
      details: [`Entered: ${changed.join(', ')}`],
      confirmLabel: 'Discard it',
    };
  }
  const name = state.editing.name;
  return {
    title: `Discard your changes to “${name}”?`,
    body: `“${name}” keeps its saved settings.`,
    details: [`Changed: ${changed.join(', ')}`],
    confirmLabel: 'Discard changes',
  };
}

/** Apply a problem's fix_value to fix_field (or field), then re-check. */
function applyFix(problem) {
  const field = problem.fix_field || problem.field;
  setField(field, problem.fix_value);
  validateNow();
  const target = form.elements[field];
  if (target && target.focus) target.focus();
}

/** Set a field as if the user had, with what depends on it. */
function setField(field, value) {
  const el = form.elements[field];
  if (field === 'provider') {
    form.elements.provider.value = value;
    onProviderPicked();
  } else if (el && el.type === 'checkbox') {
    el.checked = value === 'true';
  } else if (el && 'value' in el) {
    if (el.tagName === 'SELECT') ensureOption(el, value);
    else el.value = value;
  }
  state.touched.add(field);
  afterChange(field);
}

/* ---------- connection test ---------- */

// Problems that make a connection test pointless until they are fixed.
const CONNECTION_FIELDS = new Set([
  'provider', 'bucket', 'region', 'endpoint', 'account_id', 'path_style', 'prefix',
  'access_key_id', 'secret_access_key', 'profile', 'credentials', 'keys', 'proxy',
]);

async function testConnection(e) {
  const button = e.currentTarget;
  if (state.saving) return;
  await validateUpToDate();
  const blocking = errorsOf(state.problems).filter((p) => CONNECTION_FIELDS.has(p.field.split('.')[0]));
  if (blocking.length) {
    state.submitted = true;
    render();
    const status = $('#form-status', form);
    status.dataset.tone = 'error';
    status.replaceChildren(icon('error'), h('span', { text: `Fix ${blocking.length === 1 ? 'this' : 'these'} before testing: ${[...new Set(blocking.map((p) => fieldLabel(p.field)))].join(', ')}.` }));
    focusProblem(blocking[0]);
    return;
  }
  const editingId = state.editing ? state.editing.id : null;
  testForm(
    {
      editingId,
      // The typed secret leaves the page only here, when a test was asked for.
      target: () => ({
        settings: collectSettings(form), credentials: collectCredentials(), editingId, proxyPassword: collectProxyPassword(form), sseCKey: collectSseCKey(form),
      }),
      apply: async (field, value) => {
        setField(field, value);
        await validateNow();
      },
      onDone: (outcome) => {
        if (dialog.open) button.dataset.outcome = outcome;
      },
      edit: (field) => focusFormField(field),
    },
    button,
  );
}

/* ---------- events ---------- */

function onProviderPicked() {
  const id = form.elements.provider.value;
  if (id === state.provider) return;
  applyProvider(form, id, { applyDefaults: true, previous: state.provider });
  state.provider = id;
  updateKeyPreview(form);
}

function afterChange(name) {
  if (name === 'provider') onProviderPicked();
  if (name === 'region' || name === 'account_id') updateEndpointHint(form);
  if (name === 'prefix' || name === 'key_template') updateKeyPreview(form);
  if (name && name.startsWith('headers.')) updateHeadersMeta(form);
  if (name === 'overwrite') updateOverwriteHint(form);
  if (name === 'compression') updateCompressionHint(form);
  if (name === 'proxy') updateProxyPassword(form, Boolean(state.editing));
  if (name === 'encryption') updateEncryption(form);
  if (name === 'cred_kind') showCredPanels();
}

function onEdit(e) {
  const name = e.target.name;
  if (name) {
    afterChange(name);
    state.touched.add(name);
  }
  delete $('#test-connection', form).dataset.outcome; // the last test is about other settings now
  if (form.querySelector('#form-error:not([hidden])') && e.type === 'input') hideFormError();
  scheduleValidate();
}

function showFormError(err) {
  const banner = $('#form-error', form);
  showErrorBanner(banner, err);
  banner.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

function hideFormError() {
  const banner = $('#form-error', form);
  banner.hidden = true;
  banner.replaceChildren();
}

async function save() {
  if (state.saving) return;
  scheduleValidate.cancel();
  state.seq++; // a late validation reply must not overwrite the save's result
  state.saving = true;
  hideFormError();
  renderFooter();
  const editingId = state.editing ? state.editing.id : null;
  let result = null;
  try {
    result = await api.saveDestination(collectSettings(form), collectCredentials(), editingId, collectProxyPassword(form), collectSseCKey(form));
  } catch (err) {
    state.submitted = true;
    if (err.problems.length) state.problems = err.problems;
    showFormError(err);
  }
  state.saving = false;
  if (result) {
    clearSecret();
    dialog.close();
    onSaved(result, { created: !editingId });
  } else {
    render();
  }
}

/* ---------- opening and closing ---------- */

function reset() {
  scheduleValidate.cancel();
  state.seq++;
  form.reset();
  resetCredentials();
  hideFormError();
  Object.assign(state, { editing: null, submitted: false, problems: [], validated: false, checkFailed: null, saving: false });
  state.touched = new Set();
  state.opened = null;
  for (const d of $all('details', form)) d.open = false;
  delete $('#test-connection', form).dataset.outcome;
  renderProblems(form, []);
}

/** opts.provider: the provider to start with (a chip on the empty screen). */
export function openAddForm(opener, opts = {}) {
  if (dialog.open) return;
  reset();
  const chosen = providers().find((p) => p.id === opts.provider) || providers()[0];
  form.elements.provider.value = chosen.id;
  state.provider = null;
  onProviderPicked();
  form.elements.key_template.value = defaultKeyTemplate();
  setKv(form, 'metadata', {});
  setKv(form, 'tags', {});
  form.elements.active.checked = true;
  setDeliveryFields(form, { overwrite: 'never', ignore: defaultIgnores(), confirm_delivery: true, compression: 'off', manifest: false, check_after_delivery: true });
  setEncryptionFields(form, { encryption: 'none' }, false);
  $('#form-title', form).textContent = 'Add destination';
  $('#form-subtitle', form).textContent = 'A bucket, and optionally a folder in it, where Chute delivers files.';
  $('#save-destination .button-label', form).textContent = 'Add destination';
  finishOpen(opener);
}

/** opts.field: a field to take the person to once open (see focusFormField). */
export function openEditForm(dest, opener, opts = {}) {
  if (dialog.open) return;
  reset();
  state.editing = dest;
  fill(form, dest);
  setEncryptionFields(form, dest, true);
  state.provider = form.elements.provider.value;
  const c = dest.credentials || { kind: 'none' };
  editCredentials(c, dest.id);
  $('#form-title', form).textContent = `Edit “${dest.name}”`;
  $('#form-subtitle', form).textContent = `${dest.provider_label || providerById(dest.provider).label} · ${credentialSummary(c)}`;
  $('#save-destination .button-label', form).textContent = 'Save changes';
  finishOpen(opener);
  if (opts.field) requestAnimationFrame(() => focusFormField(opts.field));
}

function finishOpen(opener) {
  showCredPanels();
  updateEndpointHint(form);
  updateKeyPreview(form);
  updateHeadersMeta(form);
  updateProxyPassword(form, Boolean(state.editing));
  renderFooter();
  openModal(dialog, { focus: form.elements.name, returnFocus: opener, onClose: reset });
  state.opened = formState();
  validateNow();
}

/**
 * Take the person to a field to fix by hand (a diagnosis's "edit" action).
 * `credentials` means replacing the access key: the same as "Replace key".
 */
export function focusFormField(field) {
  if (!dialog.open) return;
  if (field === 'credentials') {
    // A stored key: replace it (its id kept for editing, focus on the secret).
    if (!$('#cred-stored', form).hidden) replaceKey();
    else focusField(form.elements.access_key_id.value ? 'secret_access_key' : 'access_key_id');
    return;
  }
  focusField(field);
  const el = form.elements[field];
  if (el && typeof el.select === 'function') el.select();
}

export function isFormOpen() {
  return dialog && dialog.open;
}

export function initForm(opts) {
  form = $('#destination-form');
  dialog = $('#form-dialog');
  onSaved = opts.onSaved;
  setupProviders(form);
  setupKeyTemplate(form);
  setupFormCheck(form, dialog, { onFix: applyFix });
  setupKv(form);
  setupCredentials(form, { keychain: opts.info && opts.info.keychain, onModeChange: scheduleValidate });

  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!$('#save-destination', form).disabled) save();
  });
  // Enter while Save is disabled: reveal every problem and go to the first.
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.isComposing || !(e.target instanceof HTMLInputElement)) return;
    if (['checkbox', 'radio', 'button'].includes(e.target.type)) return;
    if (!$('#save-destination', form).disabled || state.saving) return;
    e.preventDefault();
    state.submitted = true;
    render();
    const first = errorsOf(state.problems)[0];
    if (first) focusProblem(first);
  });
  guardClose(dialog, unsavedWork);
  $('#cancel-form', form).addEventListener('click', () => requestClose(dialog));
  $('#test-connection', form).addEventListener('click', testConnection);
  $('#ignore-defaults', form).addEventListener('click', () => {
    const area = form.elements.ignore;
    area.value = defaultIgnores().join('\n');
    area.dispatchEvent(new Event('input', { bubbles: true }));
    area.focus();
  });
}
