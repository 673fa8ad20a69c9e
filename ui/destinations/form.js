// The add / edit destination form (form#destination-form in #form-dialog):
// filling it, reading it, live validation through validate_destination,
// one-click fixes, credentials, testing the connection as typed, saving,
// and asking before closing throws typed changes away.

import { api } from '../lib/api.js';
import { $, $all, h, richText, debounce } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { openModal, guardClose, requestClose } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { testForm } from './probe.js';
import {
  setupCredentials, collectCredentials, credentialsDraft, credentialsState, clearSecret,
  showCredPanels, resetCredentials, editCredentials, replaceKey,
} from './form-credentials.js';
import {
  setupCatalog, applyProvider, updateEndpointHint, updateKeyPreview,
  setupKv, setKv, getKv, updateHeadersMeta, providerById,
  updateOverwriteHint,
} from './form-fields.js';
import { plural } from '../lib/format.js';
import { defaultIgnores, providers } from '../lib/catalog.js';
import { credentialSummary } from '../lib/destination-text.js';

const HEADER_FIELDS = ['cache_control', 'content_disposition', 'content_encoding', 'content_language', 'expires', 'content_type'];
const LABELS = {
  name: 'Name', provider: 'Provider', bucket: 'Bucket', endpoint: 'Endpoint', account_id: 'Account id', region: 'Region',
  access_key_id: 'Access key id', secret_access_key: 'Secret access key', profile: 'Profile', prefix: 'Path prefix',
  path_style: 'Path-style addressing', key_template: 'Key template', storage_class: 'Storage class', acl: 'Object ACL',
  headers: 'Headers', metadata: 'Metadata', tags: 'Tags', active: 'Active', overwrite: 'When an object exists',
  ignore: 'Never deliver', confirm_delivery: 'Preview before delivering', credentials: 'Credentials',
};

let form;
let dialog;
let onSaved = () => {};

const state = {
  editing: null, // DestinationView being edited, or null when adding
  provider: null, // provider id currently applied
  touched: new Set(),
  submitted: false,
  problems: [],
  validated: false,
  checkFailed: null,
  seq: 0,
  saving: false,
  opened: null, // the form as it was opened, to tell what changed since
};

const scheduleValidate = debounce(() => validateNow(), 150);

/** A problem that only says a required value is still missing. */
function isMissing(p) {
  return /(_empty|_required)$/.test(p.code);
}

/** Until a save is tried, a value still missing is not an error in a field not typed in yet. */
function visibleProblems() {
  if (state.submitted) return state.problems;
  return state.problems.filter((p) => !isMissing(p) || state.touched.has(p.field));
}

/* ---------- reading and writing the form ---------- */

function collectSettings() {
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
  };
}

