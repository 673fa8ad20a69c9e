// The connection test panel (#probe-panel). It runs test_destination for a
// saved destination or for the form as typed, shows each step as it
// happens (.probe-step[data-step][data-status]), the outcome
// (#probe-outcome[data-outcome]) and one diagnosis card per finding
// (see components/diagnosis-card.js). It can also show a stored report again.

import { api } from '../lib/api.js';
import { $, $all, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { openModal } from '../components/dialogs.js';
import { toast } from '../components/toast.js';
import { diagnosisCard, formatMs, stepLabel, STEP_ORDER } from '../components/diagnosis-card.js';
import { plural } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';

const SETTINGS_KEYS = [
  'name', 'provider', 'bucket', 'region', 'endpoint', 'account_id', 'path_style', 'prefix', 'key_template',
  'storage_class', 'acl', 'headers', 'metadata', 'tags', 'active', 'overwrite', 'ignore', 'confirm_delivery',
];
const LEVEL_ORDER = { error: 0, warning: 1, info: 2 };
const STATUS_ICON = { pending: null, running: null, passed: 'check', warning: 'warning', failed: 'close', skipped: 'dash' };
const STATUS_TEXT = { pending: 'Waiting', running: 'Running', passed: 'Passed', warning: 'Warning', failed: 'Failed', skipped: 'Skipped' };

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

/* ---------- steps ---------- */

function stepEl(id, status = 'pending', label = stepLabel(id)) {
  return h(
    'li',
    { class: 'probe-step', dataset: { step: id, status } },
    h('span', { class: 'probe-step-icon' }),
    h('span', { class: 'probe-step-text' }, h('span', { class: 'probe-step-label', text: label }), h('span', { class: 'probe-step-detail' })),
    h('span', { class: 'probe-step-time' }),
    h('span', { class: 'sr-only probe-step-status' }),
  );
}

function updateStep(li, step) {
  const status = step.status || 'pending';
  li.dataset.status = status;
  const iconBox = $('.probe-step-icon', li);
  const name = STATUS_ICON[status];
  iconBox.replaceChildren(name ? icon(name) : h('span', { class: status === 'running' ? 'spinner spinner--small' : 'probe-dot' }));
  if (step.label) $('.probe-step-label', li).textContent = step.label;
  $('.probe-step-detail', li).replaceChildren(richText(status === 'running' ? '' : step.detail || ''));
  $('.probe-step-status', li).textContent = `: ${STATUS_TEXT[status] || status}`;
  const time = $('.probe-step-time', li);
  if (status === 'running') {
    li.dataset.startedAt = String(performance.now());
    time.textContent = '';
  } else {
    delete li.dataset.startedAt;
    time.textContent = status === 'skipped' || status === 'pending' ? '' : formatMs(step.duration_ms);
  }
}

function resetSteps(readBack) {
  const ids = STEP_ORDER.filter((id) => id !== 'read_back' || readBack);
  $('#probe-steps').replaceChildren(...ids.map((id) => {
    const li = stepEl(id);
    updateStep(li, { status: 'pending' });
    return li;
  }));
}

function onStep(step) {
  const list = $('#probe-steps');
  let li = $(`.probe-step[data-step="${CSS.escape(step.id)}"]`, list);
  if (!li) {
    li = stepEl(step.id);
    list.append(li);
  }
  updateStep(li, step);
  if (step.status === 'running') setRunningText(step.label || stepLabel(step.id));
}

/** The elapsed time of the running step, ticking while it runs. */
function tick() {
  for (const li of $all('.probe-step[data-started-at]', dialog)) {
    const ms = performance.now() - Number(li.dataset.startedAt);
    if (ms > 300) $('.probe-step-time', li).textContent = formatMs(ms);
  }
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

/* ---------- outcome ---------- */

function setOutcome(outcome, iconName, title, ...lines) {
  const box = $('#probe-outcome');
  box.dataset.outcome = outcome;
  box.setAttribute('aria-busy', String(outcome === 'running'));
  box.replaceChildren(
    h('span', { class: 'probe-outcome-icon' }, iconName ? icon(iconName) : h('span', { class: 'spinner' })),
    h('div', { class: 'probe-outcome-text' }, h('p', { class: 'probe-outcome-title', text: title }), ...lines.filter(Boolean)),
  );
}

function setRunningText(stepText) {
  if (!state.running) return;
  setOutcome('running', null, 'Testing the connection…', h('p', { class: 'probe-outcome-line' }, `${stepText}…`));
}

function where() {
  const settings = currentSettings();
  return settings ? destPath(settings) : '';
}

function facts(report) {
  const skew = report.clock_skew_secs;
  const clock = skew === null || skew === undefined ? null : Math.abs(skew) <= 5 ? 'clock in sync' : `clock ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead'}`;
  return h(
    'p',
    { class: 'probe-outcome-facts' },
    h('code', { text: report.endpoint }),
    h('span', { text: report.addressing }),
    clock ? h('span', { text: clock }) : null,
    h('span', { text: `${formatMs(report.duration_ms)} in all` }),
  );
}

function renderOutcome(report) {
  const errors = report.findings.filter((f) => f.level === 'error');
  const failedStep = report.steps.find((s) => s.status === 'failed');
  const path = h('code', { text: where() || 'the bucket' });
  if (report.outcome === 'passed') {
    setOutcome('passed', 'check', 'Connection works', h('p', { class: 'probe-outcome-line' }, 'Chute can write to ', path, ' and clean up after itself.'), facts(report));
  } else if (report.outcome === 'warnings') {
    setOutcome('warnings', 'warning', 'Works, with warnings', h('p', { class: 'probe-outcome-line' }, 'Deliveries to ', path, ' should succeed. Review the notes below.'), facts(report));
  } else {
    const count = errors.length || 1;
    const line = failedStep
      ? `${plural(count, 'problem')} to fix before Chute can deliver here.`
      : `Every step got through, but ${count === 1 ? 'a setting needs' : `${count} settings need`} fixing before deliveries are reliable.`;
    const title = failedStep ? `The test failed at “${failedStep.label}”` : `The test found ${plural(count, 'problem')}`;
    setOutcome('failed', 'error', title, h('p', { class: 'probe-outcome-line', text: line }), facts(report));
  }
}

/** In plain words, what the passed steps prove. */
function renderProof(report) {
  const box = $('#probe-proof');
  const step = (id) => report.steps.find((s) => s.id === id);
  const ok = (id) => step(id) && step(id).status === 'passed';
  const lines = [];
  const cred = step('credentials');
  if (ok('put_object') && cred) lines.push(['passed', `The server accepts the credentials (${cred.detail}).`]);
  const head = step('head_bucket');
  const settings = currentSettings();
  const bucket = settings ? settings.bucket.trim() : '';
  if (head && head.status === 'passed') lines.push(['passed', `The bucket \`${bucket}\` exists${/region ([\w-]+)/.test(head.detail) ? ` in \`${head.detail.match(/region ([\w-]+)/)[1]}\`` : ''}.`]);
  else if (head && head.status === 'warning') lines.push(['warning', 'The bucket itself is not visible to these credentials; writing works, which is all delivery needs.']);
  if (ok('put_object')) lines.push(['passed', `Chute may write under \`${settings && settings.prefix ? settings.prefix : '/'}\`, where your files will go.`]);
  if (ok('read_back')) lines.push(['passed', 'Objects read back byte for byte.']);
  if (ok('delete_object')) lines.push(['passed', 'It may delete its test object too, so tests leave nothing behind.']);
  box.hidden = report.outcome === 'failed' || lines.length === 0;
  $('#probe-proof-list').replaceChildren(...lines.map(([tone, text]) => h('li', { dataset: { tone } }, icon(tone === 'passed' ? 'check' : 'warning'), h('span', {}, richText(text)))));
  $('#probe-proof-note').textContent = report.steps.some((s) => s.id === 'read_back')
    ? 'Nothing was left in the bucket.'
    : 'Reading files back is not checked unless you ask for it; delivery does not need it.';
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
  renderOutcome(report);
  renderProof(report);
  const started = new Date(report.started_at);
  $('#probe-when').textContent = `Tested ${started.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}`;
}

function renderRunError(err) {
  for (const li of $all('.probe-step[data-status="running"], .probe-step[data-status="pending"]', dialog)) {
    updateStep(li, { status: 'skipped', detail: '' });
  }
  setOutcome('error', 'error', 'The test could not run', h('p', { class: 'probe-outcome-line' }, richText(err.message)), err.fix ? h('p', { class: 'probe-outcome-fix' }, richText(err.fix)) : null);
}

/* ---------- running ---------- */

function setBusy(busy) {
  state.running = busy;
  const retest = $('#probe-retest');
  retest.disabled = busy;
  retest.classList.toggle('is-busy', busy);
  $('#probe-read-back').disabled = busy;
  clearInterval(state.tick);
  state.tick = busy ? setInterval(tick, 100) : null;
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
  setRunningText('Starting');
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
    else renderRunError(error);
  } else if (token === state.run && report) {
    // The panel was closed while the test ran: say how it ended.
    const name = source.kind === 'saved' ? source.dest.name : 'the form’s settings';
    const kind = report.outcome === 'passed' ? 'success' : report.outcome === 'warnings' ? 'warning' : 'error';
    const verb = { passed: 'passed', warnings: 'passed with warnings', failed: 'failed' }[report.outcome] || 'ended';
    toast(`Connection test of “${name}” ${verb}`, {
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

/** The destination's settings with `field` set to the fix's value. */
function changedSettings(dest, field, value) {
  const settings = Object.fromEntries(SETTINGS_KEYS.filter((k) => k in dest).map((k) => [k, dest[k]]));
  const [head, sub] = field.split('.');
  if (sub) settings[head] = { ...(settings[head] || {}), [sub]: value };
  else settings[head] = typeof settings[head] === 'boolean' || head === 'path_style' || head === 'active' ? value === 'true' : value;
  return settings;
}

async function applyFix(finding, button, showError) {
  const { field, value } = finding.apply;
  const source = state.source;
  if (!source || state.running) return;
  button.disabled = true;
  button.classList.add('is-busy');
  try {
    if (source.kind === 'saved') {
      const res = await api.saveDestination(changedSettings(source.dest, field, value), { kind: 'keep' }, source.dest.id);
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

function describeChange(field, value) {
  if (field === 'path_style') return value === 'true' ? 'path-style addressing is on' : 'path-style addressing is off';
  const names = { region: 'region', endpoint: 'endpoint', prefix: 'path prefix', bucket: 'bucket', account_id: 'account id', provider: 'provider' };
  return `${names[field] || field} is now \`${value}\``;
}

/** A line above the outcome; `pending` adds "Testing again…" until the run ends. */
function showNotice(text, { tone = 'success', pending = false } = {}) {
  const n = $('#probe-notice');
  n.dataset.tone = tone;
  n.replaceChildren(icon(tone === 'success' ? 'check' : 'history'), h('span', {}, richText(text), pending ? h('span', { class: 'probe-notice-pending', text: ' Testing again…' }) : null));
  n.hidden = false;
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
