// The connection test panel (#probe-panel). It runs test_destination for a
// saved destination or for the form as typed, shows each step as it
// happens (probe-steps.js), the outcome and what it proves
// (probe-report.js) and one diagnosis card per finding (see
// components/diagnosis-card.js), whose one-click fixes it applies (the
// core sets the setting: apply_fix; probe-fix.js says what changed) before
// testing again. It can also show a stored report
// again.

import { api } from '../lib/api.js';
import { $, $all, h } from '../lib/dom.js';
import { plural } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { openModal } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { diagnosisCard } from '../components/diagnosis-card.js';
import { resetSteps, showStep, skipUnfinishedSteps, tickSteps } from './probe-steps.js';
import { showNotice, showOutcome, showProof, showRunError, showRunning } from './probe-report.js';
import { describeChange } from './probe-fix.js';
import { stepLabel } from '../lib/probe-steps.js';
import { statusLabel } from '../lib/status.js';

const LEVEL_ORDER = { error: 0, warning: 1, info: 2 };

let dialog;
let hooks = { reload: async () => {}, onTested: () => {}, onEditSaved: () => {} };

const state = {
  run: 0, // token of the newest run
  shown: 0, // token of the run the panel shows (0: closed)
  running: false,
  source: null, // {kind: 'saved', dest} or {kind: 'form', adapter}
  tick: null,
  stored: false, // showing an earlier test: its fixes are not offered
};

/** A step as the core reports it; while the test runs, the outcome names the step under way. */
function onStep(step) {
  showStep(step);
  if (step.status === 'running' && state.running) showRunning(step.label || stepLabel(step.id));
}

/* ---------- findings ---------- */

function addFinding(f) {
  const box = $('#probe-findings');
  if ($(`.diagnosis[data-code="${CSS.escape(f.code)}"]`, box)) return;
  const card = diagnosisCard(f, { onApply: state.source && !state.stored ? applyFix : null, onEdit: state.source ? editByHand : null });
  const after = $all('.diagnosis', box).find((c) => (LEVEL_ORDER[c.dataset.level] ?? 3) > (LEVEL_ORDER[f.level] ?? 3));
  box.insertBefore(card, after || null);
  updateFindingsHeading();
}

function updateFindingsHeading() {
  const cards = $all('.diagnosis', dialog);
  $('#probe-findings-section').hidden = cards.length === 0;
  const errors = cards.filter((c) => c.dataset.level === 'error').length;
  const rest = cards.length - errors;
  $('#probe-findings-count').textContent = [errors ? plural(errors, 'problem') : '', rest ? plural(rest, 'note') : ''].filter(Boolean).join(', ');
}

function currentSettings() {
  const s = state.source;
  if (!s) return null;
  return s.kind === 'saved' ? s.dest : s.adapter.target().settings;
}

function renderReport(report, { reconcile = true } = {}) {
  const list = $('#probe-steps');
  if (!reconcile) list.replaceChildren();
  const seen = new Set(report.steps.map((s) => s.id));
  for (const li of $all('.probe-step', list)) if (!seen.has(li.dataset.step)) li.remove();
  for (const s of report.steps) onStep(s);
  const codes = new Set(report.findings.map((f) => f.code));
  for (const card of $all('.diagnosis', dialog)) if (!codes.has(card.dataset.code)) card.remove();
  for (const f of report.findings) addFinding(f);
  updateFindingsHeading();
  const settings = currentSettings();
  showOutcome(report, settings);
  showProof(report, settings);
  const started = new Date(report.started_at);
  $('#probe-when').textContent = `Tested ${started.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}`;
}

/* ---------- running ---------- */

function setBusy(busy) {
  state.running = busy;
  const retest = $('#probe-retest');
  retest.disabled = busy;
  retest.classList.toggle('is-busy', busy);
  $('#probe-read-back').disabled = busy;
  clearInterval(state.tick);
  state.tick = busy ? setInterval(() => tickSteps(dialog), 100) : null;
}