/** The "Never deliver" textarea: one pattern per line, blank lines dropped. */
function ignoreList(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

function setDeliveryFields(d) {
  const e = form.elements;
  const overwrite = ['never', 'skip', 'overwrite'].includes(d.overwrite) ? d.overwrite : 'never';
  for (const r of e.overwrite) r.checked = r.value === overwrite;
  e.ignore.value = (Array.isArray(d.ignore) ? d.ignore : defaultIgnores()).join('\n');
  e.confirm_delivery.checked = d.confirm_delivery !== false;
  updateOverwriteHint(form);
}

/** Everything the form would save, field by field. */
function formState() {
  return { ...collectSettings(), credentials: credentialsState() };
}

/** The labels of the fields changed since the form was opened. */
function changedFields() {
  if (!state.opened) return [];
  const now = formState();
  return Object.keys(now)
    .filter((k) => JSON.stringify(now[k]) !== JSON.stringify(state.opened[k]))
    .map((k) => LABELS[k] || k);
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

function fill(d) {
  const e = form.elements;
  e.name.value = d.name || '';
  e.provider.value = d.provider;
  state.provider = e.provider.value;
  applyProvider(form, state.provider);
  e.bucket.value = d.bucket || '';
  e.region.value = d.region || '';
  e.endpoint.value = d.endpoint || '';
  e.account_id.value = d.account_id || '';
  e.path_style.checked = Boolean(d.path_style);
  e.prefix.value = d.prefix || '';
  e.key_template.value = d.key_template || '';
  ensureOption(e.storage_class, d.storage_class);
  ensureOption(e.acl, d.acl);
  for (const f of HEADER_FIELDS) e[`headers.${f}`].value = (d.headers && d.headers[f]) || '';
  setKv(form, 'metadata', d.metadata);
  setKv(form, 'tags', d.tags);
  e.active.checked = d.active !== false;
  setDeliveryFields(d);
}

function ensureOption(select, value) {
  value = value || '';
  if (value && ![...select.options].some((o) => o.value === value)) select.append(h('option', { value, text: value }));
  select.value = value;
}

/* ---------- validation ---------- */

async function validateNow() {
  scheduleValidate.cancel();
  const seq = ++state.seq;
  try {
    const problems = await api.validateDestination(collectSettings(), credentialsDraft(), state.editing ? state.editing.id : null);
    if (seq !== state.seq || !dialog.open) return;
    state.problems = Array.isArray(problems) ? problems : [];
    state.checkFailed = null;
  } catch (err) {
    if (seq !== state.seq || !dialog.open) return;
    state.problems = err.problems || [];
    state.checkFailed = err;
  }
  state.validated = true;
  render();
}

function render() {
  const shown = visibleProblems();
  renderProblems(form, shown, { onFix: applyFix });
  revealTypingProblems();
  renderFooter();
}

/** The problems of the field being typed in come into view with their fix, not below the fold. */
function revealTypingProblems() {
  const field = document.activeElement;
  const box = field && field.name && form.contains(field) ? form.querySelector(`[data-problems="${CSS.escape(field.name)}"]`) : null;
  if (box && box.childElementCount) box.scrollIntoView({ block: 'nearest' });
}

function errorsOf(list) {
  return list.filter((p) => p.severity === 'error');
}

function renderFooter() {
  const status = $('#form-status', form);
  const save = $('#save-destination', form);
  const allErrors = errorsOf(state.problems);
  const shown = visibleProblems();
  const shownErrors = errorsOf(shown);
  const warnings = shown.length - shownErrors.length;
  save.disabled = state.saving || !state.validated || allErrors.length > 0;
  save.classList.toggle('is-busy', state.saving);
  status.dataset.tone = '';

  if (state.saving) {
    status.replaceChildren('Saving…');
  } else if (state.checkFailed) {
    status.dataset.tone = 'warning';
    status.replaceChildren(icon('warning'), h('span', {}, 'Could not check the settings: ', richText(state.checkFailed.message)));
  } else if (shownErrors.length) {
    status.dataset.tone = 'error';
    const first = h('button', { type: 'button', class: 'link-button', on: { click: () => focusProblem(shownErrors[0]) } }, 'Show first');
    status.replaceChildren(icon('error'), h('span', { text: `${plural(shownErrors.length, 'problem')} to fix before saving.` }), ' ', first);
  } else if (allErrors.length) {
    const missing = [...new Set(allErrors.map((p) => p.field))];
    status.replaceChildren(
      h('span', { class: 'muted', text: 'Still needed: ' }),
      ...missing.map((f, i) =>
        h(
          'span',
          { class: 'needed' },
          h('button', { type: 'button', class: 'link-button', on: { click: () => focusField(f) } }, LABELS[f] || f),
          i < missing.length - 1 ? h('span', { class: 'muted', text: ',' }) : null,
        ),
      ),
    );
  } else if (warnings) {
    status.dataset.tone = 'warning';
    status.replaceChildren(icon('warning'), h('span', { text: `${plural(warnings, 'warning')} — you can still save.` }));
  } else if (state.validated) {
    status.dataset.tone = 'ok';
    status.replaceChildren(icon('check'), h('span', { text: 'Ready to save.' }));
  } else {
    status.replaceChildren();
  }
}

function fieldElement(field) {
  const el = form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (el) return el;
  const box = form.querySelector(`[data-problems="${CSS.escape(field.split('.')[0])}"]`);
  return box ? box.closest('details, section') : null;
}

function focusField(field) {
  const el = fieldElement(field);
  if (!el) return;
  const details = el.closest('details');
  if (details) details.open = true;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  if (el.matches('input, select, button')) el.focus({ preventScroll: true });
}

function focusProblem(p) {
  const el = form.elements[p.field];
  if (el && el.focus) focusField(p.field);
  else {
    const node = form.querySelector(`[data-problem-for="${CSS.escape(p.field)}"]`);
    if (node) node.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
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
  'access_key_id', 'secret_access_key', 'profile', 'credentials', 'keys',
]);

async function testConnection(e) {
  const button = e.currentTarget;
  if (state.saving) return;
  if (scheduleValidate.pending() || !state.validated) await validateNow();
  const blocking = errorsOf(state.problems).filter((p) => CONNECTION_FIELDS.has(p.field.split('.')[0]));
  if (blocking.length) {
    state.submitted = true;
    render();
    const status = $('#form-status', form);
    status.dataset.tone = 'error';
    status.replaceChildren(icon('error'), h('span', { text: `Fix ${blocking.length === 1 ? 'this' : 'these'} before testing: ${[...new Set(blocking.map((p) => LABELS[p.field] || p.field))].join(', ')}.` }));
    focusProblem(blocking[0]);
    return;
  }
  const editingId = state.editing ? state.editing.id : null;
  testForm(
    {
      editingId,
      // The typed secret leaves the page only here, when a test was asked for.
      target: () => ({ settings: collectSettings(), credentials: collectCredentials(), editingId }),
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
  banner.replaceChildren(
    icon('error', 'banner-icon'),
    h('div', {}, h('p', { class: 'banner-title' }, richText(err.message)), err.fix ? h('p', { class: 'banner-text' }, richText(err.fix)) : null),
  );
  banner.hidden = false;
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
    result = await api.saveDestination(collectSettings(), collectCredentials(), editingId);
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
  form.elements.key_template.value = '{prefix}{relpath}';
  setKv(form, 'metadata', {});
  setKv(form, 'tags', {});
  form.elements.active.checked = true;
  setDeliveryFields({ overwrite: 'never', ignore: defaultIgnores(), confirm_delivery: true });
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
  fill(dest);
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
  setupCatalog(form);
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
