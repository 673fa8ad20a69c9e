// Renders validation problems next to the fields they are about.
// Each problem becomes
//   <div class="problem problem--{severity}" data-problem-for="{field}" data-code="{code}">
// with its message, its fix and, when the problem carries fix_value, a
// button [data-fix="{code}"] that applies the value.

import { h, richText, $all } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { providerLabel } from '../lib/catalog.js';

/** Where a problem about `field` is shown when the field has no box of its own. */
function containerFor(root, field) {
  const direct = root.querySelector(`[data-problems="${CSS.escape(field)}"]`);
  if (direct) return direct;
  const head = field.split('.')[0];
  const section = root.querySelector(`[data-problems="${CSS.escape(head)}"]`);
  if (section) return section;
  if (['access_key_id', 'secret_access_key', 'profile', 'keys'].includes(head)) {
    const creds = root.querySelector('[data-problems="credentials"]');
    if (creds) return creds;
  }
  return root.querySelector('[data-problems="general"]');
}

function fixLabel(problem) {
  const target = problem.fix_field || problem.field;
  const value = problem.fix_value;
  if (target === 'path_style') return value === 'false' ? ['Fix: turn off path-style'] : ['Fix: turn on path-style'];
  if (target === 'active') return [value === 'false' ? 'Fix: pause it' : 'Fix: make it active'];
  if (target === 'provider') {
    return [`Fix: switch to ${providerLabel(value)}`];
  }
  if (value === '') return ['Fix: clear it'];
  const shown = value.length > 48 ? value.slice(0, 46) + '…' : value;
  return ['Fix: use ', h('code', { text: shown })];
}

function problemEl(problem, index, onFix) {
  const sev = problem.severity === 'error' ? 'error' : 'warning';
  const hasFix = typeof problem.fix_value === 'string';
  return h(
    'div',
    {
      class: `problem problem--${sev}`,
      id: `problem-${index}`,
      dataset: { problemFor: problem.field, code: problem.code, severity: sev },
    },
    icon(sev === 'error' ? 'error' : 'warning', 'problem-icon'),
    h(
      'div',
      { class: 'problem-text' },
      h('p', { class: 'problem-message' }, h('span', { class: 'sr-only', text: sev === 'error' ? 'Error: ' : 'Warning: ' }), richText(problem.message)),
      problem.fix ? h('p', { class: 'problem-fix' }, richText(problem.fix)) : null,
    ),
    hasFix
      ? h(
          'button',
          {
            type: 'button',
            class: 'button button--small problem-fix-button',
            dataset: { fix: problem.code, fixField: problem.fix_field || problem.field },
            on: { click: () => onFix(problem) },
          },
          icon('wand'),
          h('span', {}, fixLabel(problem)),
        )
      : null,
  );
}

/**
 * Show `problems` inside `root`. Returns {errors, warnings}.
 * opts.onFix(problem) applies a fix.
 */
export function renderProblems(root, problems, opts = {}) {
  for (const box of $all('[data-problems]', root)) box.replaceChildren();
  for (const el of $all('[aria-invalid]', root)) el.removeAttribute('aria-invalid');
  for (const el of $all('[data-has-problem]', root)) {
    el.removeAttribute('data-has-problem');
  }
  for (const el of $all('[data-base-describedby]', root)) {
    const base = el.dataset.baseDescribedby;
    if (base) el.setAttribute('aria-describedby', base);
    else el.removeAttribute('aria-describedby');
  }

  let errors = 0;
  let warnings = 0;
  problems.forEach((p, i) => {
    if (p.severity === 'error') errors++;
    else warnings++;
    const box = containerFor(root, p.field);
    if (!box) return;
    const el = problemEl(p, `${root.id || 'x'}-${i}`, opts.onFix || (() => {}));
    if (p.severity === 'error') box.prepend(el);
    else box.append(el);

    const field = root.querySelector(`.field[data-field="${CSS.escape(p.field)}"]`);
    if (field) field.dataset.hasProblem = field.dataset.hasProblem === 'error' || p.severity === 'error' ? 'error' : 'warning';
    for (const input of $all(`[name="${CSS.escape(p.field)}"]`, root)) {
      if (!('baseDescribedby' in input.dataset)) input.dataset.baseDescribedby = input.getAttribute('aria-describedby') || '';
      const ids = new Set((input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
      ids.add(box.id);
      input.setAttribute('aria-describedby', [...ids].join(' '));
      if (p.severity === 'error') input.setAttribute('aria-invalid', 'true');
    }
  });

  // Collapsed sections show that they hold problems, and open for errors.
  for (const details of $all('details[data-section]', root)) {
    const inside = $all('.problem', details);
    const meta = details.querySelector('[data-meta]');
    const errs = inside.filter((e) => e.dataset.severity === 'error').length;
    if (meta) {
      meta.dataset.problemState = inside.length ? (errs ? 'error' : 'warning') : '';
      meta.dataset.count = String(inside.length);
    }
    if (errs && !details.open) details.open = true;
  }
  return { errors, warnings };
}