async function run() {
  if (!state.source || state.running) return;
  const token = ++state.run;
  state.shown = token;
  state.stored = false;
  const source = state.source;
  const readBack = $('#probe-read-back').checked;
  // The cards are about to go: keep focus inside the panel.
  if (dialog.contains(document.activeElement) && document.activeElement.closest('#probe-findings')) $('#probe-title').focus();
  $('#probe-findings').replaceChildren();
  $('#probe-proof').hidden = true;
  updateFindingsHeading();
  resetSteps(readBack);
  $('#probe-when').textContent = '';
  setBusy(true);
  showRunning('Starting');
  const target = source.kind === 'saved' ? { id: source.dest.id } : source.adapter.target();
  let done = false; // events that arrive after the report are stale
  const onEvent = (ev) => {
    if (done || token !== state.shown) return;
    if (ev.event === 'step') onStep(ev);
    else if (ev.event === 'finding') addFinding(ev);
  };
  let report = null;
  let error = null;
  try {
    report = await api.testDestination(target, onEvent, { readBack });
  } catch (err) {
    error = err;
  }
  done = true;
  if (token === state.shown) {
    setBusy(false);
    for (const el of $all('.probe-notice-pending', dialog)) el.remove();
  }
  const id = source.kind === 'saved' ? source.dest.id : source.adapter.editingId;
  if (id) hooks.onTested(id);
  if (source.kind === 'form' && source.adapter.onDone) source.adapter.onDone(report ? report.outcome : 'error');
  if (token === state.shown) {
    if (report) renderReport(report);
    else {
      skipUnfinishedSteps(dialog);
      showRunError(error);
    }
  } else if (token === state.run && report) {
    // The panel was closed while the test ran: say how it ended.
    const name = source.kind === 'saved' ? source.dest.name : 'the form’s settings';
    const kind = report.outcome === 'passed' ? 'success' : report.outcome === 'warnings' ? 'warning' : 'error';
    toast(`Connection test of “${name}” ${statusLabel(report.outcome).toLowerCase()}`, {
      kind,
      detail: report.findings[0] ? report.findings[0].title : '',
      timeout: 8000,
    });
  }
}

/* ---------- one-click fixes ---------- */

/** A diagnosis's "edit" action: close the panel and open the setting to fix. */
function editByHand(finding) {
  const source = state.source;
  if (!source) return;
  const field = finding.edit.field;
  dialog.close();
  if (source.kind === 'saved') hooks.onEditSaved(source.dest, field);
  else if (source.adapter.edit) source.adapter.edit(field);
}

async function applyFix(finding, button, showError) {
  const { field, value } = finding.apply;
  const source = state.source;
  if (!source || state.running) return;
  button.disabled = true;
  button.classList.add('is-busy');
  try {
    if (source.kind === 'saved') {
      const res = await api.applyFix(source.dest.id, field, value);
      source.dest = res.destination;
      await hooks.reload({ highlight: source.dest.id }).catch(() => {});
      showNotice(`Saved “${source.dest.name}”: ${describeChange(field, value)}.`, { pending: true });
    } else {
      await source.adapter.apply(field, value);
      showNotice(`Changed in the form: ${describeChange(field, value)}. Save to keep it.`, { pending: true });
    }
  } catch (err) {
    button.disabled = false;
    button.classList.remove('is-busy');
    showError(err);
    return;
  }
  run();
}

/* ---------- opening ---------- */

function open(source, opener, { title, subtitle }) {
  state.source = source;
  $('#probe-title').textContent = title;
  $('#probe-subtitle').replaceChildren(...subtitle);
  $('#probe-notice').hidden = true;
  $('#probe-retest .button-label').textContent = 'Test again';
  if (!dialog.open) {
    openModal(dialog, {
      focus: $('#probe-title'),
      returnFocus: opener,
      onClose: () => {
        // A running test goes on (its report is stored); the panel lets go of it.
        state.shown = 0;
        state.source = null;
        setBusy(false);
      },
    });
  }
}

function savedSubtitle(dest) {
  return [h('strong', { text: dest.name }), ' · ', h('code', { text: destPath(dest) }), dest.provider_label ? ` on ${dest.provider_label}` : ''];
}

/** Test a saved destination. */
export function testSaved(dest, opener) {
  open({ kind: 'saved', dest }, opener, { title: 'Connection test', subtitle: savedSubtitle(dest) });
  run();
}

/**
 * Test the form as typed. adapter: {target() → {settings, credentials,
 * editingId}, apply(field, value), editingId, name}.
 */
export function testForm(adapter, opener) {
  const settings = adapter.target().settings;
  const name = settings.name.trim();
  open({ kind: 'form', adapter }, opener, {
    title: 'Connection test',
    subtitle: [name ? h('strong', { text: name }) : 'New destination', ' · ', h('code', { text: destPath(settings) }), adapter.editingId ? ' · unsaved changes included' : ' · not saved yet'],
  });
  run();
}

/** Show a stored test again; "Test again" tests the destination now. */
export function showStoredProbe(dest, stored, opener) {
  state.run++;
  setBusy(false);
  open({ kind: 'saved', dest }, opener, { title: 'Connection test', subtitle: savedSubtitle(dest) });
  state.shown = state.run;
  $('#probe-retest .button-label').textContent = 'Test now';
  state.stored = true;
  $('#probe-findings').replaceChildren();
  renderReport(stored.report, { reconcile: false });
  const when = new Date(stored.report.started_at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  showNotice(`An earlier test, from ${when}. The settings may have changed since; Test now checks them again.`, { tone: 'info' });
}

export function isProbeOpen() {
  return dialog && dialog.open;
}

export function initProbe(opts) {
  hooks = { ...hooks, ...opts };
  dialog = $('#probe-panel');
  $('#probe-retest').addEventListener('click', () => {
    $('#probe-notice').hidden = true;
    $('#probe-retest .button-label').textContent = 'Test again';
    run();
  });
}
