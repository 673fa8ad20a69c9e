// One diagnosis card per finding of a connection test:
//   <article class="diagnosis" data-code="{code}" data-level="{level}">
// with, in this order, what happened, the likely cause and what to do; a
// one-click fix ([data-apply="{code}"]) when the finding has one; the
// minimal IAM policy when permissions are the problem; and the raw
// evidence (S3 code, request id …) folded away under "Details".

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { stepLabel } from '../lib/probe-steps.js';
import { copyButton } from './copy-button.js';

const LEVELS = {
  error: { icon: 'error', text: 'Problem' },
  warning: { icon: 'warning', text: 'Warning' },
  info: { icon: 'info', text: 'Note' },
};

const EVIDENCE = [
  ['step', 'Step'],
  ['http_status', 'HTTP status'],
  ['s3_code', 'S3 error code'],
  ['message', 'Server message'],
  ['bucket_region', 'Bucket region'],
  ['endpoint', 'Endpoint'],
  ['addressing', 'Addressing'],
  ['proxy', 'Proxy'],
  ['request_id', 'Request id'],
  ['detail', 'Detail'],
];

function evidenceRows(ev, { raw = false } = {}) {
  return EVIDENCE.filter(([k]) => ev && ev[k] !== undefined && ev[k] !== null && ev[k] !== '').map(([k, label]) => [
    k,
    label,
    k === 'step' && !raw ? stepLabel(ev[k]) : String(ev[k]),
  ]);
}

/** The finding as plain text, for a support ticket or a chat. */
export function findingText(f) {
  const lines = [`Chute connection test: ${f.title}`, `Code: ${f.code} (${f.level})`];
  for (const [, label, value] of evidenceRows(f.evidence, { raw: true })) lines.push(`${label}: ${value}`);
  lines.push('', JSON.stringify({ code: f.code, level: f.level, evidence: f.evidence }, null, 2));
  return lines.join('\n');
}

function part(cls, label, text) {
  if (!text) return null;
  return h('div', { class: `diagnosis-part ${cls}` }, h('dt', { text: label }), h('dd', {}, richText(text)));
}

/**
 * The card for finding `f`. opts.onApply(f, button, showError) applies
 * its one-click fix; without it the fix is described but not offered.
 * opts.onEdit(f, button) takes the person to the setting to fix by hand
 * ([data-edit="{code}"]), offered when no one-click fix is.
 */
export function diagnosisCard(f, opts = {}) {
  const level = LEVELS[f.level] ? f.level : 'error';
  const titleId = `diagnosis-${f.code}-title`;
  const ev = f.evidence || {};
  const error = h('div', { class: 'diagnosis-error', role: 'alert', hidden: true });
  const showError = (err) => {
    error.replaceChildren(icon('error'), h('div', {}, h('p', {}, richText(err.message)), err.fix ? h('p', { class: 'muted' }, richText(err.fix)) : null));
    error.hidden = false;
  };

  const apply = f.apply && opts.onApply
    ? h(
        'button',
        {
          type: 'button',
          class: 'button button--primary button--small diagnosis-apply',
          dataset: { apply: f.code, field: f.apply.field },
          on: { click: (e) => opts.onApply(f, e.currentTarget, showError) },
        },
        icon('wand'),
        h('span', { class: 'button-label' }, richText(f.apply.label)),
      )
    : null;

  const edit = f.edit && opts.onEdit && !apply
    ? h(
        'button',
        {
          type: 'button',
          class: 'button button--primary button--small diagnosis-edit',
          dataset: { edit: f.code, field: f.edit.field },
          on: { click: (e) => opts.onEdit(f, e.currentTarget) },
        },
        icon(f.edit.field === 'credentials' ? 'key' : 'edit'),
        h('span', { class: 'button-label', text: f.edit.label }),
      )
    : null;

  const policy = f.policy
    ? h(
        'div',
        { class: 'diagnosis-policy' },
        h('div', { class: 'diagnosis-policy-head' }, h('span', { class: 'diagnosis-policy-title', text: 'Minimal IAM policy for this bucket and prefix' }), copyButton('Copy policy', () => f.policy, { dataset: { copy: 'policy' } })),
        h('pre', { class: 'code-block', tabindex: '0', 'aria-label': 'IAM policy' }, h('code', { text: f.policy })),
      )
    : null;

  const tag = [ev.http_status ? `HTTP ${ev.http_status}` : '', ev.s3_code || ''].filter(Boolean).join(' · ');
  const details = h(
    'details',
    { class: 'diagnosis-details' },
    h('summary', {}, icon('chevron', 'diagnosis-details-chevron'), h('span', { text: 'Details' }), tag ? h('span', { class: 'diagnosis-tag', text: tag }) : null),
    h(
      'div',
      { class: 'diagnosis-details-body' },
      h('dl', { class: 'evidence' }, evidenceRows(ev).map(([k, label, value]) => h('div', { class: 'evidence-row', dataset: { key: k } }, h('dt', { text: label }), h('dd', { class: k === 'message' || k === 'detail' ? '' : 'mono', text: value })))),
      copyButton('Copy details', () => findingText(f), { dataset: { copy: 'details' } }),
    ),
  );

  return h(
    'article',
    { class: 'diagnosis', dataset: { code: f.code, level }, 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'diagnosis-head' },
      icon(LEVELS[level].icon, 'diagnosis-icon'),
      h('h4', { class: 'diagnosis-title', id: titleId }, h('span', { class: 'sr-only', text: `${LEVELS[level].text}: ` }), richText(f.title)),
    ),
    h('dl', { class: 'diagnosis-body' }, part('diagnosis-happened', 'What happened', f.what_happened), part('diagnosis-cause', 'Likely cause', f.likely_cause), part('diagnosis-fix', 'What to do', f.fix)),
    apply || edit ? h('div', { class: 'diagnosis-actions' }, apply || edit) : null,
    error,
    policy,
    details,
  );
}
