// The watch form (form#watch-form in #watch-dialog): add a watch, or edit
// one (only what the form shows changes; the core keeps the rest), the
// folder typed or chosen in the native folder dialog (#w-choose-folder),
// the saved destinations as checkboxes (.watch-destination), and the
// core's refusal shown at the field it names (.problem[data-problem-for]),
// else above the form (#watch-form-error). Enter saves, Escape closes
// (asking first when something was typed).

import { api } from '../lib/api.js';
import { $, $all, h } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { baseName } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { statusLabel } from '../lib/status.js';
import { openModal, guardClose, requestClose } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { showErrorBanner } from '../components/error-banner.js';
import { errorToast } from '../components/toast.js';
import { settleText, readTiming, fillTiming, showBatchOptions } from './timing.js';

let form;
let dialog;
let hooks = { destinations: () => [], onSaved: () => {}, onAddDestination: () => {} };
const state = { editing: null, opened: null, saving: false, choosing: false };

/** The core names a field by its setting; the form's field for it. */
const FORM_FIELD = { name: 'name', folder: 'folder', destinations: 'destinations', settle_ms: 'settle', hours: 'hours', batch: 'batch' };
/** The input to fix for a field whose input is named otherwise. */
const FIRST_INPUT = { hours: 'hours_from', batch: 'batch_window' };
const LABELS = { name: 'Name', folder: 'Folder', recursive: 'Include subfolders', destinations: 'Destinations', settle_ms: 'Settle time', existing: 'Files already there', after: 'After delivery', paused: 'Start paused', hours: 'Delivery hours', batch: 'Combine files' };

/** Seconds as typed ("2", "0,5") in ms; 0 when it is no number (the core then says what fits). */
function settleMs(text) {
  const secs = Number(String(text).trim().replace(',', '.'));
  return Number.isFinite(secs) && String(text).trim() ? Math.round(secs * 1000) : 0;
}

function checked(name) {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : null;
}

/** What the form says, as the core's settings. */
function read() {
  const f = form.elements;
  return {
    name: f.name.value,
    folder: f.folder.value.trim(),
    recursive: f.recursive.checked,
    destinations: $all('input[name="destinations"]:checked', form).map((i) => i.value),
    settle_ms: settleMs(f.settle.value),
    existing: checked('existing') || 'new_only',
    after: checked('after') || 'keep',
    paused: f.paused.checked,
    ...readTiming(form),
  };
}

/** The labels of the fields changed since the form was opened. */
function changedFields() {
  if (!state.opened) return [];
  const now = read();
  return Object.keys(now).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(state.opened[k])).map((k) => LABELS[k] || k);
}

function unsavedWork() {
  const changed = changedFields();
  if (!changed.length) return null;
  if (!state.editing) {
    return { title: 'Discard this new watch?', body: 'It has not been added: the folder is not watched.', details: [`Entered: ${changed.join(', ')}`], confirmLabel: 'Discard it' };
  }
  const name = state.editing.name;
  return { title: `Discard your changes to “${name}”?`, body: `“${name}” keeps its saved settings.`, details: [`Changed: ${changed.join(', ')}`], confirmLabel: 'Discard changes' };
}

/* ---------- destinations ---------- */

function destinationChoice(id, name, { dest = null, chosen = false } = {}) {
  return h(
    'label',
    { class: 'watch-destination', dataset: { id } },
    h('input', { type: 'checkbox', name: 'destinations', value: id, checked: chosen }),
    dest ? providerMark(dest.provider, 'sm') : icon('warning', 'watch-destination-gone'),
    h('span', { class: 'watch-destination-name', text: name }),
    dest ? h('span', { class: 'watch-destination-path mono', text: destPath(dest) }) : h('span', { class: 'watch-destination-path', text: 'no longer exists: untick it' }),
    dest && !dest.active ? h('span', { class: 'badge badge--paused', text: statusLabel('paused') }) : null,
  );
}

/** One checkbox per saved destination, `chosen` ticked; a chosen one deleted since is listed to be unticked. */
function fillDestinations(chosen, names = []) {
  const saved = hooks.destinations();
  const box = $('#w-destinations');
  const rows = saved.map((d) => destinationChoice(d.id, d.name, { dest: d, chosen: chosen.includes(d.id) }));
  chosen.forEach((id, i) => {
    if (!saved.some((d) => d.id === id)) rows.push(destinationChoice(id, names[i] || id, { chosen: true }));
  });
  const none = rows.length
    ? null
    : h(
        'p',
        { class: 'watch-destinations-empty' },
        'No destination yet: a watch delivers to one. ',
        h('button', { type: 'button', class: 'link-button', id: 'w-add-destination', on: { click: addDestinationFirst } }, 'Add a destination'),
        ' first.',
      );
  box.replaceChildren(h('legend', { class: 'sr-only', text: 'Destinations' }), ...rows, ...(none ? [none] : []));
}

async function addDestinationFirst() {
  if (await requestClose(dialog)) hooks.onAddDestination();
}

/* ---------- the refusal ---------- */

function clearRefusal() {
  renderProblems(form, []);
  const banner = $('#watch-form-error');
  banner.hidden = true;
  banner.replaceChildren();
}

