// The destination form's checks as you type: the core validates the
// settings (validate_destination) after each pause in typing, and the
// problems are shown next to their fields (a value still missing only once
// its field was typed in, or a save tried), with the footer saying what is
// left (#form-status) and whether Save may be pressed.

import { $, h, richText, debounce } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { plural } from '../lib/format.js';
import { api } from '../lib/api.js';
import { renderProblems } from '../components/field-problems.js';
import { state } from './form-state.js';
import { collectSettings, fieldLabel } from './form-values.js';
import { credentialsDraft } from './form-credentials.js';
import { collectSseCKey } from './form-encryption.js';

let form;
let dialog;
let onFix = () => {};

export const scheduleValidate = debounce(() => validateNow(), 150);

/** A problem that only says a required value is still missing. */
function isMissing(p) {
  return /(_empty|_required)$/.test(p.code);
}

/** Until a save is tried, a value still missing is not an error in a field not typed in yet. */
function visibleProblems() {
  if (state.submitted) return state.problems;
  return state.problems.filter((p) => !isMissing(p) || state.touched.has(p.field));
}

/** Ask the core about the settings as typed, now; then show what it found. */
export function validateNow() {
  const check = checkForm();
  state.checking = check;
  return check;
}

/**
 * The form's problems as it holds now: a check of it now, and of any edit
 * made while that check was under way. A check started by a pause in
 * typing may still be on its way when a button is pressed; what was found
 * before the last keystroke must not decide what the button does.
 */
export async function validateUpToDate() {
  let check = validateNow();
  for (;;) {
    await check;
    if (state.checking === check) return;
    check = state.checking;
  }
}

async function checkForm() {
  scheduleValidate.cancel();
  const seq = ++state.seq;
  try {
    const problems = await api.validateDestination(collectSettings(form), credentialsDraft(), state.editing ? state.editing.id : null, collectSseCKey(form));
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

/** Show the problems due now and the footer. */
export function render() {
  const shown = visibleProblems();
  renderProblems(form, shown, { onFix });
  revealTypingProblems();
  renderFooter();
}

/** The problems of the field being typed in come into view with their fix, not below the fold. */
function revealTypingProblems() {
  const field = document.activeElement;
  const box = field && field.name && form.contains(field) ? form.querySelector(`[data-problems="${CSS.escape(field.name)}"]`) : null;
  if (box && box.childElementCount) box.scrollIntoView({ block: 'nearest' });
}

/** The problems among `list` that block saving. */
export function errorsOf(list) {
  return list.filter((p) => p.severity === 'error');
}

export function renderFooter() {
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
          h('button', { type: 'button', class: 'link-button', on: { click: () => focusField(f) } }, fieldLabel(f)),
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

/** Bring a field into view (its collapsed section opened) and focus it. */
export function focusField(field) {
  const el = fieldElement(field);
  if (!el) return;
  const details = el.closest('details');
  if (details) details.open = true;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  if (el.matches('input, select, button')) el.focus({ preventScroll: true });
}

/** Bring a problem into view: its field, or where it is shown. */
export function focusProblem(p) {
  const el = form.elements[p.field];
  if (el && el.focus) focusField(p.field);
  else {
    const node = form.querySelector(`[data-problem-for="${CSS.escape(p.field)}"]`);
    if (node) node.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }
}

/** opts.onFix(problem): apply a problem's one-click fix. */
export function setupFormCheck(f, d, opts) {
  form = f;
  dialog = d;
  onFix = opts.onFix;
}
