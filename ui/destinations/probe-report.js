// What a connection test says above its steps: the outcome
// (#probe-outcome[data-outcome]) with the endpoint, addressing, clock and
// time it took; in plain words what the passed steps prove (#probe-proof);
// and a notice line (#probe-notice) after a fix or for an earlier test.

import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { plural, formatTestTime } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { testOutcomeIcon } from '../lib/status.js';

function setOutcome(outcome, iconName, title, ...lines) {
  const box = $('#probe-outcome');
  box.dataset.outcome = outcome;
  box.setAttribute('aria-busy', String(outcome === 'running'));
  box.replaceChildren(
    h('span', { class: 'probe-outcome-icon' }, iconName ? icon(iconName) : h('span', { class: 'spinner' })),
    h('div', { class: 'probe-outcome-text' }, h('p', { class: 'probe-outcome-title', text: title }), ...lines.filter(Boolean)),
  );
}

/** The outcome while the test runs: the step under way. */
export function showRunning(stepText) {
  setOutcome('running', null, 'Testing the connection…', h('p', { class: 'probe-outcome-line' }, `${stepText}…`));
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
    h('span', { text: `${formatTestTime(report.duration_ms)} in all` }),
  );
}

/** The outcome of `report`, for the destination `settings` (what the test was about). */
export function showOutcome(report, settings) {
  const errors = report.findings.filter((f) => f.level === 'error');
  const failedStep = report.steps.find((s) => s.status === 'failed');
  const path = h('code', { text: (settings && destPath(settings)) || 'the bucket' });
  if (report.outcome === 'passed') {
    setOutcome('passed', testOutcomeIcon('passed'), 'Connection works', h('p', { class: 'probe-outcome-line' }, 'Chute can write to ', path, ' and clean up after itself.'), facts(report));
  } else if (report.outcome === 'warnings') {
    setOutcome('warnings', testOutcomeIcon('warnings'), 'Works, with warnings', h('p', { class: 'probe-outcome-line' }, 'Deliveries to ', path, ' should succeed. Review the notes below.'), facts(report));
  } else {
    const count = errors.length || 1;
    const line = failedStep
      ? `${plural(count, 'problem')} to fix before Chute can deliver here.`
      : `Every step got through, but ${count === 1 ? 'a setting needs' : `${count} settings need`} fixing before deliveries are reliable.`;
    const title = failedStep ? `The test failed at “${failedStep.label}”` : `The test found ${plural(count, 'problem')}`;
    setOutcome('failed', testOutcomeIcon('failed'), title, h('p', { class: 'probe-outcome-line', text: line }), facts(report));
  }
}

/** In plain words, what the passed steps prove. */
export function showProof(report, settings) {
  const box = $('#probe-proof');
  const step = (id) => report.steps.find((s) => s.id === id);
  const ok = (id) => step(id) && step(id).status === 'passed';
  const lines = [];
  const cred = step('credentials');
  if (ok('put_object') && cred) lines.push(['passed', `The server accepts the credentials (${cred.detail}).`]);
  const head = step('head_bucket');
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

/** The test could not run at all: why, and what to do. */
export function showRunError(err) {
  setOutcome('error', 'error', 'The test could not run', h('p', { class: 'probe-outcome-line' }, richText(err.message)), err.fix ? h('p', { class: 'probe-outcome-fix' }, richText(err.fix)) : null);
}

/** A line above the outcome; `pending` adds "Testing again…" until the run ends. */
export function showNotice(text, { tone = 'success', pending = false } = {}) {
  const n = $('#probe-notice');
  n.dataset.tone = tone;
  n.replaceChildren(icon(tone === 'success' ? 'check' : 'history'), h('span', {}, richText(text), pending ? h('span', { class: 'probe-notice-pending', text: ' Testing again…' }) : null));
  n.hidden = false;
}