/** The core's refusal at the field it names, else above the form. */
function showRefusal(err) {
  const field = FORM_FIELD[err.field];
  if (!field) {
    showErrorBanner($('#watch-form-error'), err);
    $('#watch-form-error').scrollIntoView({ block: 'nearest' });
    return;
  }
  // Every problem at its field (the core lists them all), the first one focused.
  const all = (err.problems || []).filter((p) => FORM_FIELD[p.field]).map((p) => ({ ...p, field: FORM_FIELD[p.field] }));
  renderProblems(form, all.length ? all : [{ field, severity: 'error', code: err.code, message: err.message, fix: err.fix }]);
  for (const p of all.slice(1)) form.querySelector(`[name="${FIRST_INPUT[p.field] || p.field}"]`)?.setAttribute('aria-invalid', 'true');
  const input = form.querySelector(`[name="${FIRST_INPUT[field] || field}"]`);
  const box = form.querySelector(`[data-problems="${field}"]`);
  if (box) box.scrollIntoView({ block: 'nearest' });
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus({ preventScroll: true });
  }
}

/* ---------- saving ---------- */

function setSaving(saving) {
  state.saving = saving;
  const button = $('#watch-save');
  button.disabled = saving;
  button.classList.toggle('is-busy', saving);
}

async function save() {
  if (state.saving) return;
  clearRefusal();
  setSaving(true);
  const s = read();
  const editing = state.editing;
  try {
    // An edit leaves what was chosen at creation (files already there) and the pause (the card's action) as stored.
    const edit = { name: s.name, folder: s.folder, recursive: s.recursive, destinations: s.destinations, settle_ms: s.settle_ms, after: s.after, batch: s.batch, hours: s.hours };
    const saved = editing ? await api.updateWatch(editing.id, edit) : await api.addWatch(s);
    state.opened = null; // nothing left to lose
    dialog.close();
    hooks.onSaved(saved, { created: !editing });
  } catch (err) {
    showRefusal(err);
  } finally {
    setSaving(false);
  }
}

/* ---------- the folder ---------- */

async function chooseFolder(e) {
  if (state.choosing) return;
  const button = e.currentTarget;
  state.choosing = true;
  button.setAttribute('aria-busy', 'true');
  try {
    const folder = await api.pickWatchFolder();
    if (!folder || !dialog.open) return;
    form.elements.folder.value = folder;
    if (!form.elements.name.value.trim()) form.elements.name.value = baseName(folder);
    form.elements.folder.dispatchEvent(new Event('input', { bubbles: true }));
    form.elements.folder.focus();
  } catch (err) {
    errorToast(err, 'Could not open the folder chooser');
  } finally {
    state.choosing = false;
    button.removeAttribute('aria-busy');
  }
}

/* ---------- opening ---------- */

function showAfterWarning() {
  $('#w-delete-warning').hidden = checked('after') !== 'delete';
}

function setRadio(name, value) {
  const el = form.querySelector(`input[name="${name}"][value="${CSS.escape(value)}"]`);
  if (el) el.checked = true;
}

function fill(w) {
  const f = form.elements;
  f.name.value = w.name;
  f.folder.value = w.folder;
  f.recursive.checked = w.recursive;
  f.settle.value = String(w.settle_ms / 1000);
  setRadio('existing', w.existing);
  setRadio('after', w.after);
  f.paused.checked = w.paused;
  fillTiming(form, w);
}

function finishOpen(opener, focus) {
  clearRefusal();
  showAfterWarning();
  setSaving(false);
  openModal(dialog, { focus, returnFocus: opener, onClose: () => Object.assign(state, { editing: null, opened: null }) });
  state.opened = read();
}

/** A new watch; opts.destinationId: a destination to start with (from its details). */
export function openAddWatch(opener, opts = {}) {
  if (dialog.open) return;
  form.reset();
  showBatchOptions(form);
  state.editing = null;
  const saved = hooks.destinations();
  const start = opts.destinationId ? [opts.destinationId] : saved.length === 1 ? [saved[0].id] : [];
  fillDestinations(start);
  for (const r of $all('input[name="existing"]', form)) r.disabled = false;
  $('#w-existing-hint').textContent = 'Only new files: what is in the folder now is left alone. Deliver: those files are sent first. Chosen once, when the watch is created.';
  $('#w-paused-field').hidden = false;
  $('#watch-form-title').textContent = 'Watch a folder';
  $('#watch-form-subtitle').textContent = 'Every file that lands in the folder is delivered once it has stopped changing.';
  $('#watch-save .button-label').textContent = 'Watch this folder';
  finishOpen(opener, form.elements.name);
}

/** Edit watch `w` (a WatchView): what the form does not show stays as stored. */
export function openEditWatch(w, opener) {
  if (dialog.open) return;
  form.reset();
  state.editing = w;
  fill(w);
  fillDestinations(w.destinations, w.destination_names);
  for (const r of $all('input[name="existing"]', form)) r.disabled = true;
  const chosen = w.existing === 'deliver' ? 'the files already there were delivered' : 'only new files';
  $('#w-existing-hint').textContent = `Chosen when the watch was created: ${chosen}.`;
  $('#w-paused-field').hidden = true;
  $('#watch-form-title').textContent = `Edit “${w.name}”`;
  $('#watch-form-subtitle').textContent = `Delivers files once unchanged for ${settleText(w.settle_ms)}.`;
  $('#watch-save .button-label').textContent = 'Save changes';
  finishOpen(opener, form.elements.name);
}

export function initWatchForm(opts) {
  hooks = { ...hooks, ...opts };
  form = $('#watch-form');
  dialog = $('#watch-dialog');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  form.addEventListener('change', (e) => {
    if (e.target.name === 'after') showAfterWarning();
    if (e.target.name === 'batch') showBatchOptions(form);
  });
  // A field's refusal goes once the field is changed.
  const onEdit = (e) => {
    if (e.target.closest && e.target.closest('.field[data-has-problem]')) renderProblems(form, []);
  };
  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
  $('#w-choose-folder').addEventListener('click', chooseFolder);
  $('#watch-cancel').addEventListener('click', () => requestClose(dialog));
  guardClose(dialog, unsavedWork);
}
